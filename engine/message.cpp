// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "message.h"

#include "palmmessage.pb.h"

#include <google/protobuf/stubs/logging.h>

#include <cstring>
#include <random>

namespace qpalm {

namespace {
// Hostile input must not make libprotobuf print to stderr; our servers log what was wrong.
const bool g_quietProtobuf = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
}();

PalmMessage &scratch()
{
    thread_local PalmMessage message;
    return message;
}
} // namespace

void encodeMessage(const Message &message, std::string &out)
{
    PalmMessage &pb = scratch();
    pb.set_pipeline(message.pipeline);
    pb.set_client(message.client);
    pb.set_stage(message.stage);
    pb.set_function(message.function);
    pb.set_cache(message.cache);
    pb.set_payload(message.payload);
    out.clear();
    pb.SerializeToString(&out);
}

std::string encodeMessage(const Message &message)
{
    std::string out;
    encodeMessage(message, out);
    return out;
}

bool decodeMessage(std::string_view bytes, Message &out)
{
    (void)g_quietProtobuf;
    PalmMessage &pb = scratch();
    if (!pb.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return false;
    out.pipeline.assign(pb.pipeline());
    out.client.assign(pb.client());
    out.stage = pb.stage();
    out.function.assign(pb.function());
    out.cache.assign(pb.cache());
    out.payload.swap(*pb.mutable_payload());
    return true;
}

namespace {
// The three varint readers follow libprotobuf's parser byte for byte (parse_context.h), so the
// quick check accepts exactly what the full decoder accepts.

// Any varint value (stage, unknown varint fields): at most 10 bytes.
bool readVarint(const unsigned char *&p, const unsigned char *end, std::uint64_t &value)
{
    value = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
        const unsigned char byte = *p++;
        value |= std::uint64_t(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

// A tag: at most 5 bytes, its value taken modulo 2^32 (as libprotobuf's ReadTag does).
bool readTag(const unsigned char *&p, const unsigned char *end, std::uint32_t &tag)
{
    tag = 0;
    for (int i = 0; i < 5 && p < end; ++i) {
        const unsigned char byte = *p++;
        tag |= std::uint32_t(byte & 0x7F) << (7 * i);
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

// A length: at most 5 bytes, below 2 GiB minus libprotobuf's 16 slop bytes, within the input.
bool readSize(const unsigned char *&p, const unsigned char *end, std::size_t &size)
{
    std::uint64_t value = 0;
    for (int i = 0; i < 5 && p < end; ++i) {
        const unsigned char byte = *p++;
        if (i == 4 && byte >= 8)
            return false;
        value |= std::uint64_t(byte & 0x7F) << (7 * i);
        if (!(byte & 0x80)) {
            if (value > std::uint64_t(0x7FFFFFFF - 16) || value > std::uint64_t(end - p))
                return false;
            size = std::size_t(value);
            return true;
        }
    }
    return false;
}

// libprotobuf's default recursion limit: unknown groups nest at most this deep.
constexpr int kMaxGroupDepth = 100;

// proto3 rejects string fields that are not UTF-8, so the in-place reader does too.
bool isUtf8(std::string_view text)
{
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const auto *end = p + text.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            // ASCII runs (uuids, function names) are checked eight bytes at a time.
            ++p;
            while (end - p >= 8) {
                std::uint64_t word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                p += 8;
            }
            continue;
        }
        int extra = 0;
        std::uint32_t code = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (p[i] & 0x3F);
        }
        static const std::uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (code < minimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

// Skips one field's value the way protobuf skips unknown fields; false when truncated.
bool skipField(const unsigned char *&p, const unsigned char *end, std::uint32_t field,
               unsigned wire, int depth)
{
    switch (wire) {
    case 0: {
        std::uint64_t ignored = 0;
        return readVarint(p, end, ignored);
    }
    case 1:
    case 5: {
        const std::size_t size = wire == 1 ? 8 : 4;
        if (std::size_t(end - p) < size)
            return false;
        p += size;
        return true;
    }
    case 2: {
        std::size_t length = 0;
        if (!readSize(p, end, length))
            return false;
        p += length;
        return true;
    }
    case 3: {
        if (depth >= kMaxGroupDepth)
            return false;
        while (p < end) {
            std::uint32_t tag = 0;
            if (!readTag(p, end, tag) || (tag >> 3) == 0)
                return false;
            const unsigned innerWire = unsigned(tag & 7);
            if (innerWire == 4)
                return (tag >> 3) == field;
            if (!skipField(p, end, tag >> 3, innerWire, depth + 1))
                return false;
        }
        return false;
    }
    default:
        return false;
    }
}
} // namespace

bool peekMessage(std::string_view bytes, MessageView &out)
{
    out = MessageView();
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        std::uint32_t tag = 0;
        if (!readTag(p, end, tag) || (tag >> 3) == 0)
            return false;
        const std::uint32_t field = tag >> 3;
        const unsigned wire = unsigned(tag & 7);
        if (field == 3 && wire == 0) {
            std::uint64_t value = 0;
            if (!readVarint(p, end, value))
                return false;
            out.stage = std::int64_t(value);
        } else if (field >= 1 && field <= 6 && field != 3 && wire == 2) {
            std::size_t length = 0;
            if (!readSize(p, end, length))
                return false;
            const std::string_view value(reinterpret_cast<const char *>(p), length);
            p += length;
            if (field != 6 && !isUtf8(value))
                return false;
            switch (field) {
            case 1:
                out.pipeline = value;
                break;
            case 2:
                out.client = value;
                break;
            case 4:
                out.function = value;
                break;
            case 5:
                out.cache = value;
                break;
            default:
                out.payload = value;
                break;
            }
        } else if (wire == 4 || !skipField(p, end, field, wire, 0)) {
            return false;
        }
    }
    return true;
}

std::string_view currentFunction(const Message &message)
{
    std::string_view rest = message.function;
    if (message.stage < 0)
        return {};
    std::int64_t index = 0;
    while (true) {
        const auto space = rest.find(' ');
        const std::string_view entry = rest.substr(0, space);
        if (index == message.stage)
            return entry;
        if (space == std::string_view::npos)
            return {};
        rest.remove_prefix(space + 1);
        ++index;
    }
}

bool splitFunction(std::string_view entry, std::string_view &server, std::string_view &method)
{
    const auto dot = entry.find('.');
    if (dot == std::string_view::npos)
        return false;
    server = entry.substr(0, dot);
    method = entry.substr(dot + 1);
    return true;
}

int functionStages(std::string_view function)
{
    if (function.empty())
        return 0;
    int stages = 1;
    for (char c : function)
        stages += c == ' ';
    return stages;
}

bool functionWithinLimits(std::string_view function)
{
    if (function.size() <= kMaxFunctionEntryBytes)
        return true; // the common case: nothing to scan
    if (function.size() > kMaxFunctionFieldBytes)
        return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t space = function.find(' ', start);
        const std::size_t stop = space == std::string_view::npos ? function.size() : space;
        if (stop - start > kMaxFunctionEntryBytes)
            return false;
        if (space == std::string_view::npos)
            return true;
        start = space + 1;
    }
}

std::string newUuid()
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::uint64_t hi = engine();
    std::uint64_t lo = engine();
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 32; ++i) {
        const std::uint64_t word = i < 16 ? hi : lo;
        const int shift = 60 - 4 * (i % 16);
        out.push_back(digits[(word >> shift) & 0xF]);
        if (i == 7 || i == 11 || i == 15 || i == 19)
            out.push_back('-');
    }
    return out;
}

} // namespace qpalm
