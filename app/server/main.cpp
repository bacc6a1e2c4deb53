// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm-server: runs the servers of a cluster file headless until SIGINT/SIGTERM.
// SIGHUP reloads every server's script from its file. Exit codes: 0 clean stop,
// 1 bad cluster file or a server failed to start, 2 bad command line.
// --control ADDR serves the control channel qpalm-ctl talks to (CURVE off loopback/ipc).

#include "cluster.h"
#include "clusterfile.h"
#include "consolewriter.h"
#include "controlchannel.h"
#include "endpoint.h"
#include "logger.h"
#include "logrecord.h"
#include "remote/controlsecurity.h"
#include "serverhandle.h"
#include "serverstatenames.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSocketNotifier>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef QPALM_SERVER_CONFIG_HOOK
// Test builds (tests/process/qpalm-server-stuck) adjust each server's config before it is added.
void QPALM_SERVER_CONFIG_HOOK(qpalm::ServerConfig &config);
#endif

namespace {

using namespace qpalm;

int g_signalPipe[2] = {-1, -1};

std::atomic<int> g_stopSignals{0};

extern "C" void forwardSignal(int signo)
{
    // A second SIGINT/SIGTERM ends the process at once, even while servers are stopping.
    if (signo != SIGHUP && g_stopSignals.fetch_add(1) >= 1)
        ::_exit(130);
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signo);
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

// stdout lines go through the servers' console writer, so they keep their place among log lines.
void printLine(FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    if (stream == stdout) {
        ConsoleWriter::standardOutput().write(bytes);
        return;
    }
    flushConsoleLog();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

void say(const QString &line)
{
    printLine(stdout, QStringLiteral("qpalm-server: ") + line);
}

void complain(const QString &line)
{
    printLine(stderr, QStringLiteral("qpalm-server: ") + line);
}

bool installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0)
        return false;
    ::fcntl(g_signalPipe[1], F_SETFL, ::fcntl(g_signalPipe[1], F_GETFL) | O_NONBLOCK);
    struct sigaction action = {};
    action.sa_handler = forwardSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int signo : {SIGINT, SIGTERM, SIGHUP}) {
        if (::sigaction(signo, &action, nullptr) != 0)
            return false;
    }
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}

// "pull=tcp://... pub=... db=..." in a fixed order, wildcard ports resolved.
QString describeAddresses(const ServerHandle *server)
{
    const QMap<QString, QString> addresses = server->addresses();
    static const QStringList order = {
        QStringLiteral("pull_address"),        QStringLiteral("pub_address"),
        QStringLiteral("db_address"),          QStringLiteral("worker_pull_address"),
        QStringLiteral("worker_push_address"), QStringLiteral("sub_address"),
        QStringLiteral("sub_addresses")};
    QStringList keys;
    for (const QString &key : order) {
        if (addresses.contains(key))
            keys << key;
    }
    for (auto it = addresses.begin(); it != addresses.end(); ++it) {
        if (!keys.contains(it.key()))
            keys << it.key();
    }
    QStringList parts;
    for (const QString &key : std::as_const(keys)) {
        QString shortName = key;
        if (shortName.endsWith(QLatin1String("_address")))
            shortName.chop(8);
        parts << shortName + u'=' + addresses.value(key);
    }
    return parts.join(u' ');
}

// The configs --only asks for: a base name selects all its replicas.
std::optional<QList<ServerConfig>> selectServers(const QList<ServerConfig> &configs,
                                                 const QStringList &only, QString *problem)
{
    QList<ServerConfig> selected;
    QSet<QString> wanted;
    for (const QString &name : only) {
        bool found = false;
        for (const ServerConfig &config : configs) {
            const QList<ServerConfig> expanded = Cluster::expandReplicas({config});
            for (const ServerConfig &concrete : expanded) {
                if (concrete.name == name || config.name == name) {
                    wanted.insert(concrete.name);
                    found = true;
                }
            }
        }
        if (!found) {
            QStringList names;
            for (const ServerConfig &concrete : Cluster::expandReplicas(configs))
                names << concrete.name;
            *problem = QStringLiteral("--only: no server named '%1' (the cluster has: %2)")
                           .arg(name, names.join(QStringLiteral(", ")));
            return std::nullopt;
        }
    }
    for (const ServerConfig &concrete : Cluster::expandReplicas(configs)) {
        if (only.isEmpty() || wanted.contains(concrete.name))
            selected << concrete;
    }
    return selected;
}

