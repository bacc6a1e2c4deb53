// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow driven through its own actions and panels on a real in-process cluster; checks on the
// engine side.
#include "mainwindow.h"
#include "preferencesdialog.h"

#include "appsettings.h"
#include "cluster.h"
#include "clusterfile.h"
#include "clustermodel.h"
#include "clusterpanel.h"
#include "clustertreemodel.h"
#include "handlewait.h"
#include "logviewer.h"
#include "serverhandle.h"
#include "topologyview.h"
#include "uitestutil.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QMenu>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {

QAction *findAction(QMenu *menu, const QString &text)
{
    const QList<QAction *> actions = menu->actions();
    for (QAction *a : actions) {
        if (a->text() == text)
            return a;
        if (a->menu())
            if (QAction *inner = findAction(a->menu(), text))
                return inner;
    }
    return nullptr;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void shortcuts();
    void startStopThroughActions();
    void replicasWhileRunning();
    void logLevelFromPanel();
    void failedServerShowsReason();
    void openSaveRoundTrip();
    void badFileStartsNothing();
    void editAndRemoveEntries();
    void replicaMembershipIsExplicit();
    void topologyClickFiltersLog();
    void layoutAndRecentFilesRemembered();
    void preferencesApply();

private:
    // The window with a master m (wildcard ports) running and worker w (replicas) attached to it.
    void buildMasterWithWorkers(int replicas);
    // Sends count messages to m.echo and returns the replies (empty on a timeout).
    std::vector<std::string> sendJob(int count, int timeoutMs = 5000);
    // True once a job of count messages comes back whole: ZeroMQ's PUSH keeps sending to a worker
    // that just left until it notices the disconnect, and pylm-style workers lose what was on its
    // way (engine limitation).
    bool servesAfterRemoval(int count) { return sendJob(count, 1000).size() == size_t(count); }
    ServerHandle *server(const QString &name) const { return m_window->cluster()->server(name); }
    void trigger(const char *action);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
    m_settings->setStartOnOpen(false);
    m_window = std::make_unique<MainWindow>(m_settings.get());
    m_window->setInteractive(false);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestMainWindow::trigger(const char *name)
{
    QAction *a = m_window->action(QLatin1String(name));
    QVERIFY2(a, name);
    QTRY_VERIFY2(a->isEnabled(), name);
    a->trigger();
}

void TestMainWindow::buildMasterWithWorkers(int replicas)
{
    QVERIFY(m_window->addServerEntry(uitest::master(QStringLiteral("m"))));
    trigger("actionStartAll");
    QTRY_COMPARE(server(u"m"_s)->state(), ServerHandle::State::Running);
    const QString db = server(u"m"_s)->address(u"db_address"_s);
    QVERIFY(m_window->addServerEntry(uitest::worker(QStringLiteral("w"), db, replicas)));
    QVERIFY(m_window->isModified());
    trigger("actionStartAll");
    for (ServerHandle *s : m_window->cluster()->servers())
        QTRY_VERIFY2(s->state() == ServerHandle::State::Running,
                     qPrintable(s->name() + s->errorString()));
}

std::vector<std::string> TestMainWindow::sendJob(int count, int timeoutMs)
{
    QString error;
    auto client =
        uitest::client(u"m"_s, server(u"m"_s)->address(u"db_address"_s), &error, timeoutMs);
    if (!client) {
        qWarning("client: %s", qPrintable(error));
        return {};
    }
    std::vector<std::string> payloads;
    for (int i = 0; i < count; ++i)
        payloads.push_back("p" + std::to_string(i));
    auto replies = client->job("m.echo", payloads);
    if (!replies) {
        qWarning("job: %s", client->lastError().c_str());
        return {};
    }
    return *replies;
}

void TestMainWindow::shortcuts()
{
    const QList<std::pair<const char *, QKeySequence>> expected{
        {"actionOpen", QKeySequence(u"Ctrl+O"_s)},
        {"actionSave", QKeySequence(u"Ctrl+S"_s)},
        {"actionSaveAs", QKeySequence(u"Ctrl+Shift+S"_s)},
        {"actionNewServer", QKeySequence(u"Ctrl+N"_s)},
        {"actionStartAll", QKeySequence(u"F5"_s)},
        {"actionStopAll", QKeySequence(u"Shift+F5"_s)},
        {"actionQuit", QKeySequence(u"Ctrl+Q"_s)},
    };
    for (const auto &[name, keys] : expected) {
        QAction *a = m_window->action(QLatin1String(name));
        QVERIFY2(a, name);
        QCOMPARE(a->shortcut(), keys);
    }
    for (const char *name :
         {"actionEditServer", "actionStartSelected", "actionStopSelected", "actionAddReplica",
          "actionRemoveReplica", "actionPreferences", "actionNewCluster"})
        QVERIFY2(m_window->action(QLatin1String(name)), name);
    QVERIFY(m_window->findChild<QMenu *>(u"recentMenu"_s));
    // Every dock is there, with the real widgets.
    for (const char *dock :
         {"clusterDock", "topologyDock", "logDock", "errorDock", "clientDock", "cacheDock"})
        QVERIFY2(m_window->findChild<QDockWidget *>(QLatin1String(dock)), dock);
    QVERIFY(m_window->logViewer() && m_window->errorInbox() && m_window->clientPanel() &&
            m_window->cachePanel() && m_window->scriptEditor());
}

void TestMainWindow::startStopThroughActions()
{
    buildMasterWithWorkers(2);
    QTRY_COMPARE(m_window->cluster()->servers().size(), 3);
    const auto replies = sendJob(20);
    QCOMPARE(replies.size(), size_t(20));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(u"Servers: 3/3 running"_s), 3000);
    QTRY_VERIFY(!m_window->action(u"actionStartAll"_s)->isEnabled());

    // Stop one selected server, then start it again.
    m_window->clusterPanel()->selectServer(u"w-2"_s);
    trigger("actionStopSelected");
    QTRY_COMPARE(server(u"w-2"_s)->state(), ServerHandle::State::Stopped);
    QTRY_COMPARE(server(u"w-1"_s)->state(), ServerHandle::State::Running);
    QVERIFY(m_window->statusText().contains(u"Servers: 2/3 running"_s));
    QTRY_VERIFY(m_window->action(u"actionStartSelected"_s)->isEnabled());
    QTRY_VERIFY(!m_window->action(u"actionStopSelected"_s)->isEnabled());
    QCOMPARE(sendJob(10).size(), size_t(10)); // w-1 still serves
    trigger("actionStartSelected");
    QTRY_COMPARE(server(u"w-2"_s)->state(), ServerHandle::State::Running);

    trigger("actionStopAll");
    for (ServerHandle *s : m_window->cluster()->servers())
        QTRY_COMPARE(s->state(), ServerHandle::State::Stopped);
    QVERIFY(m_window->statusText().contains(u"Servers: 0/3 running"_s));
    QTRY_VERIFY(!m_window->action(u"actionStopAll"_s)->isEnabled());

    // A worker whose master is down is not started (it would wait for the master's cache in vain).
    m_window->clusterPanel()->selectServer(u"w-1"_s);
    QElapsedTimer clock;
    clock.start();
    trigger("actionStartSelected");
    QVERIFY(clock.elapsed() < 2000);
    QTRY_COMPARE(server(u"w-1"_s)->state(), ServerHandle::State::Stopped);
    QVERIFY2(m_window->lastError().contains(u"w-1: not started, its master m is not running"_s),
             qPrintable(m_window->lastError()));
    // (Restarting m would bind new wildcard ports, which these workers' configs do not know.)
}

