// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The tryout's findings (issue 10) on a real MainWindow and real in-process servers: opening
// another cluster, replicas from the dialog, start failures, the layout under load, Help.
#include "freeport.h"
#include "mainwindow.h"

#include "appsettings.h"
#include "cachepanel.h"
#include "clientpanel.h"
#include "cluster.h"
#include "clustermodel.h"
#include "clusterpanel.h"
#include "clustervalidation.h"
#include "errorinbox.h"
#include "handlewait.h"
#include "helpdialogs.h"
#include "logmodel.h"
#include "logviewer.h"
#include "scripteditor.h"
#include "serverdialog.h"
#include "serverhandle.h"
#include "uitestutil.h"
#include "welcomepage.h"

#include <QLineEdit>

#include <QAction>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QScreen>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <memory>

using namespace qpalm;
using namespace Qt::StringLiterals;

class TestAppFixes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void openingAnotherClusterLeavesNothingBehind();
    void replicasFromTheDialogKeepRunningOnes();
    void everyServerThatDidNotStartSaysWhy();
    void missingScriptStillOpens();
    void openRecentTellsClusterFilesApart();
    void startPolicyOnOpen();
    void layoutHoldsUnderLoad();
    void oversizedGeometryFitsTheScreen();
    void panelShowsUptimeRestartsAndBacklog();
    void helpListsShortcutsGuideAndAbout();
    void emptyWindowHintsWhatToOpen();
    void smallerThings();

private:
    ServerHandle *server(const QString &name) const { return m_window->cluster()->server(name); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

// A cluster file in dir with one server named name running script.lua (which exists unless
// told otherwise).
QString writeCluster(const QString &dir, const QString &name, bool withScript = true)
{
    const QString path = QDir(dir).filePath(u"cluster.json"_s);
    if (withScript)
        writeFile(QDir(dir).filePath(u"script.lua"_s), "function echo(x) return x end\n");
    writeFile(path, QStringLiteral(R"({"servers": [{"kind": "server", "name": "%1",
        "db_address": "tcp://127.0.0.1:*", "pull_address": "tcp://127.0.0.1:*",
        "pub_address": "tcp://127.0.0.1:*", "script": "script.lua"}]})")
                        .arg(name)
                        .toUtf8());
    return path;
}

LogRecord errorRecord(const QString &server, const QString &text)
{
    LogRecord r;
    r.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    r.server = server;
    r.level = LogLevel::Error;
    r.text = text;
    r.traceback = u"Traceback:\n  script.lua:1: in function 'echo'"_s;
    r.sequence = 1;
    return r;
}

// A loopback port free right now (the kernel's pick, released at once).

} // namespace

