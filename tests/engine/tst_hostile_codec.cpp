// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// One rule for the wire format: the master's quick check (peekMessage) accepts exactly what the
// full decoder (libprotobuf, as pylm) accepts, over random, mutated and hand-built inputs, and
// sees the same fields; function-field limits.

#include "codectest.h"
#include "message.h"
#include "testprint.h"

#include <QtTest>

#include <random>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// Empty when peek and decode agree on input (accept or reject, and the fields); else the story.
QString disagreement(const std::string &input)
{
    Message decoded;
    MessageView view;
    const bool full = decodeMessage(input, decoded);
    const bool peek = peekMessage(input, view);
    if (full != peek) {
        return QStringLiteral("peek %1, decode %2: %3")
            .arg(peek ? QStringLiteral("accepts") : QStringLiteral("rejects"),
                 full ? QStringLiteral("accepts") : QStringLiteral("rejects"),
                 QString::fromLatin1(hex(input).left(300)));
    }
    if (full && (view.pipeline != decoded.pipeline || view.client != decoded.client ||
                 view.stage != decoded.stage || view.function != decoded.function ||
                 view.cache != decoded.cache || view.payload != decoded.payload)) {
        return QStringLiteral("fields differ: ") + QString::fromLatin1(hex(input).left(300));
    }
    return {};
}

// A varint of value, padded with continuation bytes to at least minBytes.
std::string varint(std::uint64_t value, int minBytes = 1)
{
    std::string out;
    int written = 0;
    do {
        unsigned char byte = value & 0x7F;
        value >>= 7;
        ++written;
        if (value || written < minBytes)
            byte |= 0x80;
        out.push_back(static_cast<char>(byte));
    } while (value || written < minBytes);
    return out;
}

// Random protobuf-ish structure: known and unknown fields, every wire type, over-long varints,
// nested groups, strings with UTF-8 edge cases.
std::string structured(std::mt19937 &random, int depth = 0)
{
    static const std::vector<std::string> strings{"",
                                                  "a.b",
                                                  "client",
                                                  std::string("\xc3\xa9", 2),
                                                  std::string("\xed\xa0\x80", 3),
                                                  std::string("\xf4\x90\x80\x80", 4),
                                                  std::string("\xc0\xaf", 2),
                                                  std::string("\xff", 1),
                                                  std::string("\xe2\x82", 2),
                                                  std::string("\xf0\x9f\x98\x80", 4)};
    std::string out;
    const int fields = static_cast<int>(random() % 5);
    for (int i = 0; i < fields; ++i) {
        const std::uint32_t field = random() % 4 == 0 ? random() % 0x40000000u : random() % 9;
        const unsigned wire = random() % 8;
        const int pad = random() % 6 == 0 ? static_cast<int>(random() % 7) : 1;
        if (random() % 20 == 0) {
            // A tag that only fits in 64 bits, or wraps at 32.
            out += varint((std::uint64_t(random()) << 32) | (field << 3) | wire);
        } else {
            out += varint((std::uint64_t(field) << 3) | wire, pad);
        }
        switch (wire) {
        case 0:
            out += varint(random() % 3 == 0 ? ~std::uint64_t(0) >> (random() % 64) : random(),
                          random() % 6 == 0 ? static_cast<int>(random() % 12) : 1);
            break;
        case 1:
            out += std::string(random() % 10, 'x');
            break;
        case 5:
            out += std::string(random() % 6, 'y');
            break;
        case 2: {
            const std::string &value = strings[random() % strings.size()];
            const std::uint64_t length =
                random() % 10 == 0 ? value.size() + random() % 3 : value.size();
            out += varint(length, random() % 6 == 0 ? static_cast<int>(random() % 7) : 1);
            out += value;
            break;
        }
        case 3:
            if (depth < 4)
                out += structured(random, depth + 1);
            if (random() % 5 != 0)
                out += varint((std::uint64_t(random() % 4 == 0 ? field + 1 : field) << 3) | 4);
            break;
        default:
            break;
        }
    }
    return out;
}

Message randomMessage(std::mt19937 &random)
{
    Message message;
    message.pipeline = newUuid();
    message.client = newUuid();
    message.stage = random() % 3 == 0 ? std::int64_t(random()) << 31 : std::int64_t(random() % 5);
    message.function = random() % 2 ? "a.f b.g" : "s.m";
    message.cache = random() % 2 ? "" : "key";
    message.payload = std::string(random() % 20, 'p');
    return message;
}

std::string nestedGroups(int depth)
{
    std::string out;
    for (int i = 0; i < depth; ++i)
        out += "\x3b"; // field 7, start group
    for (int i = 0; i < depth; ++i)
        out += "\x3c"; // field 7, end group
    return out + bytes({0x12, 0x01, 'c'});
}

} // namespace

class TestHostileCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownDisagreements_data()
    {
        QTest::addColumn<QByteArray>("wire");
        auto row = [](const char *name, const std::string &wire) {
            QTest::newRow(name) << QByteArray(wire.data(), qsizetype(wire.size()));
        };
        // The 7-byte input of issue 9: a tag padded to 6 bytes, then an empty string.
        row("tag over 5 bytes", bytes({0x8a, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00}));
        row("tag of 5 bytes", bytes({0x8a, 0x80, 0x80, 0x80, 0x00, 0x00}));
        row("tag wrapping at 32 bits", bytes({0x8a, 0x80, 0x80, 0x80, 0x10, 0x00}));
        row("length over 5 bytes", bytes({0x12, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 'c'}));
        row("length of 5 bytes", bytes({0x12, 0x81, 0x80, 0x80, 0x80, 0x00, 'c'}));
        row("length with a big 5th byte", bytes({0x12, 0x81, 0x80, 0x80, 0x80, 0x08, 'c'}));
        row("stage of 10 bytes", std::string("\x18") + varint(~std::uint64_t(0)));
        row("stage over 10 bytes", std::string("\x18") + varint(1, 11));
        row("groups nested 99", nestedGroups(99));
        row("groups nested 100", nestedGroups(100));
        row("groups nested 101", nestedGroups(101));
        row("end group of another field", bytes({0x3b, 0x44, 0x12, 0x01, 'c'}));
        row("surrogate in client", bytes({0x12, 0x03, 0xed, 0xa0, 0x80}));
        row("overlong utf-8", bytes({0x12, 0x02, 0xc0, 0xaf}));
        row("over U+10FFFF", bytes({0x12, 0x04, 0xf4, 0x90, 0x80, 0x80}));
        row("4-byte utf-8", bytes({0x12, 0x04, 0xf0, 0x9f, 0x98, 0x80}));
        row("invalid utf-8 in payload", bytes({0x32, 0x01, 0xff}));
    }

    void knownDisagreements()
    {
        QFETCH(QByteArray, wire);
        const QString story = disagreement(std::string(wire.constData(), size_t(wire.size())));
        QVERIFY2(story.isEmpty(), qPrintable(story));
    }

    void randomBytes()
    {
        std::mt19937 random(2026);
        int accepted = 0;
        for (int i = 0; i < 200000; ++i) {
            std::string junk(random() % 24, '\0');
            for (char &c : junk)
                c = static_cast<char>(random() & 0xff);
            const QString story = disagreement(junk);
            QVERIFY2(story.isEmpty(), qPrintable(story));
            MessageView view;
            accepted += peekMessage(junk, view);
        }
        QVERIFY(accepted > 1000); // the comparison covered both sides
    }

    void mutatedMessages()
    {
        std::mt19937 random(9);
        int accepted = 0;
        for (int i = 0; i < 200000; ++i) {
            std::string wire = encodeMessage(randomMessage(random));
            const int edits = 1 + static_cast<int>(random() % 4);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = wire.empty() ? 0 : random() % wire.size();
                switch (random() % 4) {
                case 0:
                    if (!wire.empty())
                        wire[at] = static_cast<char>(random() & 0xff);
                    break;
                case 1:
                    wire.insert(at, 1, static_cast<char>(random() & 0xff));
                    break;
                case 2:
                    if (!wire.empty())
                        wire.erase(at, 1);
                    break;
                default:
                    wire.insert(at, structured(random));
                    break;
                }
            }
            if (random() % 5 == 0)
                wire.resize(random() % (wire.size() + 1));
            const QString story = disagreement(wire);
            QVERIFY2(story.isEmpty(), qPrintable(story));
            MessageView view;
            accepted += peekMessage(wire, view);
        }
        QVERIFY(accepted > 1000);
    }

    void structuredInputs()
    {
        std::mt19937 random(31);
        int accepted = 0;
        for (int i = 0; i < 200000; ++i) {
            const std::string wire = structured(random);
            const QString story = disagreement(wire);
            QVERIFY2(story.isEmpty(), qPrintable(story));
            MessageView view;
            accepted += peekMessage(wire, view);
        }
        QVERIFY(accepted > 1000);
    }

    void functionLimits()
    {
        QVERIFY(functionWithinLimits(""));
        QVERIFY(functionWithinLimits("s.m"));
        const std::string entry = "s." + std::string(kMaxFunctionEntryBytes - 2, 'm');
        QVERIFY(functionWithinLimits(entry));
        QVERIFY(!functionWithinLimits(entry + "m"));
        std::string many = entry;
        while (many.size() + entry.size() + 1 <= kMaxFunctionFieldBytes)
            many += " " + entry;
        QVERIFY(functionWithinLimits(many));
        QVERIFY(!functionWithinLimits(many + " s.m" + std::string(kMaxFunctionFieldBytes, 'x')));
        QVERIFY(!functionWithinLimits(many + " " + entry)); // the whole field over 64 KiB
        QVERIFY(!functionWithinLimits("a.b " + entry + "x c.d"));
    }
};

QTEST_GUILESS_MAIN(TestHostileCodec)
#include "tst_hostile_codec.moc"