void TestMainWindow::replicasWhileRunning()
{
    buildMasterWithWorkers(2);
    m_window->clusterPanel()->selectServer(u"m"_s);
    QTRY_VERIFY(!m_window->action(u"actionAddReplica"_s)->isEnabled()); // not a worker

    m_window->clusterPanel()->selectServer(u"w-1"_s);
    trigger("actionAddReplica");
    QTRY_COMPARE(m_window->cluster()->replicas(u"w"_s).size(), 3);
    ServerHandle *added = server(u"w-3"_s);
    QVERIFY(added);
    QTRY_COMPARE(added->state(), ServerHandle::State::Running);
    QCOMPARE(m_window->clusterConfigs().at(1).replicas, 3); // the document follows

    // The new replica takes work: replies name the worker that made them.
    QSet<QString> workers;
    const auto replies = sendJob(90);
    QCOMPARE(replies.size(), size_t(90));
    for (const std::string &reply : replies)
        workers.insert(QString::fromStdString(reply.substr(0, reply.find(':'))));
    QVERIFY2(workers.contains(u"w-3"_s), qPrintable(QStringList(workers.values()).join(u',')));

    m_window->clusterPanel()->selectServer(u"w-1"_s);
    trigger("actionRemoveReplica");
    QTRY_COMPARE(m_window->cluster()->replicas(u"w"_s).size(), 2);
    QVERIFY(!server(u"w-3"_s));
    QCOMPARE(m_window->clusterConfigs().at(1).replicas, 2);
    QCOMPARE(m_window->clusterPanel()->model()->rowOf(u"w-3"_s), -1);
    QTRY_VERIFY_WITH_TIMEOUT(servesAfterRemoval(20), 15000);

    trigger("actionRemoveReplica");
    QTRY_COMPARE(m_window->cluster()->replicas(u"w"_s).size(), 1);
    // The last replica stays: removing it is removing the server.
    m_window->clusterPanel()->selectServer(u"w-1"_s);
    QTRY_VERIFY(!m_window->action(u"actionRemoveReplica"_s)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(servesAfterRemoval(5), 15000);
}

void TestMainWindow::logLevelFromPanel()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"s"_s)));
    trigger("actionStartAll");
    ServerHandle *s = server(u"s"_s);
    QVERIFY(waitForState(s, ServerHandle::State::Running, 10000));
    QCOMPARE(s->logLevel(), LogLevel::Info);
    ClusterPanel *panel = m_window->clusterPanel();
    panel->selectServer(u"s"_s);

    // The context menu's level submenu.
    std::unique_ptr<QMenu> menu(panel->createContextMenu(nullptr));
    QAction *debug = findAction(menu.get(), u"DEBUG"_s);
    QVERIFY(debug);
    debug->trigger();
    QCOMPARE(s->logLevel(), LogLevel::Debug);

    // Records at DEBUG now come from the server thread.
    QStringList texts;
    connect(s, &ServerHandle::recordsLogged, this, [&texts](const LogBatch &batch) {
        for (const LogRecord &r : batch)
            texts.append(r.text);
    });
    QString error;
    auto client = uitest::client(u"s"_s, s->address(u"db_address"_s), &error);
    QVERIFY2(client, qPrintable(error));
    QVERIFY(client->eval("s.chatty", "hello", 1));
    QTRY_VERIFY_WITH_TIMEOUT(texts.contains(u"chatty got hello"_s), 5000);

    // The temporary entries name their duration and restore the level after it.
    menu.reset(panel->createContextMenu(nullptr));
    QVERIFY(findAction(menu.get(), u"DEBUG for 1 min"_s));
    QVERIFY(findAction(menu.get(), u"DEBUG for 1 hour"_s));
    findAction(menu.get(), u"ERROR"_s)->trigger();
    QCOMPARE(s->logLevel(), LogLevel::Error);
    QVERIFY(panel->setLogLevel(u"s"_s, LogLevel::Debug, 300));
    QCOMPARE(s->logLevel(), LogLevel::Debug);
    menu.reset(panel->createContextMenu(nullptr));
    QTRY_VERIFY(findAction(menu.get(), u"Keep Current Level"_s)->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(s->logLevel(), LogLevel::Error, 3000);

    // The level column's combo box.
    const QModelIndex levelIndex =
        panel->treeModel()->indexOfServer(u"s"_s, ClusterModel::LogLevelColumn);
    panel->view()->setCurrentIndex(levelIndex);
    panel->view()->edit(levelIndex);
    auto *combo = panel->view()->viewport()->findChild<QComboBox *>();
    QVERIFY(combo);
    QCOMPARE(combo->currentData().toInt(), int(LogLevel::Error));
    combo->setCurrentIndex(combo->findData(int(LogLevel::Warning)));
    Q_EMIT combo->activated(combo->currentIndex());
    QCOMPARE(s->logLevel(), LogLevel::Warning);
    QVERIFY(!m_window->isModified() || m_window->clusterConfigs().at(0).logLevel == LogLevel::Info);
}