void TestAppFixes::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(u"settings.ini"_s));
    m_settings->setStartOnOpen(false);
    m_window = std::make_unique<MainWindow>(m_settings.get());
    m_window->setInteractive(false);
    m_window->resize(760, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestAppFixes::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestAppFixes::openingAnotherClusterLeavesNothingBehind()
{
    const QString first = writeCluster(m_dir->filePath(u"one"_s), u"alpha"_s);
    const QString second = writeCluster(m_dir->filePath(u"two"_s), u"beta"_s);
    QVERIFY(m_window->openClusterFile(first, false));
    QCOMPARE(m_window->scriptEditor()->openFiles().size(), 1);
    m_window->logViewer()->appendRecords({errorRecord(u"alpha"_s, u"boom"_s)});
    m_window->errorInbox()->appendRecords({errorRecord(u"alpha"_s, u"boom"_s)});
    m_window->logViewer()->model()->flush();
    QCOMPARE(m_window->logViewer()->model()->rowCount(), 1);
    QCOMPARE(m_window->errorInbox()->model()->rowCount(), 1);

    QVERIFY(m_window->openClusterFile(second, false));
    m_window->logViewer()->model()->flush();
    // One tab: the new cluster's script, not two "script.lua".
    const QStringList open = m_window->scriptEditor()->openFiles();
    QCOMPARE(open.size(), 1);
    QCOMPARE(QFileInfo(open.first()).absolutePath(), QFileInfo(second).absolutePath());
    QCOMPARE(m_window->logViewer()->model()->rowCount(), 0);
    QCOMPARE(m_window->errorInbox()->model()->rowCount(), 0);
}

void TestAppFixes::replicasFromTheDialogKeepRunningOnes()
{
    ServerConfig m = uitest::master(u"m"_s);
    m.dbAddress = u"tcp://127.0.0.1:%1"_s.arg(qpalm::test::freePort());
    QVERIFY(m_window->addServerEntry(m));
    QVERIFY(m_window->addServerEntry(uitest::worker(u"w"_s, m.dbAddress, 2)));
    QVERIFY(m_window->addServerEntry(uitest::server(u"z"_s)));
    m_window->clusterPanel()->startAll();
    for (ServerHandle *s : m_window->cluster()->servers())
        QVERIFY2(waitForState(s, ServerHandle::State::Running, 15000), qPrintable(s->name()));
    ServerHandle *w1 = server(u"w-1"_s);
    ServerHandle *w2 = server(u"w-2"_s);
    const quint64 generation1 = w1->generation();
    const ClusterModel *model = m_window->clusterPanel()->model();
    const QStringList rowsBefore = model->serverNames();
    m_window->clusterPanel()->selectServer(u"w-2"_s);

    ServerConfig three = m_window->clusterConfigs().at(1);
    QCOMPARE(three.name, u"w"_s);
    three.replicas = 3;
    QVERIFY(m_window->replaceServerEntry(u"w-2"_s, three));
    // The running replicas are the same servers, never restarted.
    QCOMPARE(server(u"w-1"_s), w1);
    QCOMPARE(server(u"w-2"_s), w2);
    QCOMPARE(w1->generation(), generation1);
    QCOMPARE(w1->state(), ServerHandle::State::Running);
    QVERIFY(waitForState(server(u"w-3"_s), ServerHandle::State::Running, 15000));
    QCOMPARE(m_window->clusterConfigs().at(1).replicas, 3);
    // Rows keep their order (the new one joins its siblings' end) and the selection stays.
    QCOMPARE(model->serverNames().mid(0, 4), rowsBefore.mid(0, 4));
    QCOMPARE(m_window->clusterPanel()->selectedServers(), QStringList{u"w-2"_s});

    // A real edit (log level) recreates the entry's servers in their rows, selection kept.
    ServerConfig louder = m_window->clusterConfigs().at(1);
    louder.logLevel = LogLevel::Debug;
    QVERIFY(m_window->replaceServerEntry(u"w-2"_s, louder));
    QCOMPARE(model->serverNames().mid(0, 4), rowsBefore.mid(0, 4));
    QCOMPARE(m_window->clusterPanel()->selectedServers(), QStringList{u"w-2"_s});

    // Down to 1: the removed replicas say they stopped.
    for (ServerHandle *s : m_window->cluster()->replicas(u"w"_s))
        QVERIFY(waitForState(s, ServerHandle::State::Running, 15000));
    ServerConfig one = m_window->clusterConfigs().at(1);
    one.replicas = 1;
    QVERIFY(m_window->replaceServerEntry(u"w-1"_s, one));
    QCOMPARE(m_window->cluster()->replicas(u"w"_s).size(), 1);
    LogModel *log = m_window->logViewer()->model();
    log->flush();
    QStringList stopped;
    for (int row = 0; row < log->rowCount(); ++row) {
        const LogRecord r = log->recordAt(row);
        if (r.text.contains(u"stopped"_s))
            stopped.append(r.server);
    }
    QVERIFY2(stopped.contains(u"w-2"_s) && stopped.contains(u"w-3"_s),
             qPrintable(stopped.join(u',')));
}

void TestAppFixes::everyServerThatDidNotStartSaysWhy()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"a"_s)));
    m_window->clusterPanel()->startAll();
    QVERIFY(waitForState(server(u"a"_s), ServerHandle::State::Running, 10000));
    ServerConfig m = uitest::master(u"m"_s);
    m.dbAddress = u"tcp://127.0.0.1:%1"_s.arg(qpalm::test::freePort());
    m.pullAddress = server(u"a"_s)->address(u"pull_address"_s); // in use: m cannot start
    QVERIFY(m_window->addServerEntry(m));
    QVERIFY(m_window->addServerEntry(uitest::worker(u"w"_s, m.dbAddress, 2)));
    m_window->clusterPanel()->startAll();
    QTRY_COMPARE_WITH_TIMEOUT(server(u"m"_s)->state(), ServerHandle::State::Failed, 15000);
    const ClusterModel *model = m_window->clusterPanel()->model();
    for (const QString &name : {u"w-1"_s, u"w-2"_s}) {
        // The reason in full: the State column elides a long one (a worker may also fail on the
        // dead master's cache before it is told the master failed).
        const auto reason = [&] {
            const QString shown =
                model->index(model->rowOf(name), ClusterModel::StateColumn).data().toString();
            return server(name)->state() == ServerHandle::State::Failed
                       ? server(name)->errorString()
                       : shown;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(server(name)->state() != ServerHandle::State::Starting &&
                                      reason().contains(u"m"_s),
                                  qPrintable(reason()), 15000);
        QVERIFY(server(name)->state() != ServerHandle::State::Running);
    }
    // What still runs is said, not left up silently.
    QTRY_VERIFY(m_window->lastError().contains(u"still running: a"_s));
    QVERIFY2(m_window->lastError().contains(u"m: "_s), qPrintable(m_window->lastError()));
}

