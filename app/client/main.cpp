// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm-client: a pylm client on the command line. Replies go to stdout, one per line.
// Exit codes: 0 success, 1 no answer / timeout / wrong server, 2 bad command line.

#include "client.h"
#include "remote/controlsecurity.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr int kUsageError = 2;
constexpr int kRuntimeError = 1;

void complain(const QString &text)
{
    const QByteArray bytes = QStringLiteral("qpalm-client: %1\n").arg(text).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void printReply(const std::string &reply)
{
    std::fwrite(reply.data(), 1, reply.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string bytes(const QString &text)
{
    return text.toStdString();
}

// "a.f   b.g" -> "a.f b.g"; every entry must be server.method.
std::optional<std::string> normalizeFunction(const QString &text, QString *problem)
{
    const QStringList entries = text.split(u' ', Qt::SkipEmptyParts);
    if (entries.isEmpty()) {
        *problem = QStringLiteral("FUNCTION is empty");
        return std::nullopt;
    }
    for (const QString &entry : entries) {
        const qsizetype dot = entry.indexOf(u'.');
        if (dot <= 0 || dot == entry.size() - 1) {
            *problem = QStringLiteral("function '%1' is not of the form server.method").arg(entry);
            return std::nullopt;
        }
    }
    return bytes(entries.join(u' '));
}

std::optional<int> intOption(const QCommandLineParser &parser, const QCommandLineOption &option,
                             int min, int fallback)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < min) {
        complain(QStringLiteral("--%1: expected a whole number of at least %2, got '%3'")
                     .arg(option.names().constFirst())
                     .arg(min)
                     .arg(parser.value(option)));
        return std::nullopt;
    }
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpalm-client"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPALM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A pylm client on the command line; replies are printed one per line.\n\n"
        "Commands:\n"
        "  eval FUNCTION PAYLOAD      send one message, print its replies\n"
        "  job FUNCTION [PAYLOAD...]  send a stream: the payloads given, --repeat N copies of "
        "one,\n"
        "                             or one per line of stdin; print replies as they arrive\n"
        "  set VALUE [KEY]            store VALUE in the server's cache, print the key\n"
        "  get KEY                    print the cached value\n"
        "  delete KEY                 remove a key, print it\n"
        "  keys                       print every key of the cache\n\n"
        "FUNCTION is server.method, or several of them separated by spaces for a pipeline\n"
        "(\"my_server.foo my_pipeline.foo\"). Use -- before payloads that start with '-'."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("The server's cache address (db_address)."),
                                      QStringLiteral("ADDR"));
    const QCommandLineOption serverOption(
        QStringLiteral("server"), QStringLiteral("The server's name."), QStringLiteral("NAME"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral("How long to wait for each reply (default 10000)."), QStringLiteral("MS"));
    const QCommandLineOption repliesOption(
        QStringLiteral("replies"),
        QStringLiteral("Replies to wait for per message (default 1; 3 for a scatter of 3)."),
        QStringLiteral("N"));
    const QCommandLineOption totalOption(
        QStringLiteral("total"),
        QStringLiteral("job: wait for N replies in all instead (some messages may have none)."),
        QStringLiteral("N"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
                                          QStringLiteral("job: send N copies of the one PAYLOAD."),
                                          QStringLiteral("N"));
    const QCommandLineOption pushOption(
        QStringLiteral("push"),
        QStringLiteral("Where to send messages (default: the server's pull_address)."),
        QStringLiteral("ADDR"));
    const QCommandLineOption subOption(
        QStringLiteral("sub"),
        QStringLiteral("Where replies come from (default: the server's pub_address)."),
        QStringLiteral("ADDR"));
    const QCommandLineOption keyOption(
        QStringLiteral("key"),
        QStringLiteral("CURVE: this client's key pair, for a cluster with data_security."),
        QStringLiteral("PATH.secret"));
    const QCommandLineOption serverKeyOption(
        QStringLiteral("server-key"),
        QStringLiteral("CURVE: the cluster's public key (its data_security key's .pub)."),
        QStringLiteral("FILE.pub"));
    for (const auto *option :
         {&dbOption, &serverOption, &timeoutOption, &repliesOption, &totalOption, &repeatOption,
          &pushOption, &subOption, &keyOption, &serverKeyOption})
        parser.addOption(*option);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("eval, job, set, get, delete or keys."));
    parser.addPositionalArgument(QStringLiteral("arguments"),
                                 QStringLiteral("The command's arguments."),
                                 QStringLiteral("[arguments...]"));

    if (!parser.parse(QCoreApplication::arguments())) {
        complain(parser.errorText() + QStringLiteral(" (see --help)"));
        return kUsageError;
    }
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();

    QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        complain(
            QStringLiteral("missing a command: eval, job, set, get, delete or keys (see --help)"));
        return kUsageError;
    }
    const QString command = args.takeFirst();
    auto usage = [&](const QString &text) {
        complain(QStringLiteral("%1: %2 (see --help)").arg(command, text));
        return kUsageError;
    };
    const QStringList commands = {QStringLiteral("eval"),   QStringLiteral("job"),
                                  QStringLiteral("set"),    QStringLiteral("get"),
                                  QStringLiteral("delete"), QStringLiteral("keys")};
    if (!commands.contains(command)) {
        complain(
            QStringLiteral("unknown command '%1' (expected eval, job, set, get, delete or keys)")
                .arg(command));
        return kUsageError;
    }
    if (!parser.isSet(dbOption) || parser.value(dbOption).isEmpty()) {
        complain(QStringLiteral("--db ADDR is required (the server's db_address)"));
        return kUsageError;
    }
    if (!parser.isSet(serverOption) || parser.value(serverOption).isEmpty()) {
        complain(QStringLiteral("--server NAME is required"));
        return kUsageError;
    }
    const auto timeout = intOption(parser, timeoutOption, 1, 10000);
    const auto replies = intOption(parser, repliesOption, 1, 1);
    const auto total = intOption(parser, totalOption, 0, -1);
    const auto repeat = intOption(parser, repeatOption, 0, -1);
    if (!timeout || !replies || !total || !repeat)
        return kUsageError;
    const bool streaming = command == QLatin1String("eval") || command == QLatin1String("job");
    if (!streaming) {
        for (const auto *option :
             {&repliesOption, &totalOption, &repeatOption, &pushOption, &subOption}) {
            if (parser.isSet(*option))
                return usage(QStringLiteral("--%1 applies to eval and job only")
                                 .arg(option->names().constFirst()));
        }
    } else if (command == QLatin1String("eval")) {
        if (parser.isSet(totalOption) || parser.isSet(repeatOption))
            return usage(QStringLiteral("--total and --repeat apply to job only"));
    }
    if (parser.isSet(totalOption) && parser.isSet(repliesOption))
        return usage(QStringLiteral("give --replies or --total, not both"));

    qpalm::Client::Options options;
    options.serverName = bytes(parser.value(serverOption));
    options.dbAddress = bytes(parser.value(dbOption));
    options.pushAddress = bytes(parser.value(pushOption));
    options.subAddress = bytes(parser.value(subOption));
    options.timeoutMs = *timeout;
    if (parser.isSet(keyOption) != parser.isSet(serverKeyOption))
        return usage(QStringLiteral("--key and --server-key go together (CURVE needs both)"));
    if (parser.isSet(keyOption)) {
        QString problem;
        const auto keys = qpalm::remote::readSecretKey(parser.value(keyOption), &problem);
        const auto serverKey =
            keys ? qpalm::remote::readPublicKey(parser.value(serverKeyOption), &problem)
                 : std::nullopt;
        if (!keys || !serverKey)
            return usage(problem);
        options.curvePublicKey = keys->publicKey.toStdString();
        options.curveSecretKey = keys->secretKey.toStdString();
        options.curveServerKey = serverKey->toStdString();
    }
    qpalm::Client client(options);

    // Cache commands check the name themselves: a pipeline's cache has no pull_address to connect
    // to.
    auto checkName = [&]() {
        const auto name = client.get("name");
        if (!name) {
            complain(QString::fromStdString(client.lastError()));
            return false;
        }
        if (*name != options.serverName) {
            complain(QStringLiteral("the server at %1 is named '%2', not '%3'")
                         .arg(parser.value(dbOption), QString::fromStdString(*name),
                              parser.value(serverOption)));
            return false;
        }
        return true;
    };
    auto cacheResult = [&](const std::optional<std::string> &result) {
        if (!result) {
            complain(QString::fromStdString(client.lastError()));
            return kRuntimeError;
        }
        printReply(*result);
        return 0;
    };

    if (command == QLatin1String("set")) {
        if (args.isEmpty() || args.size() > 2)
            return usage(QStringLiteral("expected VALUE [KEY]"));
        if (!checkName())
            return kRuntimeError;
        return cacheResult(
            client.set(bytes(args.at(0)), args.size() > 1 ? bytes(args.at(1)) : std::string()));
    }
    if (command == QLatin1String("get") || command == QLatin1String("delete")) {
        if (args.size() != 1)
            return usage(QStringLiteral("expected KEY"));
        if (!checkName())
            return kRuntimeError;
        return cacheResult(command == QLatin1String("get") ? client.get(bytes(args.at(0)))
                                                           : client.remove(bytes(args.at(0))));
    }
    if (command == QLatin1String("keys")) {
        if (!args.isEmpty())
            return usage(QStringLiteral("takes no arguments"));
        if (!checkName())
            return kRuntimeError;
        const auto keys = client.keys();
        if (!keys) {
            complain(QString::fromStdString(client.lastError()));
            return kRuntimeError;
        }
        for (const std::string &key : *keys)
            printReply(key);
        return 0;
    }

    // eval and job.
    if (args.isEmpty())
        return usage(QStringLiteral("missing FUNCTION"));
    QString problem;
    const auto function = normalizeFunction(args.takeFirst(), &problem);
    if (!function)
        return usage(problem);
    std::vector<std::string> payloads;
    bool fromStdin = false;
    if (command == QLatin1String("eval")) {
        if (args.size() != 1)
            return usage(QStringLiteral("expected FUNCTION PAYLOAD"));
        payloads.push_back(bytes(args.at(0)));
    } else if (*repeat >= 0) {
        if (args.size() != 1)
            return usage(QStringLiteral("--repeat N needs exactly one PAYLOAD"));
        payloads.assign(std::size_t(*repeat), bytes(args.at(0)));
    } else if (!args.isEmpty()) {
        for (const QString &arg : std::as_const(args))
            payloads.push_back(bytes(arg));
    } else {
        fromStdin = true;
    }

    if (!client.connect()) {
        complain(QString::fromStdString(client.lastError()));
        return kRuntimeError;
    }

    std::size_t index = 0;
    auto next = [&](std::string &payload) {
        if (fromStdin) {
            if (!std::getline(std::cin, payload))
                return false;
            return true;
        }
        if (index >= payloads.size())
            return false;
        payload = payloads[index++];
        return true;
    };
    auto onReply = [](std::string &&reply) { printReply(reply); };
    if (!client.job(*function, next, onReply, *replies, std::string(), *total)) {
        complain(QString::fromStdString(client.lastError()));
        return kRuntimeError;
    }
    return 0;
}
