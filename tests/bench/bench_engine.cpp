// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Engine throughput and latency against raw ZeroMQ, measured side by side in one run.
// Usage: bench_engine [--reliable|--plain] [messages=1000000] [rounds=5] [evals=5000]
// --plain (default): masters and workers on pylm's PUSH/PULL; --reliable: on the reliable path
// (docs/delivery.md). bench_reliable compares the two side by side.
#include "benchcluster.h"
#include "localendpoints.h"

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
#include <cstring>
#include <thread>
#include <vector>

using namespace qpalm;
using namespace qpalm::bench;

namespace {

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
    bool reliable = false;
    std::vector<int> numbers;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--reliable") == 0)
            reliable = true;
        else if (std::strcmp(argv[i], "--plain") == 0)
            reliable = false;
        else
            numbers.push_back(std::atoi(argv[i]));
    }
    const int messages = numbers.size() > 0 ? numbers[0] : 1000000;
    const int rounds = numbers.size() > 1 ? numbers[1] : 5;
    const int evals = numbers.size() > 2 ? numbers[2] : 5000;
    // The raw peers get as many I/O threads as the engine's context (QPALM_IO_THREADS, default 1).
    const char *ioEnv = std::getenv("QPALM_IO_THREADS");
    const int ioThreads = ioEnv && std::atoi(ioEnv) > 0 ? std::atoi(ioEnv) : 1;
    zmq::context_t context(ioThreads);

    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("echo", [](ServerContext &, const std::string &payload) {
        return std::optional<std::string>(payload);
    });
    NativeHandlers::registerSet(QStringLiteral("bench"), handlers);

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
        "        shortcuts (inproc twins of tcp endpoints, used when peers share the process).\n"
        "        master -> workers: %s.\n",
        messages, rounds, evals, ioThreads,
        reliable ? "the reliable path (ROUTER/DEALER, ids, credit, acks)" : "plain PUSH/PULL");
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
    Cluster nativeTcpCluster = startCluster(reliable, QStringLiteral("bench"), {});
    Cluster luaTcpCluster = startCluster(reliable, {}, script);
    setLocalShortcutsEnabled(true);
    Cluster nativeLocalCluster = startCluster(reliable, QStringLiteral("bench"), {});
    Cluster luaLocalCluster = startCluster(reliable, {}, script);

    for (int round = 0; round < rounds; ++round) {
        const double rt = rawRing(context, messages, false);
        const double ri = rawRing(context, messages, true);
        setLocalShortcutsEnabled(false);
        const double nt = jobRate(nativeTcpCluster, "master.echo", messages, 100);
        const double lt = jobRate(luaTcpCluster, "master.luaecho", messages, 100);
        setLocalShortcutsEnabled(true);
        const double nl = jobRate(nativeLocalCluster, "master.echo", messages, 100);
        const double ll = jobRate(luaLocalCluster, "master.luaecho", messages, 100);
        const double pl = jobRate(luaLocalCluster, "master.prefix", messages, 111);
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
        const auto tcpLat = evalLatencies(nativeTcpCluster, evals);
        setLocalShortcutsEnabled(true);
        const auto localLat = evalLatencies(nativeLocalCluster, evals);
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