void TestMainWindow::failedServerShowsReason()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"a"_s)));
    trigger("actionStartAll");
    QVERIFY(waitForState(server(u"a"_s), ServerHandle::State::Running, 10000));
    ServerConfig clash = uitest::server(u"b"_s);
    clash.pullAddress = server(u"a"_s)->address(u"pull_address"_s);
    // On paper a binds any free port, so only starting b finds the port taken.
    QVERIFY2(m_window->addServerEntry(clash), qPrintable(m_window->lastError()));
    trigger("actionStartAll");

    QTRY_COMPARE(server(u"b"_s)->state(), ServerHandle::State::Failed);
    QTRY_COMPARE(server(u"a"_s)->state(), ServerHandle::State::Running);
    const ClusterModel *model = m_window->clusterPanel()->model();
    const QString state =
        model->index(model->rowOf(u"b"_s), ClusterModel::StateColumn).data().toString();
    QVERIFY2(state.startsWith(u"failed: "_s) && state.size() > 10, qPrintable(state));
    // Reported when the start has finished, which may be after b's state reads Failed.
    QTRY_VERIFY(m_window->lastError().contains(u"b: "_s));
    QTRY_VERIFY(m_window->topologyView()->nodeText(u"b"_s).contains(u"failed"_s));
    QTRY_VERIFY(m_window->statusText().contains(u"Servers: 1/2 running"_s));

    // a keeps serving.
    QString error;
    auto client = uitest::client(u"a"_s, server(u"a"_s)->address(u"db_address"_s), &error);
    QVERIFY2(client, qPrintable(error));
    const auto reply = client->eval("a.echo", "still here", 1);
    QVERIFY(reply);
    QCOMPARE(reply->front(), std::string("a:still here"));
}