void TestAppFixes::missingScriptStillOpens()
{
    const QString path = writeCluster(m_dir->filePath(u"gone"_s), u"lost"_s, false);
    QVERIFY2(m_window->openClusterFile(path, false), qPrintable(m_window->lastError()));
    QVERIFY(server(u"lost"_s));
    QVERIFY2(m_window->lastError().contains(u"script.lua"_s), qPrintable(m_window->lastError()));
    // Fixed in Edit Server: the entry takes a script that exists.
    const QString fixed = m_dir->filePath(u"fixed.lua"_s);
    writeFile(fixed, "function echo(x) return x end\n");
    ServerConfig entry = m_window->clusterConfigs().at(0);
    entry.scriptPath = fixed;
    QVERIFY2(m_window->replaceServerEntry(u"lost"_s, entry), qPrintable(m_window->lastError()));
    QCOMPARE(m_window->clusterConfigs().at(0).scriptPath, fixed);
    m_window->clusterPanel()->startAll();
    QVERIFY(waitForState(server(u"lost"_s), ServerHandle::State::Running, 10000));
    // A file with another problem besides still refuses to open.
    const QString bad = m_dir->filePath(u"bad/cluster.json"_s);
    writeFile(bad, R"({"servers": [{"kind": "server", "name": "x", "db_address": "nope",
        "pull_address": "tcp://127.0.0.1:*", "pub_address": "tcp://127.0.0.1:*",
        "script": "missing.lua"}]})");
    QVERIFY(!m_window->openClusterFile(bad, false));
}

void TestAppFixes::openRecentTellsClusterFilesApart()
{
    const QString a = writeCluster(m_dir->filePath(u"examples/pipeline"_s), u"p"_s);
    const QString b = writeCluster(m_dir->filePath(u"examples/workers"_s), u"q"_s);
    QVERIFY(m_window->openClusterFile(a, false));
    QVERIFY(m_window->openClusterFile(b, false));
    auto *recent = m_window->findChild<QMenu *>(u"recentMenu"_s);
    const QString first = recent->actions().value(0)->text();
    const QString second = recent->actions().value(1)->text();
    QVERIFY2(first != second, qPrintable(first));
    QVERIFY2(first.contains(u"workers"_s) && first.contains(u"cluster.json"_s), qPrintable(first));
    QVERIFY2(second.contains(u"pipeline"_s), qPrintable(second));
}

void TestAppFixes::startPolicyOnOpen()
{
    const QString path = writeCluster(m_dir->filePath(u"policy"_s), u"s"_s);
    m_settings->setStartPolicy(AppSettings::StartPolicy::Ask);
    QVERIFY(m_window->openFile(path)); // not interactive: the question's default, open only
    QTest::qWait(300);
    QCOMPARE(server(u"s"_s)->state(), ServerHandle::State::Stopped);
    m_settings->setStartPolicy(AppSettings::StartPolicy::Always);
    QVERIFY(m_window->openFile(path));
    QVERIFY(waitForState(server(u"s"_s), ServerHandle::State::Running, 10000));
    m_settings->setStartPolicy(AppSettings::StartPolicy::Never);
    QVERIFY(m_window->openFile(path));
    QTest::qWait(300);
    QCOMPARE(server(u"s"_s)->state(), ServerHandle::State::Stopped);
    QVERIFY(!m_settings->startOnOpen());
}

