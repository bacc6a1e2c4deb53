// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// PalmMessage codec against hand-computed protobuf bytes, function-field helpers, and the
// cache's pylm verbs without any socket.

#include "cache.h"
#include "codectest.h"
#include "message.h"
#include "testprint.h"

#include <QRegularExpression>
#include <QSet>
#include <QtTest>

#include <random>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// Length-delimited field: tag, varint length (< 16384), bytes.
std::string lengthDelimited(int tag, const std::string &value)
{
    std::string out(1, static_cast<char>(tag));
    std::size_t length = value.size();
    if (length < 0x80) {
        out.push_back(static_cast<char>(length));
    } else {
        out.push_back(static_cast<char>(0x80 | (length & 0x7F)));
        out.push_back(static_cast<char>(length >> 7));
    }
    return out + value;
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goldenAllFields()
    {
        Message message;
        message.pipeline = "p";
        message.client = "c";
        message.stage = 3;
        message.function = "s.f";
        message.cache = "k";
        message.payload = std::string("\x00\xff", 2);
        // Field order 1..6; tags (field << 3 | wire type): 0x0a 0x12 0x18 0x22 0x2a 0x32.
        const std::string golden =
            bytes({0x0a, 0x01, 'p', 0x12, 0x01, 'c', 0x18, 0x03, 0x22, 0x03,
                   's',  '.',  'f', 0x2a, 0x01, 'k', 0x32, 0x02, 0x00, 0xff});
        QCOMPARE(hex(encodeMessage(message)), hex(golden));

        Message decoded;
        QVERIFY(decodeMessage(golden, decoded));
        QCOMPARE(decoded, message);
    }

    void goldenRealistic()
    {
        // What pylm's Client.eval sends: pipeline uuid, client uuid, stage 0, function, payload.
        Message message;
        message.pipeline = "0f8d7c2e-58a4-4b7e-9d3c-2f1e0a9b8c7d";
        message.client = "a1b2c3d4-e5f6-4789-8abc-def012345678";
        message.function = "my_server.foo my_pipeline.bar";
        message.payload = "a message";
        const std::string golden =
            lengthDelimited(0x0a, message.pipeline) + lengthDelimited(0x12, message.client) +
            lengthDelimited(0x22, message.function) + lengthDelimited(0x32, message.payload);
        QCOMPARE(hex(encodeMessage(message)), hex(golden));
        QCOMPARE(encodeMessage(message).size(), std::size_t(2 + 36 + 2 + 36 + 2 + 29 + 2 + 9));
    }

    void goldenDefaultsOmitted()
    {
        // proto3: empty strings and stage 0 are not on the wire at all.
        QCOMPARE(encodeMessage(Message{}), std::string());
        Message onlyPayload;
        onlyPayload.payload = "x";
        QCOMPARE(hex(encodeMessage(onlyPayload)), hex(bytes({0x32, 0x01, 'x'})));
        Message onlyStage;
        onlyStage.stage = 1;
        QCOMPARE(hex(encodeMessage(onlyStage)), hex(bytes({0x18, 0x01})));
    }

    void goldenVarints()
    {
        Message message;
        message.stage = 300; // 0xac 0x02
        QCOMPARE(hex(encodeMessage(message)), hex(bytes({0x18, 0xac, 0x02})));
        message.stage = -1; // int64: ten bytes, two's complement
        QCOMPARE(hex(encodeMessage(message)),
                 hex(bytes({0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})));
        Message decoded;
        QVERIFY(decodeMessage(encodeMessage(message), decoded));
        QCOMPARE(decoded.stage, std::int64_t(-1));

        Message big;
        big.payload = std::string(200, 'z'); // length 200 = 0xc8 0x01
        const std::string wire = encodeMessage(big);
        QCOMPARE(hex(wire.substr(0, 3)), hex(bytes({0x32, 0xc8, 0x01})));
        QCOMPARE(wire.size(), std::size_t(203));
    }

    void encodeReusesBuffer()
    {
        Message message;
        message.function = "a.b";
        std::string out = "stale contents that must disappear";
        encodeMessage(message, out);
        QCOMPARE(hex(out), hex(bytes({0x22, 0x03, 'a', '.', 'b'})));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<qint64>("stage");
        QTest::addColumn<QString>("function");
        QTest::newRow("empty") << QByteArray() << qint64(0) << QString();
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff\xfe", 5) << qint64(1)
                                << QStringLiteral("a.b c.d");
        QTest::newRow("large") << QByteArray(1 << 20, 'q') << qint64(2)
                               << QStringLiteral("a.b c.d e.f");
        QTest::newRow("utf8") << QByteArray("\xc3\xa9t\xc3\xa9") << qint64(0)
                              << QStringLiteral(u"s\u00e9rver.m\u00e9thod");
        QTest::newRow("max stage")
            << QByteArray("x") << std::numeric_limits<qint64>::max() << QStringLiteral("a.b");
    }

    void roundTrip()
    {
        QFETCH(QByteArray, payload);
        QFETCH(qint64, stage);
        QFETCH(QString, function);
        Message message;
        message.pipeline = newUuid();
        message.client = newUuid();
        message.stage = stage;
        message.function = function.toStdString();
        message.cache = "cache-key";
        message.payload.assign(payload.constData(), static_cast<std::size_t>(payload.size()));
        Message decoded;
        decoded.payload = "left over";
        QVERIFY(decodeMessage(encodeMessage(message), decoded));
        QCOMPARE(decoded, message);
    }

    void decodeAcceptsWhatProtobufAccepts()
    {
        // Fields in reverse order and an unknown field (7, varint) still decode, like pylm's
        // parser.
        const std::string reversed = bytes(
            {0x3a, 0x01, 'y', 0x38, 0x05, 0x22, 0x03, 'a', '.', 'b', 0x18, 0x02, 0x0a, 0x01, 'p'});
        Message decoded;
        QVERIFY(decodeMessage(reversed, decoded));
        QCOMPARE(decoded.pipeline, std::string("p"));
        QCOMPARE(decoded.stage, std::int64_t(2));
        QCOMPARE(decoded.function, std::string("a.b"));
        QVERIFY(decoded.payload.empty()); // field 7 is not the payload

        // An empty buffer is a valid, all-default message.
        decoded.function = "stale";
        QVERIFY(decodeMessage(std::string_view(), decoded));
        QCOMPARE(decoded, Message{});

        // A repeated scalar field: the last one wins.
        QVERIFY(decodeMessage(bytes({0x18, 0x01, 0x18, 0x04}), decoded));
        QCOMPARE(decoded.stage, std::int64_t(4));
    }

    void decodeRejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("truncated length") << QByteArray("\x0a\x05"
                                                        "ab",
                                                        4);
        QTest::newRow("tag only") << QByteArray("\x0a", 1);
        QTest::newRow("wire type 7") << QByteArray("\x0f\x01\x02", 3);
        QTest::newRow("wire type 6") << QByteArray("\x0e\x01", 2);
        QTest::newRow("field 0") << QByteArray("\x00\x01", 2);
        QTest::newRow("huge length") << QByteArray("\x32\xff\xff\xff\xff\x0f"
                                                   "abc",
                                                   9);
        QTest::newRow("unterminated varint") << QByteArray("\x18\xff\xff", 3);
        QTest::newRow("good then truncated") << QByteArray("\x22\x03"
                                                           "a.b"
                                                           "\x32\x09"
                                                           "short",
                                                           12);
        QTest::newRow("end group without start") << QByteArray("\x0c", 1);
    }

    void decodeRejectsGarbage()
    {
        QFETCH(QByteArray, wire);
        Message decoded;
        QVERIFY2(
            !decodeMessage(
                std::string_view(wire.constData(), static_cast<std::size_t>(wire.size())), decoded),
            wire.toHex(' ').constData());
    }

    void decodeSurvivesRandomBytes()
    {
        // Never crashes; whatever decodes re-encodes to something that decodes the same.
        std::mt19937 random(1234);
        int accepted = 0;
        for (int i = 0; i < 5000; ++i) {
            std::string junk(random() % 48, '\0');
            for (char &c : junk)
                c = static_cast<char>(random() & 0xff);
            Message decoded;
            if (decodeMessage(junk, decoded)) {
                ++accepted;
                Message again;
                QVERIFY(decodeMessage(encodeMessage(decoded), again));
                QCOMPARE(again, decoded);
            }
        }
        QVERIFY(accepted < 5000);
    }

    void peekAgreesWithDecode()
    {
        // The zero-copy reader used on routing paths sees the same fields as the full decoder.
        Message message;
        message.pipeline = "p";
        message.client = "client-uuid";
        message.stage = 2;
        message.function = "a.f b.g c.h";
        message.cache = "k";
        message.payload = std::string("\x00pay\xffload", 9);
        const std::string wire = encodeMessage(message);
        MessageView view;
        QVERIFY(peekMessage(wire, view));
        QCOMPARE(view.pipeline, std::string_view("p"));
        QCOMPARE(view.client, std::string_view("client-uuid"));
        QCOMPARE(view.stage, std::int64_t(2));
        QCOMPARE(view.function, std::string_view("a.f b.g c.h"));
        QCOMPARE(view.cache, std::string_view("k"));
        QCOMPARE(view.payload, std::string_view(message.payload));
        QVERIFY(peekMessage(std::string_view(), view));
        QVERIFY(view.client.empty());
    }

    void peekRejectsGarbage_data() { decodeRejectsGarbage_data(); }

    void peekRejectsGarbage()
    {
        QFETCH(QByteArray, wire);
        MessageView view;
        QVERIFY2(
            !peekMessage(std::string_view(wire.constData(), static_cast<std::size_t>(wire.size())),
                         view),
            wire.toHex(' ').constData());
    }

    void peekAcceptsWhatDecodeAccepts_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("unknown varint field") << QByteArray("\x38\x05\x12\x01"
                                                            "c",
                                                            5);
        QTest::newRow("unknown fixed64 field") << QByteArray("\x39"
                                                             "12345678"
                                                             "\x12\x01"
                                                             "c",
                                                             12);
        QTest::newRow("unknown fixed32 field") << QByteArray("\x3d"
                                                             "1234"
                                                             "\x12\x01"
                                                             "c",
                                                             8);
        QTest::newRow("unknown length field") << QByteArray("\x3a\x02"
                                                            "xy"
                                                            "\x12\x01"
                                                            "c",
                                                            7);
        QTest::newRow("unknown group field") << QByteArray("\x3b\x08\x01\x3c\x12\x01"
                                                           "c",
                                                           7);
        QTest::newRow("stage as wrong wire type") << QByteArray("\x1a\x01"
                                                                "x"
                                                                "\x12\x01"
                                                                "c",
                                                                6);
        QTest::newRow("client as wrong wire type") << QByteArray("\x10\x01\x12\x01"
                                                                 "c",
                                                                 5);
    }

    void peekAcceptsWhatDecodeAccepts()
    {
        // Whatever protobuf (and so pylm) accepts must route the same way on the fast path.
        QFETCH(QByteArray, wire);
        const std::string_view bytes(wire.constData(), static_cast<std::size_t>(wire.size()));
        Message decoded;
        QVERIFY2(decodeMessage(bytes, decoded),
                 "protobuf itself rejects this row; the row is wrong");
        MessageView view;
        QVERIFY2(peekMessage(bytes, view), wire.toHex(' ').constData());
        QCOMPARE(view.client, std::string_view(decoded.client));
        QCOMPARE(view.stage, decoded.stage);
    }

    void peekMatchesDecodeOnMutations()
    {
        // Random mutations of valid messages: when both accept, they agree field by field.
        std::mt19937 random(77);
        int bothAccepted = 0;
        for (int i = 0; i < 20000; ++i) {
            Message message;
            message.pipeline = newUuid();
            message.client = newUuid();
            message.stage = static_cast<std::int64_t>(random() % 5);
            message.function = "a.f b.g";
            message.payload = std::string(random() % 20, 'p');
            std::string wire = encodeMessage(message);
            const int edits = 1 + static_cast<int>(random() % 3);
            for (int e = 0; e < edits && !wire.empty(); ++e)
                wire[random() % wire.size()] = static_cast<char>(random() & 0x7f);
            if (random() % 4 == 0)
                wire.resize(random() % (wire.size() + 1));
            Message decoded;
            MessageView view;
            const bool full = decodeMessage(wire, decoded);
            const bool peek = peekMessage(wire, view);
            if (full && peek) {
                ++bothAccepted;
                QCOMPARE(view.client, std::string_view(decoded.client));
                QCOMPARE(view.function, std::string_view(decoded.function));
                QCOMPARE(view.stage, decoded.stage);
                QCOMPARE(view.payload, std::string_view(decoded.payload));
            }
        }
        QVERIFY(bothAccepted > 100);
    }

    void currentFunction_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<qint64>("stage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("single") << QStringLiteral("server.foo") << qint64(0)
                                << QStringLiteral("server.foo");
        QTest::newRow("single past end") << QStringLiteral("server.foo") << qint64(1) << QString();
        QTest::newRow("stage 0 of 3")
            << QStringLiteral("a.f b.g c.h") << qint64(0) << QStringLiteral("a.f");
        QTest::newRow("stage 1 of 3")
            << QStringLiteral("a.f b.g c.h") << qint64(1) << QStringLiteral("b.g");
        QTest::newRow("stage 2 of 3")
            << QStringLiteral("a.f b.g c.h") << qint64(2) << QStringLiteral("c.h");
        QTest::newRow("stage 3 of 3") << QStringLiteral("a.f b.g c.h") << qint64(3) << QString();
        QTest::newRow("negative") << QStringLiteral("a.f b.g") << qint64(-1) << QString();
        QTest::newRow("empty") << QString() << qint64(0) << QString();
        QTest::newRow("huge stage")
            << QStringLiteral("a.f") << std::numeric_limits<qint64>::max() << QString();
    }

    void currentFunction()
    {
        QFETCH(QString, function);
        QFETCH(qint64, stage);
        QFETCH(QString, expected);
        Message message;
        message.function = function.toStdString();
        message.stage = stage;
        const std::string_view entry = qpalm::currentFunction(message);
        QCOMPARE(QString::fromUtf8(entry.data(), static_cast<qsizetype>(entry.size())), expected);
    }

    void splitFunction()
    {
        std::string_view server;
        std::string_view method;
        QVERIFY(qpalm::splitFunction("my_server.foo", server, method));
        QCOMPARE(server, std::string_view("my_server"));
        QCOMPARE(method, std::string_view("foo"));
        QVERIFY(qpalm::splitFunction("a.b.c", server, method));
        QCOMPARE(server, std::string_view("a"));
        QCOMPARE(method, std::string_view("b.c"));
        QVERIFY(qpalm::splitFunction(".m", server, method));
        QCOMPARE(server, std::string_view(""));
        QCOMPARE(method, std::string_view("m"));
        QVERIFY(!qpalm::splitFunction("nodot", server, method));
        QVERIFY(!qpalm::splitFunction("", server, method));
    }

    void functionStages()
    {
        QCOMPARE(qpalm::functionStages(""), 0);
        QCOMPARE(qpalm::functionStages("a.f"), 1);
        QCOMPARE(qpalm::functionStages("a.f b.g"), 2);
        QCOMPARE(qpalm::functionStages("a.f b.g c.h"), 3);
    }

    void uuidFormat()
    {
        static const QRegularExpression pattern(QStringLiteral(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        QSet<QString> seen;
        for (int i = 0; i < 2000; ++i) {
            const QString uuid = QString::fromStdString(newUuid());
            QVERIFY2(pattern.match(uuid).hasMatch(), qPrintable(uuid));
            seen.insert(uuid);
        }
        QCOMPARE(seen.size(), 2000);
    }

    // --- Cache::handleRequest: pylm's verbs, no socket.

    void cacheSetGetDelete()
    {
        Cache cache;
        Message request;
        request.function = "srv.set";
        request.cache = "key1";
        request.payload = std::string("va\0lue", 6);
        std::string verb;
        QCOMPARE(cache.handleRequest(request, &verb), std::string("key1"));
        QCOMPARE(verb, std::string("set"));
        QCOMPARE(cache.size(), std::size_t(1));

        Message get;
        get.function = "srv.get";
        get.payload = "key1";
        QCOMPARE(cache.handleRequest(get, &verb), std::string("va\0lue", 6));
        QCOMPARE(verb, std::string("get"));

        Message fromWorker = get; // workers ask as "_"
        fromWorker.function = "_.get";
        QCOMPARE(cache.handleRequest(fromWorker), std::string("va\0lue", 6));

        get.payload = "missing";
        QCOMPARE(cache.handleRequest(get), std::string());

        Message remove;
        remove.function = "srv.delete";
        remove.payload = "key1";
        QCOMPARE(cache.handleRequest(remove, &verb), std::string("key1"));
        QCOMPARE(verb, std::string("delete"));
        QCOMPARE(cache.size(), std::size_t(0));
        get.payload = "key1";
        QCOMPARE(cache.handleRequest(get), std::string());
        // Deleting what is not there still answers the key, as pylm does.
        QCOMPARE(cache.handleRequest(remove), std::string("key1"));
    }

    void cacheSetWithoutKeyMakesUuid()
    {
        Cache cache;
        Message request;
        request.function = "srv.set";
        request.payload = "value";
        const std::string key1 = cache.handleRequest(request);
        const std::string key2 = cache.handleRequest(request);
        QCOMPARE(key1.size(), std::size_t(36));
        QVERIFY(key1 != key2);
        QCOMPARE(cache.get(key1).value_or("?"), std::string("value"));
        QCOMPARE(cache.get(key2).value_or("?"), std::string("value"));
    }

    void cacheUnknownVerb()
    {
        Cache cache;
        cache.set("k", "v");
        for (const char *function : {"srv.frobnicate", "srv", "", "srv.", "srv.GET"}) {
            Message request;
            request.function = function;
            request.payload = "k";
            QCOMPARE(cache.handleRequest(request), std::string());
        }
        QCOMPARE(cache.size(), std::size_t(1));
    }

    void cacheKeysExtension()
    {
        Cache cache;
        cache.set("b", "1");
        cache.set("a", "2");
        Message request;
        request.function = "srv.keys";
        const std::string reply = cache.handleRequest(request);
        QCOMPARE(reply, std::string("a\0b", 3));
        QCOMPARE(cache.keys(), (std::vector<std::string>{"a", "b"}));
    }
};

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
