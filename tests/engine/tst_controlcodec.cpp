// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The control schema (control.proto) through server/controlcodec: every command and event
// survives encode / decode unchanged, and invalid commands are refused with a reason.

#include "codectest.h"
#include "server/controlcodec.h"
#include "testprint.h"

#include <QtTest>

#include <random>

using namespace qpalm;
using namespace qpalm::test;

class TestControlCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The control schema: every command and event survives encode / decode unchanged.
    void controlCommandsRoundTrip()
    {
        ServerCommand reload;
        reload.type = ServerCommand::Type::ReloadScript;
        reload.sequence = 7;
        reload.script = ScriptSource{QStringLiteral("worker.lua"), QByteArray("x\0y", 3), {}};
        ServerCommand level;
        level.type = ServerCommand::Type::SetLevel;
        level.level = LogLevel::Debug;
        ServerCommand stop;
        stop.type = ServerCommand::Type::Stop;
        ServerCommand status;
        status.type = ServerCommand::Type::Status;
        ServerCommand replay;
        replay.type = ServerCommand::Type::ReplayCall;
        replay.sequence = 9;
        replay.call = FailedCall::Gather;
        replay.message = Message{"p", "c", 1, "m.f m.g", "k", std::string("w:\0poison", 9)};
        for (const ServerCommand &command : {reload, level, stop, status, replay}) {
            ServerCommand back;
            QString error;
            QVERIFY2(control::decodeCommand(control::encodeCommand(command), &back, &error),
                     qPrintable(error));
            QCOMPARE(int(back.type), int(command.type));
            QCOMPARE(back.sequence, command.sequence);
            if (command.type == ServerCommand::Type::SetLevel)
                QCOMPARE(back.level, command.level);
            if (command.type == ServerCommand::Type::ReloadScript) {
                QCOMPARE(back.script.name, command.script.name);
                QCOMPARE(back.script.content, command.script.content);
            }
            QCOMPARE(back.call, command.call);
            QCOMPARE(back.message, command.message);
        }
    }

    // Whatever arrives, decoding answers with a reason and never throws.
    void controlCommandsValidated()
    {
        ServerCommand command;
        QString error;
        QVERIFY(!control::decodeCommand(std::string("\xff\xff\xff garbage"), &command, &error));
        QVERIFY(!error.isEmpty());
        error.clear();
        QVERIFY(!control::decodeCommand(std::string(), &command, &error)); // version 0
        QVERIFY2(error.contains(u"version"), qPrintable(error));

        ServerCommand level;
        level.type = ServerCommand::Type::SetLevel;
        level.level = LogLevel(7);
        error.clear();
        QVERIFY(!control::decodeCommand(control::encodeCommand(level), &command, &error));
        QVERIFY2(error.contains(u"7"), qPrintable(error));
        level.level = LogLevel(2147483647);
        QVERIFY(!control::decodeCommand(control::encodeCommand(level), &command, &error));

        ServerCommand reload;
        reload.type = ServerCommand::Type::ReloadScript; // no name
        QVERIFY(!control::decodeCommand(control::encodeCommand(reload), &command, &error));

        // A replay runs only gather or handle_stream on a recorded input.
        ServerCommand replay;
        replay.type = ServerCommand::Type::ReplayCall;
        for (FailedCall call :
             {FailedCall::Unknown, FailedCall::Handler, FailedCall::Scatter, FailedCall(9)}) {
            replay.call = call;
            error.clear();
            QVERIFY(!control::decodeCommand(control::encodeCommand(replay), &command, &error));
            QVERIFY2(error.contains(u"only gather"), qPrintable(error));
        }

        // Random bytes: decoded or refused, never a crash or an exception.
        std::mt19937 random(7);
        for (int i = 0; i < 2000; ++i) {
            std::string bytes(std::size_t(random() % 64), '\0');
            for (char &c : bytes)
                c = char(random());
            (void)control::decodeCommand(bytes, &command, &error);
            ServerEvent event;
            (void)control::decodeEvent(bytes, &event, &error);
        }
    }

    void controlEventsRoundTrip()
    {
        QList<ServerEvent> events;
        ServerEvent ready;
        ready.type = ServerEvent::Type::Ready;
        ready.addresses = {{QStringLiteral("pull_address"), QStringLiteral("tcp://127.0.0.1:5555")},
                           {QStringLiteral("db_address"), QStringLiteral("tcp://127.0.0.1:5556")}};
        events << ready;
        ServerEvent failed;
        failed.type = ServerEvent::Type::Failed;
        failed.text = QStringLiteral("cannot bind pull_address: Address already in use");
        events << failed;
        ServerEvent stopped;
        stopped.type = ServerEvent::Type::Stopped;
        events << stopped;
        ServerEvent records;
        records.type = ServerEvent::Type::Records;
        LogRecord record;
        record.msecsSinceEpoch = 1700000000123;
        record.server = QStringLiteral("w-1");
        record.level = LogLevel::Error;
        record.text = QStringLiteral("User function gave an error");
        record.traceback = QStringLiteral("worker.lua:4: boom\nstack traceback: ...");
        record.sequence = 42;
        LogRecord withMessage = record;
        auto failing = std::make_shared<Message>();
        failing->function = "m.f";
        failing->stage = 2;
        failing->payload = "bad gather";
        withMessage.message = failing;
        withMessage.messagePayloadBytes = 10;
        withMessage.failedCall = FailedCall::Gather;
        records.records << record << record << withMessage;
        events << records;
        ServerEvent stats;
        stats.type = ServerEvent::Type::Stats;
        stats.stats.msecsSinceEpoch = 99;
        stats.stats.messagesIn = 1;
        stats.stats.messagesOut = 2;
        stats.stats.errors = 3;
        stats.stats.malformed = 4;
        stats.stats.dropped = 5;
        stats.stats.toWorkers = 6;
        stats.stats.fromWorkers = 7;
        stats.stats.fromPlainWorkers = 5;
        stats.stats.cacheRequests = 8;
        stats.stats.pendingOut = 9;
        stats.stats.heldForSubscriber = 10;
        stats.stats.inFlight = -1;
        WorkerLedger ledger;
        ledger.worker = QStringLiteral("w-1");
        ledger.inFlight = 11;
        ledger.done = 12;
        ledger.requeued = 13;
        ledger.duplicatesDropped = 14;
        ledger.credit = 15;
        ledger.lastSeenMsecs = 16;
        ledger.gone = true;
        ledger.latencyP50Us = 17;
        ledger.latencyP99Us = 18;
        stats.stats.ledger << ledger << WorkerLedger();
        events << stats;
        ServerEvent reloaded;
        reloaded.type = ServerEvent::Type::ScriptReloaded;
        reloaded.text = QStringLiteral("worker.lua");
        events << reloaded;
        ServerEvent reloadFailed;
        reloadFailed.type = ServerEvent::Type::ScriptReloadFailed;
        reloadFailed.text = QStringLiteral("worker.lua:2: syntax error");
        events << reloadFailed;
        ServerEvent rejected;
        rejected.type = ServerEvent::Type::CommandRejected;
        rejected.commandSequence = 12;
        rejected.text = QStringLiteral("log level 7 is not one of 10, 20, 30, 40, 50");
        events << rejected;
        ServerEvent stuck;
        stuck.type = ServerEvent::Type::CallStuck;
        stuck.text = QStringLiteral("Stuck call: function 'work' still runs 1050 ms");
        events << stuck;
        ServerEvent returned;
        returned.type = ServerEvent::Type::CallReturned;
        events << returned;
        ServerEvent replayed;
        replayed.type = ServerEvent::Type::CallReplayed;
        replayed.commandSequence = 31;
        replayed.replay.call = FailedCall::HandleStream;
        replayed.replay.ran = true;
        replayed.replay.failed = true;
        replayed.replay.text = QStringLiteral("srv.lua:2: no topic");
        replayed.replay.traceback = QStringLiteral("srv.lua:2: no topic\nstack traceback: ...");
        replayed.replay.topic = QStringLiteral("t");
        replayed.replay.outputs = {Message{{}, "c", 0, "s.f", {}, "one"},
                                   Message{{}, "c", 0, "s.f", {}, std::string("\0", 1)}};
        events << replayed;

        quint64 sequence = 0;
        for (ServerEvent event : events) {
            event.sequence = ++sequence;
            event.generation = 3;
            ServerEvent back;
            QString error;
            QVERIFY2(control::decodeEvent(control::encodeEvent(event), &back, &error),
                     qPrintable(error));
            QCOMPARE(int(back.type), int(event.type));
            QCOMPARE(back.sequence, event.sequence);
            QCOMPARE(back.generation, quint64(3));
            QCOMPARE(back.addresses, event.addresses);
            QCOMPARE(back.text, event.text);
            QCOMPARE(back.commandSequence, event.commandSequence);
            QCOMPARE(back.records.size(), event.records.size());
            for (qsizetype i = 0; i < back.records.size(); ++i) {
                const LogRecord &a = back.records.at(i);
                const LogRecord &b = event.records.at(i);
                QCOMPARE(a.msecsSinceEpoch, b.msecsSinceEpoch);
                QCOMPARE(a.server, b.server);
                QCOMPARE(a.level, b.level);
                QCOMPARE(a.text, b.text);
                QCOMPARE(a.traceback, b.traceback);
                QCOMPARE(a.sequence, b.sequence);
                QCOMPARE(bool(a.message), bool(b.message));
                if (b.message)
                    QCOMPARE(*a.message, *b.message);
                QCOMPARE(a.messagePayloadBytes, b.messagePayloadBytes);
                QCOMPARE(a.failedCall, b.failedCall);
            }
            QCOMPARE(back.replay.call, event.replay.call);
            QCOMPARE(back.replay.ran, event.replay.ran);
            QCOMPARE(back.replay.failed, event.replay.failed);
            QCOMPARE(back.replay.text, event.replay.text);
            QCOMPARE(back.replay.traceback, event.replay.traceback);
            QCOMPARE(back.replay.topic, event.replay.topic);
            QCOMPARE(back.replay.outputs, event.replay.outputs);
            if (event.type == ServerEvent::Type::Stats) {
                const ServerStats &a = back.stats;
                const ServerStats &b = event.stats;
                QCOMPARE(a.generation, quint64(3)); // stats carry their run
                QCOMPARE(a.msecsSinceEpoch, b.msecsSinceEpoch);
                QCOMPARE(a.messagesIn, b.messagesIn);
                QCOMPARE(a.messagesOut, b.messagesOut);
                QCOMPARE(a.errors, b.errors);
                QCOMPARE(a.malformed, b.malformed);
                QCOMPARE(a.dropped, b.dropped);
                QCOMPARE(a.toWorkers, b.toWorkers);
                QCOMPARE(a.fromWorkers, b.fromWorkers);
                QCOMPARE(a.fromPlainWorkers, b.fromPlainWorkers);
                QCOMPARE(a.cacheRequests, b.cacheRequests);
                QCOMPARE(a.pendingOut, b.pendingOut);
                QCOMPARE(a.heldForSubscriber, b.heldForSubscriber);
                QCOMPARE(a.inFlight, b.inFlight);
                QCOMPARE(a.ledger, b.ledger); // the reliable path's per-worker ledger
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestControlCodec)
#include "tst_controlcodec.moc"