// Checks the control options; false (after saying why) on a bad command line.
bool configureControl(const QString &address, const QString &keyPath, const QString &authorizedDir,
                      std::optional<remote::ControlSocketOptions> *control)
{
    if (address.isEmpty()) {
        complain(QStringLiteral("--control-key and --authorized need --control ADDR"));
        return false;
    }
    QString error;
    const auto endpoint = Endpoint::parse(address, &error);
    if (!endpoint || endpoint->transport() == Endpoint::Transport::Inproc) {
        complain(QStringLiteral("--control: %1")
                     .arg(endpoint ? QStringLiteral("inproc:// cannot be reached from outside")
                                   : error));
        return false;
    }
    remote::ControlSocketOptions options;
    options.address = address;
    if (keyPath.isEmpty() != authorizedDir.isEmpty() ||
        (keyPath.isEmpty() && !remote::isLocalControlAddress(*endpoint))) {
        QStringList missing;
        if (keyPath.isEmpty())
            missing << QStringLiteral("--control-key PATH.secret");
        if (authorizedDir.isEmpty())
            missing << QStringLiteral("--authorized DIR");
        complain(QStringLiteral("--control %1 %2 CURVE keys: missing %3")
                     .arg(address,
                          remote::isLocalControlAddress(*endpoint)
                              ? QStringLiteral("with keys needs both")
                              : QStringLiteral("is not on loopback or ipc://, so it needs"),
                          missing.join(QStringLiteral(" and "))));
        return false;
    }
    if (!keyPath.isEmpty()) {
        options.curveKey = remote::readSecretKey(keyPath, &error);
        if (!options.curveKey) {
            complain(QStringLiteral("--control-key: ") + error);
            return false;
        }
        const auto keys = remote::readAuthorizedKeys(authorizedDir, &error);
        if (!keys) {
            complain(QStringLiteral("--authorized: ") + error);
            return false;
        }
        options.authorized = *keys;
    }
    *control = options;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpalm-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPALM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the servers of a pylm-style cluster file headless, printing pylm log lines.\n"
        "Prints \"qpalm-server: NAME (KIND) serving pull=... pub=... db=...\" per server.\n"
        "SIGINT/SIGTERM stop every server and exit 0; SIGHUP reloads every server's script."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption onlyOption(
        QStringLiteral("only"),
        QStringLiteral(
            "Runs only the server NAME (repeatable; a worker's name selects all its replicas)."),
        QStringLiteral("NAME"));
    const QCommandLineOption levelOption(
        QStringLiteral("log-level"),
        QStringLiteral(
            "Overrides every server's log level: DEBUG, INFO, WARNING, ERROR or CRITICAL."),
        QStringLiteral("LEVEL"));
    const QCommandLineOption checkOption(
        QStringLiteral("check"),
        QStringLiteral("Validates the cluster file and exits without starting anything."));
    const QCommandLineOption controlOption(
        QStringLiteral("control"),
        QStringLiteral("Serves the control channel (qpalm-ctl) at ADDR, e.g. tcp://127.0.0.1:7000 "
                       "or ipc:///run/qpalm/ctl. Off loopback and ipc it needs --control-key and "
                       "--authorized (CURVE)."),
        QStringLiteral("ADDR"));
    const QCommandLineOption controlKeyOption(
        QStringLiteral("control-key"),
        QStringLiteral("The control channel's key pair (from qpalm-ctl keygen); turns CURVE on."),
        QStringLiteral("PATH.secret"));
    const QCommandLineOption authorizedOption(
        QStringLiteral("authorized"),
        QStringLiteral("Directory of the *.pub keys allowed on the control channel."),
        QStringLiteral("DIR"));
    parser.addOption(controlOption);
    parser.addOption(controlKeyOption);
    parser.addOption(authorizedOption);
    parser.addOption(onlyOption);
    parser.addOption(levelOption);
    parser.addOption(checkOption);
    parser.addPositionalArgument(QStringLiteral("cluster"),
                                 QStringLiteral("The cluster file (JSON)."),
                                 QStringLiteral("CLUSTER.json"));

    if (!parser.parse(QCoreApplication::arguments())) {
        complain(parser.errorText() + QStringLiteral(" (see --help)"));
        return 2;
    }
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        complain(positional.isEmpty()
                     ? QStringLiteral("missing the cluster file (see --help)")
                     : QStringLiteral("expected one cluster file, got %1 arguments (see --help)")
                           .arg(positional.size()));
        return 2;
    }
    std::optional<LogLevel> levelOverride;
    if (parser.isSet(levelOption)) {
        levelOverride = parseLevel(parser.value(levelOption));
        if (!levelOverride) {
            complain(QStringLiteral("--log-level: unknown level '%1' (expected DEBUG, INFO, "
                                    "WARNING, ERROR or CRITICAL)")
                         .arg(parser.value(levelOption)));
            return 2;
        }
    }

    std::optional<remote::ControlSocketOptions> control;
    if (parser.isSet(controlOption) || parser.isSet(controlKeyOption) ||
        parser.isSet(authorizedOption)) {
        if (!configureControl(parser.value(controlOption), parser.value(controlKeyOption),
                              parser.value(authorizedOption), &control))
            return 2;
    }

    const QString path = positional.first();
    ClusterError error;
    const auto configs = loadClusterFile(path, &error);
    if (!configs) {
        complain(error.toString(path));
        return 1;
    }
    if (!control) { // no control flags: the cluster file's "control" section, if any
        QFile file(path);
        const QByteArray json = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        const auto section = parseClusterControl(json, QFileInfo(path).absolutePath(), &error);
        if (section &&
            !configureControl(section->address, section->key, section->authorized, &control)) {
            complain(QStringLiteral("%1: in its \"control\" section").arg(path));
            return 2;
        }
    }
    QString problem;
    auto selected = selectServers(*configs, parser.values(onlyOption), &problem);
    if (!selected) {
        complain(problem);
        return 2;
    }
    if (parser.isSet(checkOption)) {
        say(QStringLiteral("%1: %2 server(s), valid").arg(path).arg(selected->size()));
        return 0;
    }

    if (!installSignalHandlers()) {
        complain(QStringLiteral("cannot install signal handlers: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return 1;
    }

    Cluster cluster;
    // Child processes and remote servers (replicas added later too): their records arrive here
    // to be printed.
    auto printRecords = [](ServerHandle *server) {
        if (!server->hostLabel().isEmpty())
            QObject::connect(server, &ServerHandle::recordsLogged, server,
                             [](const LogBatch &records) {
                                 for (const LogRecord &record : records)
                                     printLine(stdout, formatPylmLine(record));
                             });
    };
    QObject::connect(&cluster, &Cluster::serverAdded, &cluster, printRecords);
    for (ServerConfig config : std::as_const(*selected)) {
        config.printLog = true;
        if (levelOverride)
            config.logLevel = *levelOverride;
#ifdef QPALM_SERVER_CONFIG_HOOK
        QPALM_SERVER_CONFIG_HOOK(config);
#endif
        cluster.addServer(config);
    }

    // The channel comes up first, so that watchers see the servers start (with their records).
    std::unique_ptr<remote::ControlChannel> channel;
    if (control) {
        channel = std::make_unique<remote::ControlChannel>(&cluster);
        QObject::connect(channel.get(), &remote::ControlChannel::peerRefused,
                         [](const QString &text) { complain(QStringLiteral("control: ") + text); });
        QObject::connect(channel.get(), &remote::ControlChannel::commandHandled,
                         [](const QString &text) { say(QStringLiteral("control: ") + text); });
        QString reason;
        if (!channel->start(*control, &reason)) {
            complain(reason);
            return 1;
        }
    }
    // A command line may wait: a local loop until the cluster reports.
    auto stopCluster = [&cluster] {
        QEventLoop loop;
        QObject::connect(&cluster, &Cluster::allStopped, &loop, &QEventLoop::quit);
        cluster.stopAll(Cluster::StopScope::OwnOnly); // attached servers are not ours
        loop.exec();
    };
    {
        QEventLoop loop;
        QObject::connect(&cluster, &Cluster::allStarted, &loop, &QEventLoop::quit);
        cluster.startAll();
        loop.exec();
    }
    // An attached server whose host does not answer yet is not a failure: its handle keeps
    // trying, and it shows once the link is up. Anything else that is not running is.
    bool allStarted = true;
    for (ServerHandle *server : cluster.servers()) {
        const ServerHandle::State state = server->state();
        if (state == ServerHandle::State::Running)
            continue;
        if (state == ServerHandle::State::Unreachable && server->config().attach.isSet()) {
            say(QStringLiteral("%1 (%2): %3 does not answer yet; attaching in the background")
                    .arg(server->name(), kindName(server->kind()),
                         server->config().attach.control));
            continue;
        }
        allStarted = false;
        complain(
            QStringLiteral("%1 (%2) did not start: %3")
                .arg(server->name(), kindName(server->kind()),
                     server->errorString().isEmpty() ? stateName(state) : server->errorString()));
    }
    if (!allStarted) {
        stopCluster();
        return 1;
    }
    for (ServerHandle *server : cluster.servers()) {
        QObject::connect(server, &ServerHandle::failed, server, [server](const QString &reason) {
            complain(QStringLiteral("%1: failed: %2").arg(server->name(), reason));
        });
        // The script's own name: a script sent over the control channel replaces the file's.
        QObject::connect(
            server, &ServerHandle::scriptReloaded, server, [server](const QString &script) {
                const QString path = server->config().scriptPath;
                const bool ownFile = script == path || script == QFileInfo(path).fileName();
                say(QStringLiteral("%1: reloaded %2").arg(server->name(), ownFile ? path : script));
            });
        QObject::connect(
            server, &ServerHandle::scriptReloadFailed, server, [server](const QString &reason) {
                complain(QStringLiteral("%1: reload of %2 failed, old script kept: %3")
                             .arg(server->name(), server->config().scriptPath, reason));
            });
    }
    for (const ServerHandle *server : cluster.servers())
        say(QStringLiteral("%1 (%2) %3")
                .arg(server->name(), kindName(server->kind()),
                     server->config().attach.isSet()
                         ? QStringLiteral("attached at ") + server->config().attach.control
                         : QStringLiteral("serving ") + describeAddresses(server)));
    if (channel)
        say(QStringLiteral("control channel at %1 (%2)")
                .arg(channel->address(), control->curveKey ? QStringLiteral("CURVE")
                                                           : QStringLiteral("local, no keys")));
    say(QStringLiteral("ready, %1 server(s) running; SIGINT/SIGTERM stops, SIGHUP reloads scripts")
            .arg(cluster.servers().size()));

    bool stopping = false;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        unsigned char byte = 0;
        if (::read(g_signalPipe[0], &byte, 1) != 1)
            return;
        const int signo = byte;
        if (signo == SIGHUP) {
            // Each server re-reads its file and answers with scriptReloaded / ...Failed.
            for (ServerHandle *server : cluster.servers()) {
                if (!server->config().scriptPath.isEmpty())
                    server->reloadScript(ScriptSource());
            }
            return;
        }
        if (stopping)
            return;
        stopping = true;
        // Never hang on the way out, whatever a server does.
        std::thread([] {
            std::this_thread::sleep_for(std::chrono::seconds(5));
            complain(QStringLiteral("servers did not stop within 5 s, exiting"));
            std::_Exit(1);
        }).detach();
        // A hung server's run is abandoned on stop: its thread stays in the call and cannot be
        // joined, so the normal exit's destructors could run under it. After everything else
        // stopped and every line is written, such a process ends at once, still with 0.
        bool abandoned = false;
        for (const ServerHandle *server : cluster.servers())
            abandoned = abandoned || server->state() == ServerHandle::State::Hung;
        QObject::connect(&cluster, &Cluster::allStopped, &app, [abandoned] {
            say(QStringLiteral("stopped"));
            if (abandoned) {
                flushConsoleLog();
                std::fflush(stdout);
                std::fflush(stderr);
                std::_Exit(0);
            }
            QCoreApplication::exit(0);
        });
        cluster.stopAll(Cluster::StopScope::OwnOnly); // attached servers are not ours
    });

    return app.exec();
}
