// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm-ctl: steers the servers of a qpalm-server through its control channel (--control).
// Exit codes: 0 done, 1 the server refused (reason on stderr), 2 bad command line,
// 3 nobody answered or authentication failed within the timeout.

#include "logrecord.h"
#include "remote/controlclient.h"
#include "remote/controlsecurity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace {

using namespace qpalm;
using namespace qpalm::remote;

constexpr int kDone = 0;
constexpr int kRefused = 1;
constexpr int kUsage = 2;
constexpr int kNoAnswer = 3;

void complain(const QString &text)
{
    const QByteArray bytes = QStringLiteral("qpalm-ctl: %1\n").arg(text).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void print(const QString &text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

int usage(const QString &text)
{
    complain(text + QStringLiteral(" (see --help)"));
    return kUsage;
}

int finish(const ControlResult &result)
{
    switch (result.outcome) {
    case ControlResult::Outcome::Done:
        if (!result.reason.isEmpty())
            print(result.reason);
        return kDone;
    case ControlResult::Outcome::Refused:
        complain(result.reason);
        return kRefused;
    case ControlResult::Outcome::NoAnswer:
        break;
    }
    complain(result.reason);
    return kNoAnswer;
}

void printRecord(const LogRecord &record)
{
    print(formatPylmLine(record)); // with its traceback lines
}

int keygen(const QStringList &args)
{
    if (args.size() != 1)
        return usage(QStringLiteral("keygen takes one PATH"));
    const auto keys = generateKeyPair();
    if (!keys) {
        complain(QStringLiteral("libzmq has no CURVE support"));
        return 1;
    }
    QString error;
    if (!writeKeyPair(*keys, args.first(), &error)) {
        complain(error);
        return 1;
    }
    print(QStringLiteral("wrote %1.pub and %1.secret").arg(args.first()));
    return kDone;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpalm-ctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPALM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Steers the servers of a qpalm-server started with --control ADDR.\n\n"
        "Commands:\n"
        "  status                          one line per server: NAME KIND STATE IN OUT ERRORS "
        "LEVEL\n"
        "  level NAME LEVEL [--for SECONDS] set a server's log level (back after SECONDS)\n"
        "  reload NAME [--script FILE]     re-read the server's script, or send FILE\n"
        "  start NAME | stop NAME | restart NAME\n"
        "  replicas NAME N                 run N replicas of the worker entry NAME\n"
        "  logs [--follow] [--level LEVEL] [--server NAME]  recent records, pylm format\n"
        "  keygen PATH                     write PATH.pub and PATH.secret (CURVE keys)\n\n"
        "Exit: 0 done, 1 refused (reason on stderr), 2 usage, 3 no answer or authentication "
        "failed within the timeout."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption connectOption(
        QStringLiteral("connect"), QStringLiteral("The control address (default: $QPALM_CONTROL)."),
        QStringLiteral("ADDR"));
    const QCommandLineOption keyOption(QStringLiteral("key"),
                                       QStringLiteral("Our key pair, for a CURVE channel."),
                                       QStringLiteral("PATH.secret"));
    const QCommandLineOption serverKeyOption(QStringLiteral("server-key"),
                                             QStringLiteral("The server's public key."),
                                             QStringLiteral("FILE.pub"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"), QStringLiteral("How long to wait for an answer (default 5000)."),
        QStringLiteral("MS"));
    const QCommandLineOption forOption(QStringLiteral("for"),
                                       QStringLiteral("level: revert after SECONDS."),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption scriptOption(QStringLiteral("script"),
                                          QStringLiteral("reload: send this script."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption followOption(QStringLiteral("follow"),
                                          QStringLiteral("logs: keep printing new records."));
    const QCommandLineOption levelOption(QStringLiteral("level"),
                                         QStringLiteral("logs: only records at LEVEL or above."),
                                         QStringLiteral("LEVEL"));
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QStringLiteral("logs: only this server's records."),
                                          QStringLiteral("NAME"));
    for (const auto *option :
         {&connectOption, &keyOption, &serverKeyOption, &timeoutOption, &forOption, &scriptOption,
          &followOption, &levelOption, &serverOption})
        parser.addOption(*option);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("status, level, reload, start, stop, restart, "
                                                "replicas, logs or keygen."));
    parser.addPositionalArgument(QStringLiteral("arguments"),
                                 QStringLiteral("The command's arguments."),
                                 QStringLiteral("[...]"));

    if (!parser.parse(QCoreApplication::arguments()))
        return usage(parser.errorText());
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();

    QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("missing a command"));
    const QString command = args.takeFirst();
    if (command == QLatin1String("keygen"))
        return keygen(args);

    static const QMap<QString, int> arity = {
        {QStringLiteral("status"), 0}, {QStringLiteral("level"), 2},
        {QStringLiteral("reload"), 1}, {QStringLiteral("start"), 1},
        {QStringLiteral("stop"), 1},   {QStringLiteral("restart"), 1},
        {QStringLiteral("logs"), 0},   {QStringLiteral("replicas"), 2}};
    if (!arity.contains(command))
        return usage(QStringLiteral("unknown command '%1'").arg(command));
    if (args.size() != arity.value(command))
        return usage(QStringLiteral("%1 takes %2 argument(s), got %3")
                         .arg(command)
                         .arg(arity.value(command))
                         .arg(args.size()));
    auto onlyFor = [&](const QCommandLineOption &option, const QString &owner) {
        return parser.isSet(option) && command != owner;
    };
    if (onlyFor(forOption, QStringLiteral("level")) ||
        onlyFor(scriptOption, QStringLiteral("reload")) ||
        onlyFor(followOption, QStringLiteral("logs")) ||
        onlyFor(levelOption, QStringLiteral("logs")) ||
        onlyFor(serverOption, QStringLiteral("logs")))
        return usage(QStringLiteral("an option given does not belong to '%1'").arg(command));

    ControlClientOptions options;
    options.address = parser.isSet(connectOption) ? parser.value(connectOption)
                                                  : qEnvironmentVariable("QPALM_CONTROL");
    if (options.address.isEmpty())
        return usage(QStringLiteral("no control address: --connect ADDR or $QPALM_CONTROL"));
    if (parser.isSet(timeoutOption)) {
        bool ok = false;
        options.timeoutMs = parser.value(timeoutOption).toInt(&ok);
        if (!ok || options.timeoutMs < 1)
            return usage(QStringLiteral("--timeout: expected milliseconds, got '%1'")
                             .arg(parser.value(timeoutOption)));
    }
    if (parser.isSet(keyOption) != parser.isSet(serverKeyOption))
        return usage(QStringLiteral("--key and --server-key go together"));
    if (parser.isSet(keyOption)) {
        QString error;
        options.key = readSecretKey(parser.value(keyOption), &error);
        const auto serverKey =
            options.key ? readPublicKey(parser.value(serverKeyOption), &error) : std::nullopt;
        if (!serverKey)
            return usage(error);
        options.serverKey = *serverKey;
    }

    ControlClient client;
    QString error;
    if (!client.open(options, &error))
        return usage(error);

    if (command == QLatin1String("status")) {
        const ControlResult result = client.status();
        if (result.outcome != ControlResult::Outcome::Done)
            return finish(result);
        for (const RemoteServerStatus &server : result.servers) {
            // "-": not counted (an external process).
            auto counter = [&server](quint64 value) {
                return server.stats.countersUnknown ? QStringLiteral("-") : QString::number(value);
            };
            print(QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                      .arg(server.name, server.kind, server.state)
                      .arg(counter(server.stats.messagesIn), counter(server.stats.messagesOut))
                      .arg(server.stats.errors)
                      .arg(levelName(server.level)));
        }
        return kDone;
    }
    if (command == QLatin1String("level")) {
        int seconds = 0;
        if (parser.isSet(forOption)) {
            bool ok = false;
            seconds = parser.value(forOption).toInt(&ok);
            if (!ok || seconds < 1)
                return usage(QStringLiteral("--for: expected seconds, got '%1'")
                                 .arg(parser.value(forOption)));
        }
        return finish(client.setLevel(args.at(0), args.at(1), seconds));
    }
    if (command == QLatin1String("reload")) {
        QByteArray content;
        QString name;
        if (parser.isSet(scriptOption)) {
            QFile file(parser.value(scriptOption));
            if (!file.open(QIODevice::ReadOnly))
                return usage(QStringLiteral("--script: cannot read %1: %2")
                                 .arg(file.fileName(), file.errorString()));
            content = file.readAll();
            name = QFileInfo(file.fileName()).fileName();
            if (content.isEmpty())
                return usage(QStringLiteral("--script: %1 is empty").arg(file.fileName()));
        }
        return finish(client.reload(args.at(0), name, content));
    }
    if (command == QLatin1String("replicas")) {
        bool ok = false;
        const int count = args.at(1).toInt(&ok);
        if (!ok)
            return usage(QStringLiteral("replicas: expected a number, got '%1'").arg(args.at(1)));
        return finish(client.replicas(args.at(0), count));
    }
    if (command == QLatin1String("start"))
        return finish(client.start(args.at(0)));
    if (command == QLatin1String("stop"))
        return finish(client.stop(args.at(0)));
    if (command == QLatin1String("restart"))
        return finish(client.restart(args.at(0)));

    // logs
    int level = 0;
    if (parser.isSet(levelOption)) {
        const auto parsed = parseLevel(parser.value(levelOption));
        if (!parsed)
            return usage(
                QStringLiteral("--level: unknown level '%1'").arg(parser.value(levelOption)));
        level = int(*parsed);
    }
    const QString server = parser.value(serverOption);
    if (!parser.isSet(followOption)) {
        const ControlResult result = client.watch(level, server);
        for (const LogRecord &record : result.records)
            printRecord(record);
        return result.outcome == ControlResult::Outcome::Done ? kDone : finish(result);
    }
    const ControlResult result = client.watch(level, server, [](const RemoteEvent &event) {
        if (event.kind == RemoteEvent::Kind::Record)
            printRecord(event.record);
        else if (event.kind == RemoteEvent::Kind::RecordsLost)
            complain(QStringLiteral("%1 records lost (the watcher fell behind)").arg(event.lost));
        return true;
    });
    return finish(result);
}
