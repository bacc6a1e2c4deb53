// Engine throughput and latency against raw ZeroMQ, measured side by side in one run.
// Usage: bench_engine [messages=1000000] [rounds=5] [evals=5000]
#include "client.h"
#include "dispatcher.h"
#include "localserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <zmq.hpp>

#include <algorithm>
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
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(p * double(values.size())))];
}

// PUSH -> 2 echo threads -> PULL, the floor any PALM cluster stands on.
double rawRing(zmq::context_t &context, int messages)
{
    zmq::socket_t out(context, zmq::socket_type::push);
    zmq::socket_t in(context, zmq::socket_type::pull);
    out.set(zmq::sockopt::linger, 0);
    in.set(zmq::sockopt::linger, 0);
    out.bind("tcp://127.0.0.1:*");
    in.bind("tcp://127.0.0.1:*");
    const std::string outAddress = out.get(zmq::sockopt::last_endpoint);
    const std::string inAddress = in.get(zmq::sockopt::last_endpoint);
    std::vector<std::thread> workers;
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&context, outAddress, inAddress] {
            zmq::socket_t pull(context, zmq::socket_type::pull);
            zmq::socket_t push(context, zmq::socket_type::push);
            pull.set(zmq::sockopt::linger, 0);
            push.set(zmq::sockopt::linger, 0);
            pull.connect(outAddress);
            push.connect(inAddress);
            while (true) {
                zmq::message_t message;
                (void)pull.recv(message);
                if (message.size() == 0)
                    break;
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
    for (int w = 0; w < 2; ++w)
        (void)out.send(zmq::message_t(), zmq::send_flags::none);
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
    if (!cluster.master->start())
        qFatal("master: %s", qPrintable(cluster.master->errorString()));
    for (int i = 0; i < 2; ++i) {
        ServerConfig w;
        w.kind = ServerKind::Worker;
        w.name = QStringLiteral("worker-%1").arg(i + 1);
        w.dbAddress = cluster.master->address(QStringLiteral("db_address"));
        w.handlers = handlers;
        w.scriptPath = script;
        w.logLevel = LogLevel::Warning;
        cluster.workers.push_back(std::make_unique<LocalServer>(w));
        if (!cluster.workers.back()->start())
            qFatal("worker: %s", qPrintable(cluster.workers.back()->errorString()));
    }
    return cluster;
}

// client -> Master -> 2 Workers -> Master -> client; returns messages/s and checks nothing is lost.
double engineRing(EngineCluster &cluster, const std::string &function, int messages, std::size_t replySize)
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
        qFatal("engine ring lost messages: %d of %d (%s)", received, messages, client.lastError().c_str());
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

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const int evals = argc > 3 ? std::atoi(argv[3]) : 5000;
    zmq::context_t context(2);

    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("echo", [](ServerContext &, const std::string &payload) { return std::optional<std::string>(payload); });

    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("echo.lua"));
    {
        QFile file(script);
        file.open(QIODevice::WriteOnly);
        file.write("function luaecho(payload) return payload end\n"
                   "function prefix(payload) return 'processed: ' .. payload end\n");
    }

    std::printf("method: %d messages of 100 bytes per round, %d rounds alternating raw/engine, medians;\n"
                "        %d evals per round for latency. 2 worker threads everywhere, tcp on 127.0.0.1.\n",
                messages, rounds, evals);
    std::vector<double> raw, native, lua, luaPrefix, rawRatio, nativeRatio, luaRatio, prefixRatio;
    std::vector<double> p50Raw, p99Raw, p50Eval, p99Eval, p50Ratio;
    EngineCluster nativeCluster = startCluster(handlers, {});
    EngineCluster luaCluster = startCluster(nullptr, script);
    for (int round = 0; round < rounds; ++round) {
        const double r = rawRing(context, messages);
        const double n = engineRing(nativeCluster, "master.echo", messages, 100);
        const double l = engineRing(luaCluster, "master.luaecho", messages, 100);
        const double lp = engineRing(luaCluster, "master.prefix", messages, 111);
        raw.push_back(r);
        native.push_back(n);
        lua.push_back(l);
        luaPrefix.push_back(lp);
        nativeRatio.push_back(n / r);
        luaRatio.push_back(l / r);
        prefixRatio.push_back(lp / r);
        const auto rawLat = rawReqRep(context, evals);
        const auto evalLat = engineEval(nativeCluster, evals);
        p50Raw.push_back(percentile(rawLat, 0.5));
        p99Raw.push_back(percentile(rawLat, 0.99));
        p50Eval.push_back(percentile(evalLat, 0.5));
        p99Eval.push_back(percentile(evalLat, 0.99));
        p50Ratio.push_back(p50Eval.back() / p50Raw.back());
        std::printf("round %d: raw %.0f/s native %.0f/s (%.2fx) lua %.0f/s (%.2fx) lua-prefix %.0f/s (%.2fx) | "
                    "eval p50 %.0f us vs raw %.0f us (%.2fx)\n",
                    round + 1, r, n, n / r, l, l / r, lp, lp / r, p50Eval.back(), p50Raw.back(), p50Ratio.back());
        std::fflush(stdout);
    }
    std::printf("\nmedians over %d rounds (0 messages lost in every engine round):\n", rounds);
    std::printf("  raw ring          %10.0f msg/s\n", median(raw));
    std::printf("  engine, native    %10.0f msg/s   ratio %.2f\n", median(native), median(nativeRatio));
    std::printf("  engine, lua echo  %10.0f msg/s   ratio %.2f\n", median(lua), median(luaRatio));
    std::printf("  engine, lua prefix%10.0f msg/s   ratio %.2f\n", median(luaPrefix), median(prefixRatio));
    std::printf("  raw REQ/REP       p50 %6.0f us  p99 %6.0f us\n", median(p50Raw), median(p99Raw));
    std::printf("  engine eval       p50 %6.0f us  p99 %6.0f us   p50 ratio %.2f\n", median(p50Eval),
                median(p99Eval), median(p50Ratio));
    return 0;
}
