// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The app's client side reaches a child qpalm-server (`run: process`) of a data_security cluster
// with the cluster's keys: the engine Client, the ClientWorker the panels use, the cache panel and
// the client panel all get their job and cache calls through; without a key, or with a key the
// server does not know, the call fails at once with an error saying so (not at its timeout).

#include "cachepanel.h"
#include "client.h"
#include "clientpanel.h"
#include "clientworker.h"
#include "cluster.h"
#include "clusterfile.h"
#include "remote/controlsecurity.h"
#include "requiretool.h"
#include "serverhandle.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace qpalm;

namespace {

constexpr int kStartMs = 20000;
constexpr int kTimeoutMs = 10000; // what a failed call would wait without the handshake watch

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class TestChildKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void engineClientWithClusterKeys();
    void engineClientWithoutKeysFailsClearly();
    void engineClientWithUnknownKeyFailsClearly();
    void clientWorkerUsesTheClusterKeys();
    void cachePanel();
    void clientPanel();

private:
    Client::Options options() const;

    QTemporaryDir m_dir;
    std::unique_ptr<Cluster> m_cluster;
    ServerHandle *m_server = nullptr;
    DataSecurity m_keys;
};

void TestChildKeys::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("keys")));
    const auto cluster = remote::generateKeyPair();
    QPALM_REQUIRE_TOOL(cluster.has_value(), "libzmq with CURVE");
    QString error;
    QVERIFY2(remote::writeKeyPair(*cluster, m_dir.filePath(QStringLiteral("keys/cluster")), &error),
             qPrintable(error));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("echo.lua")),
                      "function echo(payload)\n    return 'echo ' .. payload\nend\n"));
    const QByteArray json = R"({"servers": [{"kind": "server", "name": "s", "run": "process",
  "db_address": "tcp://127.0.0.1:*", "pull_address": "tcp://127.0.0.1:*",
  "pub_address": "tcp://127.0.0.1:*", "script": "echo.lua", "log_level": "WARNING"}],
 "data_security": {"key": "keys/cluster.secret"}})";
    const QString file = m_dir.filePath(QStringLiteral("cluster.json"));
    QVERIFY(writeFile(file, json));
    ClusterError problem;
    const auto configs = loadClusterFile(file, &problem);
    QVERIFY2(configs, qPrintable(problem.message));
    QCOMPARE(configs->size(), 1);
    QVERIFY(configs->first().dataSecurity.isSet());
    m_keys = configs->first().dataSecurity;

    m_cluster = std::make_unique<Cluster>();
    m_cluster->addServers(*configs);
    m_server = m_cluster->server(QStringLiteral("s"));
    QVERIFY(m_server);
    QVERIFY2(!m_server->hostLabel().isEmpty(), "not a child server");
    m_server->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->state(), ServerHandle::State::Running, kStartMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_server->address(QStringLiteral("db_address")).isEmpty(), 5000);
    QVERIFY(m_server->address(QStringLiteral("db_address")).startsWith(QLatin1String("tcp://")));
}

void TestChildKeys::cleanupTestCase()
{
    if (m_server && m_server->state() == ServerHandle::State::Running) {
        QSignalSpy stopped(m_server, &ServerHandle::stopped);
        m_server->stop();
        stopped.wait(10000);
    }
    m_cluster.reset();
}

Client::Options TestChildKeys::options() const
{
    Client::Options options;
    options.serverName = "s";
    options.dbAddress = m_server->address(QStringLiteral("db_address")).toStdString();
    options.timeoutMs = kTimeoutMs;
    return options;
}

void TestChildKeys::engineClientWithClusterKeys()
{
    Client::Options withKeys = options();
    withKeys.useClusterKeys(m_server->config().dataSecurity);
    QCOMPARE(withKeys.curveServerKey, m_keys.publicKey.toStdString());
    Client client(withKeys);
    QVERIFY2(client.connect(), client.lastError().c_str());
    const auto key = client.set("kept", "k1");
    QVERIFY2(key, client.lastError().c_str());
    QCOMPARE(client.get("k1"), std::optional<std::string>("kept"));
    std::vector<std::string> payloads;
    for (int i = 0; i < 50; ++i)
        payloads.push_back(std::to_string(i));
    const auto replies = client.job("s.echo", payloads);
    QVERIFY2(replies, client.lastError().c_str());
    QCOMPARE(replies->size(), std::size_t(50));
    QVERIFY(std::find(replies->begin(), replies->end(), "echo 49") != replies->end());
}

void TestChildKeys::engineClientWithoutKeysFailsClearly()
{
    Client client(options());
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!client.connect());
    QVERIFY2(timer.elapsed() < kTimeoutMs / 2, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(client.lastError().find("requires CURVE") != std::string::npos,
             client.lastError().c_str());
    QVERIFY2(client.lastError().find("data_security") != std::string::npos,
             client.lastError().c_str());
}

