// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Engine throughput and latency against raw ZeroMQ, measured side by side in one run.
// Usage: bench_engine [messages=1000000] [rounds=5] [evals=5000]
#include "client.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "localendpoints.h"
#include "localserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <zmq.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace qpalm;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size())))];
}

// PUSH -> 2 echo threads -> PULL, the floor any PALM cluster stands on.
double rawRing(zmq::context_t &context, int messages, bool inproc)
{
    zmq::socket_t out(context, zmq::socket_type::push);
    zmq::socket_t in(context, zmq::socket_type::pull);
    out.set(zmq::sockopt::linger, 0);
    in.set(zmq::sockopt::linger, 0);
    static int ring = 0;
    ++ring;
    out.bind(inproc ? "inproc://ring-out-" + std::to_string(ring)
                    : std::string("tcp://127.0.0.1:*"));
    in.bind(inproc ? "inproc://ring-in-" + std::to_string(ring) : std::string("tcp://127.0.0.1:*"));
    const std::string outAddress = out.get(zmq::sockopt::last_endpoint);
    const std::string inAddress = in.get(zmq::sockopt::last_endpoint);
    std::vector<std::thread> workers;
    std::atomic<bool> done{false};
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&context, &done, outAddress, inAddress] {
            zmq::socket_t pull(context, zmq::socket_type::pull);
            zmq::socket_t push(context, zmq::socket_type::push);
            pull.set(zmq::sockopt::linger, 0);
            push.set(zmq::sockopt::linger, 0);
            pull.connect(outAddress);
            push.connect(inAddress);
            pull.set(zmq::sockopt::rcvtimeo, 50);
            while (!done) {
                zmq::message_t message;
                if (pull.recv(message))
                    (void)push.send(message, zmq::send_flags::none);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // let both workers connect
    const std::string payload(100, 'x');
    const auto start = Clock::now();
    std::thread sender([&] {
        for (int i = 0; i < messages; ++i)
            (void)out.send(zmq::buffer(payload), zmq::send_flags::none);
    });
    int received = 0;
    for (; received < messages; ++received) {
        zmq::message_t message;
        (void)in.recv(message);
    }
    const double elapsed = seconds(start);
    sender.join();
    done = true;
    for (auto &thread : workers)
        thread.join();
    return messages / elapsed;
}

struct EngineCluster
{
    std::unique_ptr<LocalServer> master;
    std::vector<std::unique_ptr<LocalServer>> workers;
};

EngineCluster startCluster(std::shared_ptr<NativeHandlers> handlers, const QString &script)
{
    EngineCluster cluster;
    ServerConfig m;
    m.kind = ServerKind::Master;
    m.name = QStringLiteral("master");
    m.dbAddress = m.pullAddress = m.pubAddress = m.workerPullAddress = m.workerPushAddress =
        QStringLiteral("tcp://127.0.0.1:*");
    m.logLevel = LogLevel::Warning;
    cluster.master = std::make_unique<LocalServer>(m);
    QString error;
    if (!startAndWait(cluster.master.get(), 15000, &error))
        qFatal("master: %s", qPrintable(error));
    const QString handlerSet = QStringLiteral("bench-%1").arg(quintptr(handlers.get()));
    if (handlers)
        NativeHandlers::registerSet(handlerSet, handlers);
    for (int i = 0; i < 2; ++i) {
        ServerConfig w;
        w.kind = ServerKind::Worker;
        w.name = QStringLiteral("worker-%1").arg(i + 1);
        w.dbAddress = cluster.master->address(QStringLiteral("db_address"));
        w.nativeHandlers = handlers ? handlerSet : QString();
        w.scriptPath = script;
        w.logLevel = LogLevel::Warning;
        cluster.workers.push_back(std::make_unique<LocalServer>(w));
        if (!startAndWait(cluster.workers.back().get(), 15000, &error))
            qFatal("worker: %s", qPrintable(error));
    }
    return cluster;
}

// client -> Master -> 2 Workers -> Master -> client; returns messages/s and checks nothing is lost.
double engineRing(EngineCluster &cluster, const std::string &function, int messages,
                  std::size_t replySize)
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    int sent = 0;
    int received = 0;
    bool sizesOk = true;
    const auto start = Clock::now();
    const bool ok = client.job(
        function,
        [&](std::string &next) {
            if (sent == messages)
                return false;
            next = payload;
            ++sent;
            return true;
        },
        [&](std::string &&reply) {
            ++received;
            sizesOk = sizesOk && reply.size() == replySize;
        });
    const double elapsed = seconds(start);
    if (!ok || received != messages || !sizesOk)
        qFatal("engine ring lost messages: %d of %d (%s)", received, messages,
               client.lastError().c_str());
    return messages / elapsed;
}