void TestAppFixes::layoutHoldsUnderLoad()
{
    auto *clientDock = m_window->findChild<QDockWidget *>(u"clientDock"_s);
    auto *clusterDock = m_window->findChild<QDockWidget *>(u"clusterDock"_s);
    QVERIFY(m_window->addServerEntry(uitest::server(u"s"_s)));
    m_window->clusterPanel()->startAll();
    QVERIFY(waitForState(server(u"s"_s), ServerHandle::State::Running, 10000));
    QTest::qWait(200);
    const QRect window = m_window->geometry();
    const int clientWidth = clientDock->width();
    const int clusterWidth = clusterDock->width();

    // Load: a job through the client panel, long counts in the log, a temporary level.
    ClientPanel *client = m_window->clientPanel();
    QVERIFY(client->setCurrentServer(u"s"_s));
    client->setFunction(u"s.echo"_s);
    client->setPayload("a payload long enough to make every column of the client panel wide");
    client->setCount(300);
    client->setRate(0);
    QSignalSpy finished(client, &ClientPanel::jobFinished);
    QVERIFY2(client->startJob(), qPrintable(client->lastError()));
    QVERIFY(finished.wait(20000));
    LogBatch flood;
    for (int i = 0; i < 20000; ++i) {
        LogRecord r =
            errorRecord(u"a-server-with-a-rather-long-name-%1"_s.arg(i % 7), u"record %1"_s.arg(i));
        r.level = LogLevel::Debug;
        r.sequence = quint64(i + 1);
        flood.append(r);
    }
    m_window->logViewer()->appendRecords(flood);
    m_window->logViewer()->model()->flush();
    QVERIFY(m_window->clusterPanel()->setLogLevel(u"s"_s, LogLevel::Debug, 51000));
    QTest::qWait(1500);

    QCOMPARE(m_window->geometry().size(), window.size());
    QCOMPARE(clientDock->width(), clientWidth);
    QCOMPARE(clusterDock->width(), clusterWidth);
    // The state column still reads "running" whole beside "DEBUG (INFO in 0:51)".
    QTreeView *view = m_window->clusterPanel()->view();
    const int needed = view->fontMetrics().horizontalAdvance(u"running"_s);
    QVERIFY2(view->header()->sectionSize(ClusterModel::StateColumn) > needed,
             qPrintable(QString::number(view->header()->sectionSize(ClusterModel::StateColumn))));
}

void TestAppFixes::oversizedGeometryFitsTheScreen()
{
    const QRect available = m_window->screen()->availableGeometry();
    // Saved on a screen twice as large.
    QWidget big;
    big.setGeometry(available.x(), available.y(), available.width() * 2, available.height() * 2);
    QMainWindow probe;
    probe.setGeometry(available.x(), available.y(), available.width() * 2, available.height() * 2);
    m_settings->setWindowGeometry(probe.saveGeometry());
    MainWindow second(m_settings.get());
    second.setInteractive(false);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QVERIFY2(second.width() <= available.width() && second.height() <= available.height(),
             qPrintable(u"%1x%2 on %3x%4"_s.arg(second.width())
                            .arg(second.height())
                            .arg(available.width())
                            .arg(available.height())));
}

void TestAppFixes::panelShowsUptimeRestartsAndBacklog()
{
    QVERIFY(m_window->addServerEntry(uitest::server(u"s"_s)));
    m_window->clusterPanel()->startAll();
    QVERIFY(waitForState(server(u"s"_s), ServerHandle::State::Running, 10000));
    const ClusterModel *model = m_window->clusterPanel()->model();
    const int row = model->rowOf(u"s"_s);
    QTRY_VERIFY(model->index(row, 0).data(ClusterModel::UptimeRole).toLongLong() >= 1000);
    QCOMPARE(model->index(row, ClusterModel::UptimeColumn).data().toString().right(1), u"s"_s);
    QCOMPARE(model->index(row, ClusterModel::RestartsColumn).data().toString(), u"0"_s);
    QCOMPARE(model->index(row, ClusterModel::BacklogColumn).data().toString(), u"0"_s);

    m_window->clusterPanel()->selectServer(u"s"_s);
    QAction *restart = m_window->action(u"actionRestartSelected"_s);
    QVERIFY(restart && restart->isEnabled());
    const quint64 generation = server(u"s"_s)->generation();
    restart->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(server(u"s"_s)->generation() > generation &&
                                 server(u"s"_s)->state() == ServerHandle::State::Running,
                             10000);
    QTRY_COMPARE(model->index(row, ClusterModel::RestartsColumn).data().toString(), u"1"_s);
    QVERIFY(model->index(row, 0).data(ClusterModel::UptimeRole).toLongLong() < 5000);
    // The sparkline's samples arrive with the stats.
    QTRY_VERIFY(
        model->index(row, 0).data(ClusterModel::RateHistoryRole).value<QList<double>>().size() >=
        2);
}

