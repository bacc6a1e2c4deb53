#include "message.h"

#include "palmmessage.pb.h"

#include <random>

namespace qpalm {

namespace {
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