std::vector<double> rawReqRep(zmq::context_t &context, int evals)
{
    zmq::socket_t rep(context, zmq::socket_type::rep);
    rep.set(zmq::sockopt::linger, 0);
    rep.bind("tcp://127.0.0.1:*");
    const std::string address = rep.get(zmq::sockopt::last_endpoint);
    std::thread server([&] {
        for (int i = 0; i < evals; ++i) {
            zmq::message_t message;
            (void)rep.recv(message);
            (void)rep.send(message, zmq::send_flags::none);
        }
    });
    zmq::socket_t req(context, zmq::socket_type::req);
    req.set(zmq::sockopt::linger, 0);
    req.connect(address);
    const std::string payload(100, 'x');
    std::vector<double> latencies;
    for (int i = 0; i < evals; ++i) {
        const auto start = Clock::now();
        (void)req.send(zmq::buffer(payload), zmq::send_flags::none);
        zmq::message_t reply;
        (void)req.recv(reply);
        latencies.push_back(seconds(start) * 1e6);
    }
    server.join();
    return latencies;
}

std::vector<double> engineEval(EngineCluster &cluster, int evals)
{
    Client client({"master", cluster.master->address(QStringLiteral("db_address")).toStdString()});
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(100, 'x');
    (void)client.eval("master.echo", payload); // connects the streams
    std::vector<double> latencies;
    for (int i = 0; i < evals; ++i) {
        const auto start = Clock::now();
        auto reply = client.eval("master.echo", payload);
        if (!reply || reply->size() != 1)
            qFatal("eval lost a reply: %s", client.lastError().c_str());
        latencies.push_back(seconds(start) * 1e6);
    }
    return latencies;
}

} // namespace

