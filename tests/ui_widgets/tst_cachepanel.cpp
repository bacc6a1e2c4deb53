// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// CachePanel on a real in-process server: list, show (text/hex), set, delete, checked with a
// separate client.
#include "cachepanel.h"

#include "client.h"
#include "dispatcher.h"
#include "handlewait.h"
#include "localserver.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <QElapsedTimer>

#include <chrono>
#include <memory>
#include <thread>

using namespace qpalm;

namespace {
ServerConfig serverConfig(const QString &name)
{
    ServerConfig config;
    config.kind = ServerKind::Server;
    config.name = name;
    config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pullAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.logLevel = LogLevel::Warning;
    return config;
}
} // namespace

class TestCachePanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void hexHelpers();
    void listsPresetKeys();
    void setAndDelete();
    void setWithoutKeyGetsUuid();
    void hexValueThroughTheForm();
    void showsExternalChanges();
    void badInputIsReported();
    void closingWhileAServerIsBusyReturnsPromptly();

private:
    // A separate client, as a peer would see the cache.
    std::optional<std::string> peerGet(const std::string &key);
    std::unique_ptr<LocalServer> m_server;
    std::unique_ptr<LocalServer> m_idle;
    std::unique_ptr<Client> m_peer;
    std::unique_ptr<CachePanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestCachePanel::initTestCase()
{
    m_server = std::make_unique<LocalServer>(serverConfig(QStringLiteral("srv")));
    QVERIFY2(qpalm::startAndWait(m_server.get(), 15000), qPrintable(m_server->errorString()));
    m_idle = std::make_unique<LocalServer>(serverConfig(QStringLiteral("idle")));
    Client::Options options;
    options.serverName = "srv";
    options.dbAddress = m_server->address(QStringLiteral("db_address")).toStdString();
    options.timeoutMs = 5000;
    m_peer = std::make_unique<Client>(options);
}

void TestCachePanel::cleanupTestCase()
{
    m_peer.reset();
    m_server->stop();
}

void TestCachePanel::init()
{
    m_panel = std::make_unique<CachePanel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_panel->keyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy refreshed(m_panel.get(), &CachePanel::keysRefreshed);
    m_panel->setServers({m_server.get(), m_idle.get()});
    QCOMPARE(m_panel->currentServer(), m_server.get());
    QVERIFY(refreshed.wait(5000)); // a running server is listed at once
}

void TestCachePanel::cleanup()
{
    m_tester.reset();
    m_panel.reset();
}

std::optional<std::string> TestCachePanel::peerGet(const std::string &key)
{
    return m_peer->get(key);
}

void TestCachePanel::hexHelpers()
{
    QByteArray bytes;
    QVERIFY(parseHex(QStringLiteral("00 ff\n10AB"), &bytes));
    QCOMPARE(bytes, QByteArray("\x00\xff\x10\xab", 4));
    QCOMPARE(formatHex(bytes), QStringLiteral("00 ff 10 ab"));
    QCOMPARE(formatHex(QByteArray(17, 'a')).count(QLatin1Char('\n')), 1);
    QString error;
    QVERIFY(!parseHex(QStringLiteral("0g"), &bytes, &error));
    QVERIFY2(error.contains(QLatin1String("'g'")), qPrintable(error));
    QVERIFY(!parseHex(QStringLiteral("abc"), &bytes, &error));
    QVERIFY2(error.contains(QLatin1String("Odd")), qPrintable(error));
    QCOMPARE(displayBytes("plain"), QStringLiteral("plain"));
    QCOMPARE(displayBytes(QByteArray("a\xff", 2)), QStringLiteral("a\\xff"));
    QCOMPARE(displayBytes("abcdef", 3), QStringLiteral("abc") + QChar(0x2026));
}