void TestAppFixes::helpListsShortcutsGuideAndAbout()
{
    const QList<ShortcutEntry> entries = collectShortcuts(m_window.get());
    auto has = [&entries](const QString &action, const QString &key) {
        return std::any_of(entries.cbegin(), entries.cend(), [&](const ShortcutEntry &e) {
            return e.action == action && e.shortcuts.contains(key);
        });
    };
    QVERIFY(has(u"Start All"_s, u"F5"_s));
    QVERIFY(has(u"Open"_s, QKeySequence(Qt::CTRL | Qt::Key_O).toString(QKeySequence::NativeText)));
    QVERIFY(
        has(u"Restart"_s, QKeySequence(Qt::CTRL | Qt::Key_R).toString(QKeySequence::NativeText)));
    ShortcutsDialog dialog(m_window.get());
    QCOMPARE(dialog.list()->topLevelItemCount(), int(entries.size()));
    const QString guide = UserGuideDialog::html();
    for (const QString &step : {u"Open"_s, u"Watch"_s, u"Break"_s, u"Fix and Apply"_s, u"Export"_s})
        QVERIFY2(guide.contains(step), qPrintable(step));
    const QString about = aboutText();
    QVERIFY(about.contains(QStringLiteral(QPALM_VERSION)));
    QVERIFY(about.contains(u"GPL-3.0-or-later"_s));
    QVERIFY(about.contains(u"pylm"_s));
}

void TestAppFixes::emptyWindowHintsWhatToOpen()
{
    auto *stack = m_window->findChild<QStackedWidget *>(u"centralStack"_s);
    auto *welcome = m_window->findChild<WelcomePage *>();
    QVERIFY(stack && welcome);
    QCOMPARE(stack->currentWidget(), welcome);
    QVERIFY(!welcome->findChild<QWidget *>(u"welcomeDemo"_s)->isVisibleTo(welcome));
    const QString path = writeCluster(m_dir->filePath(u"hint"_s), u"s"_s);
    m_window->setDemoPath(path);
    QVERIFY(welcome->findChild<QWidget *>(u"welcomeDemo"_s)->isVisibleTo(welcome));
    QVERIFY(m_window->openClusterFile(path, false));
    QCOMPARE(stack->currentWidget(), m_window->scriptEditor()); // its script is open
    QCOMPARE(welcome->offeredFiles().value(0), QFileInfo(path).absoluteFilePath());
    m_window->scriptEditor()->closeFile(m_window->scriptEditor()->openFiles().value(0), true);
    QCOMPARE(stack->currentWidget(), welcome);
}

void TestAppFixes::smallerThings()
{
    // A job over loopback faster than a millisecond reads in µs, never "0 ms".
    QCOMPARE(ClientPanel::durationText(0.35), u"350 µs"_s);
    QCOMPARE(ClientPanel::durationText(3.254), u"3.25 ms"_s);
    QCOMPARE(ClientPanel::durationText(420), u"420 ms"_s);

    // Suggest Ports replaces an invalid DB address as well as empty ones.
    ServerDialog dialog(m_window.get());
    dialog.prepareNew(ServerKind::Server);
    auto *db = qobject_cast<QLineEdit *>(dialog.field(u"db_address"_s));
    QVERIFY(db);
    db->setText(u"tcp:/127.0.0.1:55"_s);
    dialog.suggestAddresses();
    QVERIFY2(isValidAddress(db->text()), qPrintable(db->text()));

    // Deleting a cache key asks; published keys with a warning; declining deletes nothing.
    QVERIFY(CachePanel::isPublishedKey("worker_pull_address"));
    QVERIFY(CachePanel::isPublishedKey("worker_reliable_address")); // the reliable path's key
    QVERIFY(!CachePanel::isPublishedKey("my_key"));
    CachePanel *cache = m_window->cachePanel();
    QString asked;
    bool warned = false;
    cache->setDeleteConfirmation([&](const QString &question, bool warn) {
        asked = question;
        warned = warn;
        return false;
    });
    cache->findChild<QLineEdit *>(u"key"_s)->setText(u"worker_pull_address"_s);
    QVERIFY(!cache->deleteEditedKey());
    QVERIFY(warned);
    QVERIFY2(asked.contains(u"worker_pull_address"_s), qPrintable(asked));
}

QTEST_MAIN(TestAppFixes)
#include "tst_appfixes.moc"