void TestChildKeys::engineClientWithUnknownKeyFailsClearly()
{
    const auto stranger = remote::generateKeyPair();
    QVERIFY(stranger);
    Client::Options other = options();
    other.curvePublicKey = stranger->publicKey.toStdString();
    other.curveSecretKey = stranger->secretKey.toStdString();
    other.curveServerKey = m_keys.publicKey.toStdString();
    Client client(other);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!client.get("k1"));
    QVERIFY2(timer.elapsed() < kTimeoutMs / 2, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(client.lastError().find("refused this client's key") != std::string::npos,
             client.lastError().c_str());

    // Its own key, but another server key (not the cluster's): the handshake fails.
    other.curveServerKey = stranger->publicKey.toStdString();
    Client wrongServer(other);
    timer.restart();
    QVERIFY(!wrongServer.get("k1"));
    QVERIFY2(timer.elapsed() < kTimeoutMs / 2, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(wrongServer.lastError().find("server key") != std::string::npos,
             wrongServer.lastError().c_str());
}

void TestChildKeys::clientWorkerUsesTheClusterKeys()
{
    QString why;
    ClientEndpoint endpoint = endpointFor(m_server, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(endpoint.curvePublicKey, m_keys.publicKey);
    QCOMPARE(endpoint.curveSecretKey, m_keys.secretKey);

    QThread thread;
    auto *worker = new ClientWorker;
    worker->moveToThread(&thread);
    connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();
    const auto joined = qScopeGuard([&] {
        QMetaObject::invokeMethod(worker, [worker] { worker->disconnectClient(); });
        thread.quit();
        thread.wait();
    });
    QSignalSpy stored(worker, &ClientWorker::valueStored);
    QSignalSpy fetched(worker, &ClientWorker::valueFetched);
    QSignalSpy finished(worker, &ClientWorker::jobFinished);
    QSignalSpy failed(worker, &ClientWorker::cacheFailed);
    QMetaObject::invokeMethod(worker, [worker, endpoint] {
        worker->storeValue(endpoint, "w1", "from the worker");
        worker->fetchValue(endpoint, "w1");
    });
    QTRY_COMPARE_WITH_TIMEOUT(fetched.size(), 1, kTimeoutMs);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(fetched.first().at(1).toByteArray(), QByteArray("from the worker"));

    JobRequest request;
    request.endpoint = endpoint;
    request.function = QStringLiteral("s.echo");
    request.payload = "x";
    request.count = 20;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); });
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
    const auto report = finished.first().first().value<JobReport>();
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    QCOMPARE(report.received, 20);

    // The same endpoint without the keys gets a clear refusal, soon.
    ClientEndpoint plain = endpoint;
    plain.curvePublicKey.clear();
    plain.curveSecretKey.clear();
    QElapsedTimer timer;
    timer.start();
    QMetaObject::invokeMethod(worker, [worker, plain] { worker->fetchValue(plain, "w1"); });
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeoutMs);
    QVERIFY2(timer.elapsed() < plain.timeoutMs, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(failed.first().at(1).toString().contains(QLatin1String("requires CURVE")),
             qPrintable(failed.first().at(1).toString()));
}

void TestChildKeys::cachePanel()
{
    CachePanel panel;
    QSignalSpy refreshed(&panel, &CachePanel::keysRefreshed);
    QSignalSpy stored(&panel, &CachePanel::valueStored);
    QSignalSpy failed(&panel, &CachePanel::operationFailed);
    panel.setServers({m_server});
    QCOMPARE(panel.currentServer(), m_server);
    QVERIFY(refreshed.wait(kTimeoutMs));
    QVERIFY(panel.keyModel()->rowOf("name") >= 0);
    panel.setValue("panel", "set from the cache panel");
    QVERIFY(stored.wait(kTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(panel.keyModel()->rowOf("panel") >= 0, kTimeoutMs);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));

    Client::Options withKeys = options();
    withKeys.useClusterKeys(m_keys);
    Client peer(withKeys);
    QCOMPARE(peer.get("panel"), std::optional<std::string>("set from the cache panel"));
}

void TestChildKeys::clientPanel()
{
    ClientPanel panel;
    panel.setServers({m_server});
    QVERIFY(panel.setCurrentServer(QStringLiteral("s")));
    panel.setFunction(QStringLiteral("s.echo"));
    panel.setPayload("p");
    panel.setCount(30);
    panel.setTimeout(kTimeoutMs);
    QSignalSpy finished(&panel, &ClientPanel::jobFinished);
    QSignalSpy failed(&panel, &ClientPanel::jobFailed);
    QVERIFY2(panel.startJob(), qPrintable(panel.lastError()));
    QVERIFY(finished.wait(kTimeoutMs * 2));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(finished.first().at(0).toInt(), 30);
    QCOMPARE(finished.first().at(1).toInt(), 30);
}

QTEST_MAIN(TestChildKeys)
#include "tst_childkeys.moc"