void TestMainWindow::openSaveRoundTrip()
{
    const QString path = m_dir->filePath(u"cluster.json"_s);
    writeFile(m_dir->filePath(u"work.lua"_s), "function foo(m) return m end\n");
    writeFile(path, R"({"servers": [
        {"kind": "master", "name": "boss", "db_address": "tcp://127.0.0.1:47000", "pull_address": "tcp://127.0.0.1:47001",
         "pub_address": "tcp://127.0.0.1:47002", "worker_pull_address": "tcp://127.0.0.1:47003",
         "worker_push_address": "tcp://127.0.0.1:47004", "pipelined": true, "log_level": "WARNING",
         "delivery": {"heartbeat_ms": 250, "heartbeat_missed": 5}},
        {"kind": "worker", "name": "hand", "db_address": "tcp://127.0.0.1:47000", "script": "work.lua", "replicas": 3,
         "delivery": {"credit": 7}},
        {"kind": "pipeline", "name": "tail", "db_address": "tcp://127.0.0.1:47010", "sub_address": "tcp://127.0.0.1:47002",
         "pub_address": "tcp://127.0.0.1:47011", "previous": "boss", "to_client": false}
    ], "control": {"address": "ipc:///tmp/qpalm-roundtrip.ctl"}})");
    QSignalSpy loaded(m_window.get(), &MainWindow::clusterLoaded);
    QVERIFY2(m_window->openClusterFile(path, false), qPrintable(m_window->lastError()));
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(m_window->filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(!m_window->isModified());
    QVERIFY(m_window->windowTitle().startsWith(u"cluster.json"_s));
    QTRY_COMPARE(m_window->cluster()->servers().size(), 5);
    for (ServerHandle *s : m_window->cluster()->servers())
        QTRY_COMPARE(s->state(), ServerHandle::State::Stopped); // start on open is off
    QVERIFY(m_window->topologyView()->edges().contains(
        TopologyView::Edge{u"boss"_s, u"hand-2"_s, TopologyView::EdgeKind::Task}));
    QVERIFY(m_window->topologyView()->edges().contains(
        TopologyView::Edge{u"boss"_s, u"tail"_s, TopologyView::EdgeKind::Stream, u"boss"_s}));

    const QString copy = m_dir->filePath(u"copy.json"_s);
    QVERIFY2(m_window->saveClusterFileAs(copy), qPrintable(m_window->lastError()));
    QCOMPARE(m_window->filePath(), QFileInfo(copy).absoluteFilePath());
    ClusterError error;
    const auto original = loadClusterFile(path, &error);
    QVERIFY(original);
    const auto saved = loadClusterFile(copy, &error);
    QVERIFY2(saved, qPrintable(error.toString()));
    QCOMPARE(saved->size(), original->size());
    for (int i = 0; i < saved->size(); ++i) {
        const ServerConfig &a = original->at(i);
        const ServerConfig &b = saved->at(i);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.namedAddresses(), a.namedAddresses());
        QCOMPARE(b.previous, a.previous);
        QCOMPARE(b.pipelined, a.pipelined);
        QCOMPARE(b.toClient, a.toClient);
        QCOMPARE(b.logLevel, a.logLevel);
        QCOMPARE(b.scriptPath, a.scriptPath);
        QCOMPARE(b.replicas, a.replicas);
        QCOMPARE(b.delivery, a.delivery);
    }
    QCOMPARE(original->at(0).delivery.heartbeatMs, 250);
    QCOMPARE(original->at(1).delivery.credit, 7);
    // The top-level control section is kept.
    QFile savedFile(copy);
    QVERIFY(savedFile.open(QIODevice::ReadOnly));
    const auto control = parseClusterControl(savedFile.readAll(), m_dir->path(), &error);
    QVERIFY2(control, qPrintable(error.toString()));
    QCOMPARE(control->address, u"ipc:///tmp/qpalm-roundtrip.ctl"_s);
    QVERIFY(m_settings->recentFiles().contains(QFileInfo(copy).absoluteFilePath()));
    QVERIFY(m_settings->recentFiles().contains(QFileInfo(path).absoluteFilePath()));
}

