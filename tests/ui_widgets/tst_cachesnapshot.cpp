// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Cache snapshot and restore through the cache panel, on two real in-process masters: binary
// values come back exactly, into the same master or another one, and bad files change nothing.
#include "cachepanel.h"
#include "cachesnapshot.h"

#include "client.h"
#include "handlewait.h"
#include "localserver.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace qpalm;

namespace {
ServerConfig masterConfig(const QString &name)
{
    ServerConfig config;
    config.kind = ServerKind::Master;
    config.name = name;
    for (QString *address : {&config.dbAddress, &config.pullAddress, &config.pubAddress,
                             &config.workerPullAddress, &config.workerPushAddress})
        *address = QStringLiteral("tcp://127.0.0.1:*");
    config.logLevel = LogLevel::Warning;
    return config;
}

using CacheMap = std::map<std::string, std::string>;

std::unique_ptr<Client> clientOf(const LocalServer &server)
{
    Client::Options options;
    options.serverName = server.name().toStdString();
    options.dbAddress = server.address(QStringLiteral("db_address")).toStdString();
    options.timeoutMs = 5000;
    return std::make_unique<Client>(options);
}

// Every key and value, as a peer sees them.
CacheMap contents(Client &client)
{
    CacheMap out;
    const auto keys = client.keys();
    if (!keys)
        return out;
    for (const std::string &key : *keys)
        out[key] = client.get(key).value_or("<get failed>");
    return out;
}

const std::string kBinary = [] {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(char(i));
    return bytes;
}();
// Keys travel in a protobuf string field (UTF-8 text); values may be any bytes.
const std::string kBinaryKey = "cl\xc3\xa9 \xe9\x8d\xb5 key";
} // namespace

class TestCacheSnapshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_a = std::make_unique<LocalServer>(masterConfig(QStringLiteral("alpha")));
        m_b = std::make_unique<LocalServer>(masterConfig(QStringLiteral("beta")));
        QVERIFY2(startAndWait(m_a.get(), 15000), qPrintable(m_a->errorString()));
        QVERIFY2(startAndWait(m_b.get(), 15000), qPrintable(m_b->errorString()));
        m_peerA = clientOf(*m_a);
        m_peerB = clientOf(*m_b);
        m_panel = std::make_unique<CachePanel>();
        m_panel->setServers({m_a.get(), m_b.get()});
    }

    void cleanupTestCase()
    {
        m_panel.reset();
        m_peerA.reset();
        m_peerB.reset();
        m_a->stop();
        m_b->stop();
    }

    void snapshotChangeRestore()
    {
        QVERIFY(m_peerA->set("plain text", "greeting"));
        QVERIFY(m_peerA->set(kBinary, "blob"));
        QVERIFY(m_peerA->set("binary key", kBinaryKey));
        QVERIFY(m_peerA->set("", "empty"));
        const CacheMap before = contents(*m_peerA);
        QStringList listed;
        for (const auto &[key, value] : before)
            listed << QString::fromLatin1(QByteArray::fromStdString(key).toHex());
        QVERIFY2(before.count("blob") && before.count(kBinaryKey), qPrintable(listed.join(u' ')));
        QCOMPARE(before.at("blob"), kBinary);
        QCOMPARE(before.at(kBinaryKey), std::string("binary key"));

        QVERIFY(m_panel->setCurrentServer(QStringLiteral("alpha")));
        const QString path = m_dir.filePath(QStringLiteral("alpha.json"));
        QSignalSpy saved(m_panel.get(), &CachePanel::snapshotSaved);
        QSignalSpy failed(m_panel.get(), &CachePanel::operationFailed);
        m_panel->saveSnapshot(path);
        QVERIFY2(saved.wait(5000), qPrintable(m_panel->lastError()));
        QCOMPARE(saved.first().at(1).toInt(), int(before.size()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(root.value(QLatin1String("format")).toString(), u"qpalm-cache-snapshot"_qs);
        QCOMPARE(root.value(QLatin1String("server")).toString(), u"alpha"_qs);

        // Change, delete and add, then restore: exactly the snapshot again.
        QVERIFY(m_peerA->set("changed", "greeting"));
        QVERIFY(m_peerA->remove("blob"));
        QVERIFY(m_peerA->remove(kBinaryKey));
        QVERIFY(m_peerA->set("new", "added later"));
        QVERIFY(contents(*m_peerA) != before);
        QSignalSpy restored(m_panel.get(), &CachePanel::snapshotRestored);
        m_panel->restoreSnapshot(path);
        QVERIFY2(restored.wait(5000), qPrintable(m_panel->lastError()));
        QCOMPARE(restored.first().at(2).toInt(), 1); // "added later" deleted
        QVERIFY(contents(*m_peerA) == before);

        // Into another master: the keys arrive, its own name and addresses stay its own.
        const CacheMap betaBefore = contents(*m_peerB);
        QVERIFY(m_panel->setCurrentServer(QStringLiteral("beta")));
        restored.clear();
        m_panel->restoreSnapshot(path);
        QVERIFY2(restored.wait(5000), qPrintable(m_panel->lastError()));
        const CacheMap beta = contents(*m_peerB);
        for (const char *key : {"name", "db_address", "pull_address", "worker_pull_address"})
            QVERIFY2(beta.count(key) && betaBefore.count(key), key);
        for (const std::string &key : {std::string("blob"), std::string("greeting"), kBinaryKey})
            QVERIFY2(beta.count(key), key.c_str());
        QCOMPARE(beta.at("blob"), kBinary);
        QCOMPARE(beta.at(kBinaryKey), std::string("binary key"));
        QCOMPARE(beta.at("greeting"), std::string("plain text"));
        QCOMPARE(beta.at("name"), std::string("beta"));
        for (const char *key : {"db_address", "pull_address", "worker_pull_address"})
            QCOMPARE(beta.at(key), betaBefore.at(key));
        QVERIFY(failed.isEmpty());
    }

    void badFilesChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"format\": ") << u"not JSON"_qs;
        QTest::newRow("other format") << QByteArray(R"({"servers": []})") << u"format"_qs;
        QTest::newRow("bad base64")
            << QByteArray(R"({"format": "qpalm-cache-snapshot", "version": 1, "entries": [
                   {"key": "Z3JlZXRpbmc=", "value": "b3ZlcndyaXR0ZW4="},
                   {"key": "YmxvYg==", "value": "!!not base64!!"}]})")
            << u"entry 2: \"value\" is not base64"_qs;
        QTest::newRow("duplicate key")
            << QByteArray(R"({"format": "qpalm-cache-snapshot", "version": 1, "entries": [
                   {"key": "Z3JlZXRpbmc=", "value": "eA=="}, {"key": "Z3JlZXRpbmc=", "value": "eQ=="}]})")
            << u"appears twice"_qs;
        QTest::newRow("newer version")
            << QByteArray(R"({"format": "qpalm-cache-snapshot", "version": 2, "entries": []})")
            << u"version 2"_qs;
        QTest::newRow("missing file") << QByteArray() << u"cannot read"_qs;
    }

    void badFilesChangeNothing()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QVERIFY(m_panel->setCurrentServer(QStringLiteral("alpha")));
        const QString path = m_dir.filePath(QStringLiteral("bad-%1.json")
                                                .arg(QString::fromLatin1(QTest::currentDataTag()))
                                                .replace(u' ', u'-'));
        if (!content.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        const CacheMap before = contents(*m_peerA);
        QSignalSpy failed(m_panel.get(), &CachePanel::operationFailed);
        QSignalSpy restored(m_panel.get(), &CachePanel::snapshotRestored);
        m_panel->restoreSnapshot(path);
        QVERIFY(failed.wait(5000));
        const QString error = failed.first().first().toString();
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("Nothing restored")), qPrintable(error));
        QVERIFY(restored.isEmpty());
        QVERIFY(contents(*m_peerA) == before);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<LocalServer> m_a;
    std::unique_ptr<LocalServer> m_b;
    std::unique_ptr<Client> m_peerA;
    std::unique_ptr<Client> m_peerB;
    std::unique_ptr<CachePanel> m_panel;
};

QTEST_MAIN(TestCacheSnapshot)
#include "tst_cachesnapshot.moc"