void TestCachePanel::listsPresetKeys()
{
    const auto &keys = m_panel->keyModel()->keys();
    for (const char *key : {"name", "pull_address", "pub_address"})
        QVERIFY2(keys.contains(QByteArray(key)), key);
    QVERIFY(std::is_sorted(keys.begin(), keys.end()));
    const int row = m_panel->keyModel()->rowOf("name");
    QCOMPARE(m_panel->keyModel()->data(m_panel->keyModel()->index(row)).toString(),
             QStringLiteral("name"));

    // Clicking a key shows its value.
    QSignalSpy shown(m_panel.get(), &CachePanel::valueShown);
    auto *view = m_panel->findChild<QListView *>(QStringLiteral("keys"));
    QVERIFY(view);
    view->setCurrentIndex(view->model()->index(row, 0));
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.first().at(0).toByteArray(), QByteArray("name"));
    QCOMPARE(shown.first().at(1).toByteArray(), QByteArray("srv"));
    QCOMPARE(m_panel->findChild<QPlainTextEdit *>(QStringLiteral("value"))->toPlainText(),
             QStringLiteral("srv"));
    QCOMPARE(m_panel->findChild<QLineEdit *>(QStringLiteral("key"))->text(),
             QStringLiteral("name"));
}

void TestCachePanel::setAndDelete()
{
    QSignalSpy stored(m_panel.get(), &CachePanel::valueStored);
    QSignalSpy removed(m_panel.get(), &CachePanel::keyRemoved);
    QSignalSpy refreshed(m_panel.get(), &CachePanel::keysRefreshed);
    QSignalSpy failed(m_panel.get(), &CachePanel::operationFailed);

    m_panel->setValue("greeting", "hello world");
    QVERIFY(stored.wait(5000));
    QCOMPARE(stored.first().first().toByteArray(), QByteArray("greeting"));
    QVERIFY(refreshed.wait(5000));
    QVERIFY(m_panel->keyModel()->rowOf("greeting") >= 0);
    QCOMPARE(peerGet("greeting"), std::optional<std::string>("hello world"));

    m_panel->removeKey("greeting");
    QVERIFY(removed.wait(5000));
    QVERIFY(refreshed.wait(5000));
    QCOMPARE(m_panel->keyModel()->rowOf("greeting"), -1);
    QCOMPARE(peerGet("greeting"), std::optional<std::string>(""));
    QCOMPARE(m_panel->pendingRequests(), 0);
    QVERIFY(failed.isEmpty());
}

void TestCachePanel::setWithoutKeyGetsUuid()
{
    QSignalSpy stored(m_panel.get(), &CachePanel::valueStored);
    m_panel->setValue({}, "anonymous");
    QVERIFY(stored.wait(5000));
    const QByteArray key = stored.first().first().toByteArray();
    QCOMPARE(key.size(), 36);
    QCOMPARE(peerGet(key.toStdString()), std::optional<std::string>("anonymous"));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->keyModel()->rowOf(key) >= 0, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->editedKey(), key, 5000);
    m_peer->remove(key.toStdString());
}

void TestCachePanel::hexValueThroughTheForm()
{
    auto *keyEdit = m_panel->findChild<QLineEdit *>(QStringLiteral("key"));
    auto *valueEdit = m_panel->findChild<QPlainTextEdit *>(QStringLiteral("value"));
    auto *setButton = m_panel->findChild<QPushButton *>(QStringLiteral("setButton"));
    auto *deleteButton = m_panel->findChild<QPushButton *>(QStringLiteral("deleteButton"));
    QVERIFY(keyEdit && valueEdit && setButton && deleteButton);

    m_panel->setHexMode(true);
    QVERIFY(m_panel->hexMode());
    QTest::keyClicks(keyEdit, QStringLiteral("blob"));
    valueEdit->setPlainText(QStringLiteral("00 ff 10 41"));
    QSignalSpy stored(m_panel.get(), &CachePanel::valueStored);
    QSignalSpy shown(m_panel.get(), &CachePanel::valueShown);
    setButton->click();
    QVERIFY(stored.wait(5000));
    const std::string expected("\x00\xff\x10\x41", 4);
    QCOMPARE(peerGet("blob"), std::optional<std::string>(expected));
    // After the refresh the stored value is fetched back and shown as hex.
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.last().at(1).toByteArray(), QByteArray::fromStdString(expected));
    QCOMPARE(valueEdit->toPlainText(), QStringLiteral("00 ff 10 41"));

    // Text mode cannot show these bytes faithfully, but switching back keeps them.
    m_panel->setHexMode(false);
    QByteArray value;
    QVERIFY(m_panel->editedValue(&value));
    QCOMPARE(value, QByteArray::fromStdString(expected));
    m_panel->setHexMode(true);
    QCOMPARE(valueEdit->toPlainText(), QStringLiteral("00 ff 10 41"));

    QSignalSpy removed(m_panel.get(), &CachePanel::keyRemoved);
    m_panel->setDeleteConfirmation(
        [](const QString &, bool) { return true; }); // the question, answered
    deleteButton->click();
    QVERIFY(removed.wait(5000));
    QCOMPARE(removed.first().first().toByteArray(), QByteArray("blob"));
    QCOMPARE(peerGet("blob"), std::optional<std::string>(""));
    QCOMPARE(keyEdit->text(), QString());
}