void TestMainWindow::badFileStartsNothing()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"keep"_s)));
    const QString path = m_dir->filePath(u"bad.json"_s);
    writeFile(path, R"({"servers": [
        {"kind": "server", "name": "ok", "db_address": "tcp://127.0.0.1:47100", "pull_address": "tcp://127.0.0.1:47101",
         "pub_address": "tcp://127.0.0.1:47102"},
        {"kind": "worker", "name": "broken", "db_address": "tcp:/oops"}
    ]})");
    QVERIFY(!m_window->openClusterFile(path, true));
    QVERIFY2(m_window->lastError().contains(u"broken"_s) &&
                 m_window->lastError().contains(u"db_address"_s),
             qPrintable(m_window->lastError()));
    // The previous document stays, nothing from the bad file exists or runs.
    QTRY_COMPARE(m_window->cluster()->servers().size(), 1);
    QVERIFY(server(u"keep"_s));
    QVERIFY(!server(u"ok"_s));
    QTRY_COMPARE(server(u"keep"_s)->state(), ServerHandle::State::Stopped);

    QVERIFY(!m_window->openClusterFile(m_dir->filePath(u"missing.json"_s), true));
    QVERIFY(m_window->lastError().contains(u"missing.json"_s));
}

void TestMainWindow::editAndRemoveEntries()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"s"_s)));
    trigger("actionStartAll");
    ServerConfig changed = m_window->clusterConfigs().at(0);
    changed.name = u"renamed"_s;
    changed.logLevel = LogLevel::Error;
    QVERIFY(m_window->replaceServerEntry(u"s"_s, changed));
    QVERIFY(!server(u"s"_s));
    QVERIFY(server(u"renamed"_s));
    QTRY_COMPARE(server(u"renamed"_s)->state(),
                 ServerHandle::State::Running); // restarted as it ran
    QCOMPARE(server(u"renamed"_s)->logLevel(), LogLevel::Error);
    QCOMPARE(m_window->clusterConfigs().at(0).name, u"renamed"_s);

    m_window->clusterPanel()->selectServer(u"renamed"_s);
    trigger("actionRemoveServer");
    QVERIFY(m_window->cluster()->servers().isEmpty());
    QVERIFY(m_window->clusterConfigs().isEmpty());
    QVERIFY(m_window->isModified());
}

