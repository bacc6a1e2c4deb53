// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// What CURVE (data_security) costs on the data path: a master and 2 workers in this process, every
// socket over tcp (no in-process shortcuts), a client job of echoes (100 bytes unless told) and
// single evals, with data_security off and on side by side (alternating which goes first),
// medians of the rounds: messages/s, CPU time of this process per message, eval p50/p99.
// Usage: bench_curve [MESSAGES] [ROUNDS] [EVALS] [PAYLOAD_BYTES] (docs/benchmarks.md).

#include "benchcluster.h"
#include "localendpoints.h"
#include "remote/controlsecurity.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>

using namespace qpalm;
using namespace qpalm::bench;

namespace {

double cpuSeconds()
{
    rusage usage = {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Secured
{
    std::unique_ptr<LocalServer> master;
    std::vector<std::unique_ptr<LocalServer>> workers;
    DataSecurity keys; // unset: plaintext
};

Secured start(const DataSecurity &keys)
{
    Secured cluster;
    cluster.keys = keys;
    ServerConfig m;
    m.kind = ServerKind::Master;
    m.name = QStringLiteral("master");
    m.dbAddress = m.pullAddress = m.pubAddress = m.workerPullAddress = m.workerPushAddress =
        QStringLiteral("tcp://127.0.0.1:*");
    m.logLevel = LogLevel::Warning;
    m.dataSecurity = keys;
    cluster.master = std::make_unique<LocalServer>(m);
    QString error;
    if (!startAndWait(cluster.master.get(), 15000, &error))
        qFatal("master: %s", qPrintable(error));
    for (int i = 0; i < 2; ++i) {
        ServerConfig w;
        w.kind = ServerKind::Worker;
        w.name = QStringLiteral("worker-%1").arg(i + 1);
        w.dbAddress = cluster.master->address(QStringLiteral("db_address"));
        w.nativeHandlers = QStringLiteral("bench");
        w.logLevel = LogLevel::Warning;
        w.dataSecurity = keys;
        cluster.workers.push_back(std::make_unique<LocalServer>(w));
        if (!startAndWait(cluster.workers.back().get(), 15000, &error))
            qFatal("worker: %s", qPrintable(error));
    }
    return cluster;
}

Client::Options clientOptions(const Secured &cluster)
{
    Client::Options options;
    options.serverName = "master";
    options.dbAddress = cluster.master->address(QStringLiteral("db_address")).toStdString();
    options.useClusterKeys(cluster.keys);
    return options;
}

struct Round
{
    double rate = 0;          // messages/s
    double cpuPerMessage = 0; // µs of this process's CPU (client, master, workers)
    double p50 = 0;           // µs
    double p99 = 0;
};

Round measure(const Secured &cluster, int messages, int evals, int bytes)
{
    Round round;
    Client client(clientOptions(cluster));
    if (!client.connect())
        qFatal("client: %s", client.lastError().c_str());
    const std::string payload(std::size_t(bytes), 'x');
    int sent = 0;
    int received = 0;
    const double cpu0 = cpuSeconds();
    const auto begin = Clock::now();
    const bool ok = client.job(
        "master.echo",
        [&](std::string &next) {
            if (sent == messages)
                return false;
            next = payload;
            ++sent;
            return true;
        },
        [&](std::string &&reply) { received += reply.size() == payload.size() ? 1 : 0; });
    const double elapsed = seconds(begin);
    const double cpu = cpuSeconds() - cpu0;
    if (!ok || received != messages)
        qFatal("job lost messages: %d of %d (%s)", received, messages, client.lastError().c_str());
    round.rate = messages / elapsed;
    round.cpuPerMessage = cpu * 1e6 / messages;
    std::vector<double> latencies;
    (void)client.eval("master.echo", payload);
    for (int i = 0; i < evals; ++i) {
        const auto start = Clock::now();
        if (!client.eval("master.echo", payload))
            qFatal("eval: %s", client.lastError().c_str());
        latencies.push_back(seconds(start) * 1e6);
    }
    round.p50 = percentile(latencies, 0.5);
    round.p99 = percentile(latencies, 0.99);
    return round;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int messages = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    const int evals = argc > 3 ? std::atoi(argv[3]) : 2000;
    const int bytes = argc > 4 ? std::max(1, std::atoi(argv[4])) : 100;
    setLocalShortcutsEnabled(false); // inproc has no handshake: CURVE applies over tcp only

    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("echo", [](ServerContext &, const std::string &payload) {
        return std::optional<std::string>(payload);
    });
    NativeHandlers::registerSet(QStringLiteral("bench"), handlers);

    const auto pair = remote::generateKeyPair();
    if (!pair)
        qFatal("libzmq has no CURVE");
    DataSecurity keys;
    keys.publicKey = pair->publicKey;
    keys.secretKey = pair->secretKey;
    Secured plain = start(DataSecurity());
    Secured curve = start(keys);
    {
        // The CURVE cluster must refuse a plaintext client, or the comparison measures nothing.
        Client::Options options = clientOptions(curve);
        options.curvePublicKey.clear();
        options.curveSecretKey.clear();
        options.curveServerKey.clear();
        options.timeoutMs = 3000;
        Client plaintext(options);
        if (plaintext.connect())
            qFatal("the data_security cluster let a plaintext client in");
        std::printf("check: a plaintext client is refused by the CURVE cluster (%s)\n",
                    plaintext.lastError().c_str());
    }

    std::printf("method: client -> master -> 2 workers (native echo) -> client, all tcp, one "
                "process; %d messages of %d bytes and %d evals per round, %d rounds\n",
                messages, bytes, evals, rounds);
    std::vector<double> rate[2], cpu[2], p50[2], p99[2];
    for (int r = 0; r < rounds; ++r) {
        for (int k = 0; k < 2; ++k) {
            const int which = (r + k) % 2; // alternate which variant goes first
            const Round result = measure(which == 0 ? plain : curve, messages, evals, bytes);
            std::printf("round %d %-9s %9.0f msg/s  %6.1f us CPU/msg  eval p50 %5.0f us  p99 "
                        "%5.0f us\n",
                        r + 1, which == 0 ? "plaintext" : "CURVE", result.rate,
                        result.cpuPerMessage, result.p50, result.p99);
            std::fflush(stdout);
            rate[which].push_back(result.rate);
            cpu[which].push_back(result.cpuPerMessage);
            p50[which].push_back(result.p50);
            p99[which].push_back(result.p99);
        }
    }
    std::printf(
        "median    plaintext %9.0f msg/s  %6.1f us CPU/msg  eval p50 %5.0f us  p99 %5.0f us\n",
        median(rate[0]), median(cpu[0]), median(p50[0]), median(p99[0]));
    std::printf(
        "median    CURVE     %9.0f msg/s  %6.1f us CPU/msg  eval p50 %5.0f us  p99 %5.0f us\n",
        median(rate[1]), median(cpu[1]), median(p50[1]), median(p99[1]));
    std::printf("CURVE/plaintext: throughput %.2fx, CPU per message %.2fx, eval p50 %.2fx\n",
                median(rate[1]) / median(rate[0]), median(cpu[1]) / median(cpu[0]),
                median(p50[1]) / median(p50[0]));
    for (Secured *cluster : {&plain, &curve}) {
        for (auto &worker : cluster->workers)
            stopAndWait(worker.get(), 10000);
        stopAndWait(cluster->master.get(), 10000);
    }
    return 0;
}