// The caller's event loop while a worker whose master does not exist starts, fails (config
// timeout 300 ms) and, started again, is stopped while it waits: the longest gap between the
// ticks of a 5 ms timer, in ms, per run.
std::vector<double> handleStalls(int runs)
{
    std::vector<double> worst;
    for (int run = 0; run < runs; ++run) {
        ServerConfig w;
        w.kind = ServerKind::Worker;
        w.name = QStringLiteral("orphan");
        w.dbAddress = QStringLiteral("tcp://127.0.0.1:9");
        w.configTimeoutMs = 300;
        w.logLevel = LogLevel::Critical;
        LocalServer server(w);
        QElapsedTimer clock;
        qint64 last = 0;
        qint64 gap = 0;
        QTimer ticker;
        ticker.setTimerType(Qt::PreciseTimer);
        ticker.setInterval(5);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            const qint64 now = clock.nsecsElapsed();
            gap = std::max(gap, now - last);
            last = now;
        });
        clock.start();
        ticker.start();
        auto spin = [](int ms) {
            QEventLoop loop;
            QTimer::singleShot(ms, &loop, &QEventLoop::quit);
            loop.exec();
        };
        spin(20);
        server.start();
        if (!waitForState(&server, ServerHandle::State::Failed, 5000))
            qFatal("the orphan worker did not fail");
        server.start();
        spin(100);
        server.stop();
        if (!waitForState(&server, ServerHandle::State::Stopped, 5000))
            qFatal("the orphan worker did not stop");
        spin(20);
        worst.push_back(double(gap) / 1e6);
    }
    return worst;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const int evals = argc > 3 ? std::atoi(argv[3]) : 5000;
    // The raw peers get as many I/O threads as the engine's context (QPALM_IO_THREADS, default 1).
    const char *ioEnv = std::getenv("QPALM_IO_THREADS");
    const int ioThreads = ioEnv && std::atoi(ioEnv) > 0 ? std::atoi(ioEnv) : 1;
    zmq::context_t context(ioThreads);

    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("echo", [](ServerContext &, const std::string &payload) {
        return std::optional<std::string>(payload);
    });

    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("echo.lua"));
    {
        QFile file(script);
        file.open(QIODevice::WriteOnly);
        file.write("function luaecho(payload) return payload end\n"
                   "function prefix(payload) return 'processed: ' .. payload end\n");
    }

    std::printf(
        "method: %d messages of 100 bytes per round, %d rounds, each round runs every variant\n"
        "        back to back; medians of the per-round values and of the per-round ratios.\n"
        "        %d evals per round for latency. 2 worker threads everywhere; %d ZeroMQ I/O "
        "thread(s)\n"
        "        for the raw peers and for the engine alike.\n"
        "        'tcp' = every hop over tcp on 127.0.0.1; 'local' = the engine's in-process\n"
        "        shortcuts (inproc twins of tcp endpoints, used when peers share the process).\n",
        messages, rounds, evals, ioThreads);
    struct Series
    {
        const char *name;
        std::vector<double> values;
        std::vector<double> ratios;
    };
    Series rawTcp{"raw ring, tcp", {}, {}}, rawInproc{"raw ring, inproc", {}, {}};
    Series nativeTcp{"engine native, tcp", {}, {}}, nativeLocal{"engine native, local", {}, {}};
    Series luaTcp{"engine lua echo, tcp", {}, {}}, luaLocal{"engine lua echo, local", {}, {}};
    Series prefixLocal{"engine lua prefix, local", {}, {}};
    std::vector<double> p50Raw, p99Raw, p50Tcp, p99Tcp, p50Local, p99Local, p50RatioTcp,
        p50RatioLocal;

    const std::vector<double> stalls = handleStalls(
        std::getenv("QPALM_BENCH_STALL_RUNS") ? std::atoi(std::getenv("QPALM_BENCH_STALL_RUNS"))
                                              : 10);
    std::printf("handles: worker without master, start/fail/start/stop with a 5 ms timer on the "
                "caller's thread:\n"
                "         longest gap between ticks, median %.1f ms, worst %.1f ms over %zu runs\n",
                median(stalls),
                stalls.empty() ? 0.0 : *std::max_element(stalls.begin(), stalls.end()),
                stalls.size());
    std::fflush(stdout);

    setLocalShortcutsEnabled(false);
    EngineCluster nativeTcpCluster = startCluster(handlers, {});
    EngineCluster luaTcpCluster = startCluster(nullptr, script);
    setLocalShortcutsEnabled(true);
    EngineCluster nativeLocalCluster = startCluster(handlers, {});
    EngineCluster luaLocalCluster = startCluster(nullptr, script);

    for (int round = 0; round < rounds; ++round) {
        const double rt = rawRing(context, messages, false);
        const double ri = rawRing(context, messages, true);
        setLocalShortcutsEnabled(false);
        const double nt = engineRing(nativeTcpCluster, "master.echo", messages, 100);
        const double lt = engineRing(luaTcpCluster, "master.luaecho", messages, 100);
        setLocalShortcutsEnabled(true);
        const double nl = engineRing(nativeLocalCluster, "master.echo", messages, 100);
        const double ll = engineRing(luaLocalCluster, "master.luaecho", messages, 100);
        const double pl = engineRing(luaLocalCluster, "master.prefix", messages, 111);
        rawTcp.values.push_back(rt);
        rawInproc.values.push_back(ri);
        for (auto [series, value] : {std::pair{&nativeTcp, nt},
                                     {&luaTcp, lt},
                                     {&nativeLocal, nl},
                                     {&luaLocal, ll},
                                     {&prefixLocal, pl}}) {
            series->values.push_back(value);
            series->ratios.push_back(value / rt);
        }
        rawInproc.ratios.push_back(ri / rt);

        const auto rawLat = rawReqRep(context, evals);
        setLocalShortcutsEnabled(false);
        const auto tcpLat = engineEval(nativeTcpCluster, evals);
        setLocalShortcutsEnabled(true);
        const auto localLat = engineEval(nativeLocalCluster, evals);
        p50Raw.push_back(percentile(rawLat, 0.5));
        p99Raw.push_back(percentile(rawLat, 0.99));
        p50Tcp.push_back(percentile(tcpLat, 0.5));
        p99Tcp.push_back(percentile(tcpLat, 0.99));
        p50Local.push_back(percentile(localLat, 0.5));
        p99Local.push_back(percentile(localLat, 0.99));
        p50RatioTcp.push_back(p50Tcp.back() / p50Raw.back());
        p50RatioLocal.push_back(p50Local.back() / p50Raw.back());
        std::printf(
            "round %d: raw tcp %.0f/s | native tcp %.2fx local %.2fx | lua tcp %.2fx local %.2fx "
            "prefix local %.2fx | eval p50 raw %.0f us, tcp %.0f us, local %.0f us\n",
            round + 1, rt, nt / rt, nl / rt, lt / rt, ll / rt, pl / rt, p50Raw.back(),
            p50Tcp.back(), p50Local.back());
        std::fflush(stdout);
    }
    std::printf("\nmedians over %d rounds (every engine round checked: 0 messages lost)\n", rounds);
    std::printf("  %-26s %10s   %s\n", "variant", "msg/s", "ratio to raw ring over tcp");
    for (const Series *series :
         {&rawTcp, &rawInproc, &nativeTcp, &nativeLocal, &luaTcp, &luaLocal, &prefixLocal})
        std::printf("  %-26s %10.0f   %s\n", series->name, median(series->values),
                    series->ratios.empty()
                        ? "1.00"
                        : QByteArray::number(median(series->ratios), 'f', 2).constData());
    std::printf("  raw REQ/REP, tcp          p50 %6.0f us  p99 %6.0f us\n", median(p50Raw),
                median(p99Raw));
    std::printf("  engine eval, tcp          p50 %6.0f us  p99 %6.0f us   p50 ratio %.2f\n",
                median(p50Tcp), median(p99Tcp), median(p50RatioTcp));
    std::printf("  engine eval, local        p50 %6.0f us  p99 %6.0f us   p50 ratio %.2f\n",
                median(p50Local), median(p99Local), median(p50RatioLocal));
    return 0;
}