void TestMainWindow::replicaMembershipIsExplicit()
{
    // Entry w (2 replicas), then a separate worker entry named w-3: refused with the reason,
    // the document unchanged; replicas belong to their entry, never guessed from names.
    QVERIFY(m_window->addServerEntry(uitest::master(u"m"_s)));
    QVERIFY2(m_window->addServerEntry(uitest::worker(u"w"_s, uitest::kAnyPort, 2)),
             qPrintable(m_window->lastError()));
    QVERIFY(!m_window->addServerEntry(uitest::worker(u"w-3"_s, uitest::kAnyPort, 1)));
    QVERIFY2(m_window->lastError().contains(u"w-3"_s), qPrintable(m_window->lastError()));
    QCOMPARE(m_window->clusterConfigs().size(), 2);
    QVERIFY(!server(u"w-3"_s));
    ClusterPanel *panel = m_window->clusterPanel();
    QCOMPARE(panel->replicaBase(u"w-2"_s), u"w"_s);
    QCOMPARE(panel->replicaBase(u"m"_s), QString());
    QVERIFY(panel->addReplicaOf(u"w-1"_s));
    QVERIFY(server(u"w-3"_s));
    QCOMPARE(m_window->clusterConfigs().at(1).replicas, 3);
    QVERIFY(panel->removeReplicaOf(u"w-3"_s));
    QVERIFY(!server(u"w-3"_s));
    QCOMPARE(m_window->clusterConfigs().at(1).replicas, 2);
    // Removing the entry through one of its replicas removes them all.
    QVERIFY(m_window->removeServerEntry(u"w-2"_s));
    QVERIFY(!server(u"w-1"_s));
    QCOMPARE(m_window->cluster()->servers().size(), 1);
    QCOMPARE(m_window->clusterConfigs().size(), 1);
}

void TestMainWindow::topologyClickFiltersLog()
{
    buildMasterWithWorkers(1);
    TopologyView *view = m_window->topologyView();
    QVERIFY(
        view->edges().contains(TopologyView::Edge{u"m"_s, u"w"_s, TopologyView::EdgeKind::Task}));
    auto *dock = m_window->findChild<QDockWidget *>(u"topologyDock"_s);
    dock->raise();
    QTRY_VERIFY(view->isVisible());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->nodeViewPosition(u"w"_s));
    QCOMPARE(m_window->logViewer()->serverFilter(), QStringList{u"w"_s});
    QCOMPARE(m_window->clusterPanel()->currentServer(), u"w"_s);
    QCOMPARE(view->highlightedServer(), u"w"_s);
    trigger("actionShowAllLogs");
    QVERIFY(m_window->logViewer()->serverFilter().isEmpty());

    // Records reach the log viewer and error inbox through the window's wiring.
    sendJob(3);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(u"In: "_s), 1000);
}