void TestCachePanel::showsExternalChanges()
{
    QCOMPARE(m_peer->set("from peer", "external"), std::optional<std::string>("external"));
    QSignalSpy refreshed(m_panel.get(), &CachePanel::keysRefreshed);
    m_panel->findChild<QPushButton *>(QStringLiteral("refreshButton"))->click();
    QVERIFY(refreshed.wait(5000));
    QVERIFY(m_panel->keyModel()->rowOf("external") >= 0);
    QSignalSpy shown(m_panel.get(), &CachePanel::valueShown);
    m_panel->showKey("external");
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.first().at(1).toByteArray(), QByteArray("from peer"));
    m_peer->remove("external");
}

void TestCachePanel::badInputIsReported()
{
    QSignalSpy failed(m_panel.get(), &CachePanel::operationFailed);
    // Malformed hex never reaches the server.
    m_panel->setHexMode(true);
    m_panel->findChild<QLineEdit *>(QStringLiteral("key"))->setText(QStringLiteral("k"));
    m_panel->findChild<QPlainTextEdit *>(QStringLiteral("value"))
        ->setPlainText(QStringLiteral("zz"));
    m_panel->findChild<QPushButton *>(QStringLiteral("setButton"))->click();
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.last().first().toString().contains(QLatin1String("not valid hex")),
             qPrintable(failed.last().first().toString()));
    QCOMPARE(m_panel->pendingRequests(), 0);

    // A stopped server is named.
    QVERIFY(m_panel->setCurrentServer(QStringLiteral("idle")));
    QCOMPARE(m_panel->keyModel()->rowCount(), 0);
    m_panel->refresh();
    QCOMPARE(failed.size(), 2);
    QVERIFY2(failed.last().first().toString().contains(QLatin1String("'idle' is not running")),
             qPrintable(failed.last().first().toString()));
}

void TestCachePanel::closingWhileAServerIsBusyReturnsPromptly()
{
    // A server whose handler naps 3 s does not answer its cache meanwhile.
    auto handlers = std::make_shared<NativeHandlers>();
    handlers->add("nap", [](ServerContext &, const std::string &payload) {
        std::this_thread::sleep_for(std::chrono::seconds(3));
        return std::optional<std::string>(payload);
    });
    NativeHandlers::registerSet(QStringLiteral("cachepanel-nap"), std::move(handlers));
    ServerConfig config = serverConfig(QStringLiteral("napper"));
    config.nativeHandlers = QStringLiteral("cachepanel-nap");
    LocalServer napper(config);
    QVERIFY2(qpalm::startAndWait(&napper, 15000), qPrintable(napper.errorString()));
    const std::string db = napper.address(QStringLiteral("db_address")).toStdString();
    std::thread caller([db] {
        Client client({"napper", db});
        if (client.connect())
            (void)client.eval("napper.nap", "x");
    });
    // Proof that it is busy: its cache stops answering.
    bool busy = false;
    QElapsedTimer waiting;
    waiting.start();
    while (!busy && waiting.elapsed() < 2500) {
        Client probe({"napper", db, {}, {}, {}, 200});
        busy = !probe.get("name");
    }
    QVERIFY2(busy, "the napping server kept answering its cache");

    auto panel = std::make_unique<CachePanel>();
    panel->setServers({&napper});
    QVERIFY(panel->setCurrentServer(QStringLiteral("napper"))); // lists its keys: no answer yet
    QTest::qWait(100);
    QElapsedTimer timer;
    timer.start();
    panel.reset(); // what closing the window does
    const qint64 took = timer.elapsed();
    caller.join();
    napper.stop();
    QVERIFY2(took < 1000, qPrintable(QStringLiteral("closing took %1 ms").arg(took)));
}

QTEST_MAIN(TestCachePanel)
#include "tst_cachepanel.moc"