void TestMainWindow::layoutAndRecentFilesRemembered()
{
    const QString path = m_dir->filePath(u"one.json"_s);
    writeFile(path,
              R"({"servers": [{"kind": "server", "name": "solo", "db_address": "tcp://127.0.0.1:*",
        "pull_address": "tcp://127.0.0.1:*", "pub_address": "tcp://127.0.0.1:*"}]})");
    QVERIFY(m_window->openClusterFile(path, true));
    QTRY_COMPARE(server(u"solo"_s)->state(), ServerHandle::State::Running);
    m_window->findChild<QDockWidget *>(u"cacheDock"_s)->hide();
    m_window->resize(734, 577); // fits the offscreen screen (a larger size is fitted to it)
    const QSize size = m_window->size();
    QVERIFY(m_window->close());
    QTRY_COMPARE(server(u"solo"_s)->state(),
                 ServerHandle::State::Stopped); // quitting stops the servers
    QVERIFY(!m_settings->windowState().isEmpty());
    QCOMPARE(m_settings->recentFiles().value(0), QFileInfo(path).absoluteFilePath());

    MainWindow second(m_settings.get());
    second.setInteractive(false);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QVERIFY(!second.findChild<QDockWidget *>(u"cacheDock"_s)->isVisible());
    QVERIFY(second.findChild<QDockWidget *>(u"clientDock"_s)->isVisible());
    QCOMPARE(second.size(), size);
    auto *recent = second.findChild<QMenu *>(u"recentMenu"_s);
    QVERIFY(recent->actions().value(0) &&
            recent->actions().value(0)->text().contains(u"one.json"_s));
    recent->actions().value(0)->trigger(); // reopens (start on open is off)
    QCOMPARE(second.filePath(), QFileInfo(path).absoluteFilePath());
    QTRY_COMPARE(second.cluster()->server(u"solo"_s)->state(), ServerHandle::State::Stopped);
}

void TestMainWindow::preferencesApply()
{
    PreferencesDialog dialog(m_settings.get(), m_window.get());
    auto *start = dialog.findChild<QComboBox *>(u"startPolicy"_s);
    auto *minutes = dialog.findChild<QSpinBox *>(u"temporaryMinutes"_s);
    QVERIFY(start && minutes);
    QCOMPARE(start->currentIndex(), int(AppSettings::StartPolicy::Never));
    start->setCurrentIndex(int(AppSettings::StartPolicy::Always));
    minutes->setValue(7);
    QSignalSpy changed(m_settings.get(), &AppSettings::preferencesChanged);
    dialog.apply();
    QVERIFY(!changed.isEmpty());
    QCOMPARE(m_settings->startOnOpen(), true);
    QCOMPARE(m_settings->temporaryLevelMinutes(), 7);
    auto *capacity = dialog.findChild<QSpinBox *>(u"logCapacity"_s);
    QVERIFY(capacity);
    QCOMPARE(capacity->value(), 1'000'000);
    capacity->setValue(50'000);
    dialog.apply();
    QCOMPARE(m_settings->logCapacity(), 50'000);
    QCOMPARE(m_window->logViewer()->capacity(), 50'000);

    // The panel offers the new duration.
    QVERIFY(m_window->addServerEntry(uitest::server(u"s"_s)));
    m_window->clusterPanel()->selectServer(u"s"_s);
    std::unique_ptr<QMenu> menu(m_window->clusterPanel()->createContextMenu(nullptr));
    QVERIFY(findAction(menu.get(), u"DEBUG for 7 min"_s));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
