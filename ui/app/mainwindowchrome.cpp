// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "appsettings.h"
#include "attachdialog.h"
#include "cachepanel.h"
#include "clientpanel.h"
#include "cluster.h"
#include "clusterdocument.h"
#include "clusterpanel.h"
#include "errorinbox.h"
#include "incidentbundle.h"
#include "logviewer.h"
#include "scripteditor.h"
#include "serverhandle.h"
#include "topologyview.h"
#include "welcomepage.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QStackedWidget>
#include <QToolBar>

// The window's chrome: actions, menus, the tool bar and the docks' placement.
namespace qpalm {

namespace {

QIcon icon(const char *theme, const char *file)
{
    return QIcon::fromTheme(QLatin1String(theme),
                            QIcon(QStringLiteral(":/qpalm/icons/%1.svg").arg(QLatin1String(file))));
}

} // namespace

QDockWidget *MainWindow::addDock(const QString &objectName, const QString &title, QWidget *widget,
                                 Qt::DockWidgetArea area, bool scrolls)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    // A form (the client, the cache) scrolls where its dock is smaller than its layout needs (a
    // small screen) rather than pressing its rows onto each other.
    QWidget *content = widget;
    if (scrolls) {
        auto *scroll = new QScrollArea(dock);
        scroll->setObjectName(objectName + QStringLiteral("Scroll"));
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidgetResizable(true);
        scroll->setWidget(widget);
        content = scroll;
    }
    // An explicit minimum: what the panel shows (counts, long names) never widens its dock or the
    // window; the user's splitter positions hold.
    content->setMinimumSize(160, 80);
    dock->setWidget(content);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    m_clusterPanel = new ClusterPanel(this);
    m_topology = new TopologyView(this);
    m_topology->setObjectName(QStringLiteral("topologyView"));
    m_topology->setModel(m_clusterPanel->model());
    m_logViewer = new LogViewer(this);
    m_logViewer->setObjectName(QStringLiteral("logViewer"));
    m_errorInbox = new ErrorInbox(this);
    m_errorInbox->setObjectName(QStringLiteral("errorInbox"));
    m_clientPanel = new ClientPanel(this);
    m_clientPanel->setObjectName(QStringLiteral("clientPanel"));
    m_cachePanel = new CachePanel(this);
    m_cachePanel->setObjectName(QStringLiteral("cachePanel"));

    m_scriptEditor = new ScriptEditor(this);
    m_scriptEditor->setObjectName(QStringLiteral("scriptEditor"));
    // The editor, or while no script is open a hint of what to open.
    m_welcome = new WelcomePage(this);
    m_central = new QStackedWidget(this);
    m_central->setObjectName(QStringLiteral("centralStack"));
    m_central->addWidget(m_welcome);
    m_central->addWidget(m_scriptEditor);
    m_central->setMinimumSize(200, 120); // content never widens the window
    setCentralWidget(m_central);
    connect(m_scriptEditor, &ScriptEditor::currentFileChanged, this, &MainWindow::updateCentral);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::openDemo);
    connect(m_welcome, &WelcomePage::openRequested, this, &MainWindow::open);
    connect(m_welcome, &WelcomePage::recentRequested, this, &MainWindow::openFile);
    connect(m_welcome, &WelcomePage::newServerRequested, this, &MainWindow::newServer);

    QDockWidget *clusterDock = addDock(QStringLiteral("clusterDock"), tr("Cluster"), m_clusterPanel,
                                       Qt::LeftDockWidgetArea);
    QDockWidget *topologyDock =
        addDock(QStringLiteral("topologyDock"), tr("Topology"), m_topology, Qt::LeftDockWidgetArea);
    splitDockWidget(clusterDock, topologyDock, Qt::Vertical);
    // Below: the log (and errors) beside the client (and cache).
    QDockWidget *logDock =
        addDock(QStringLiteral("logDock"), tr("Log"), m_logViewer, Qt::BottomDockWidgetArea);
    QDockWidget *clientDock = addDock(QStringLiteral("clientDock"), tr("Client"), m_clientPanel,
                                      Qt::BottomDockWidgetArea, true);
    splitDockWidget(logDock, clientDock, Qt::Horizontal);
    QDockWidget *errorDock =
        addDock(QStringLiteral("errorDock"), tr("Errors"), m_errorInbox, Qt::BottomDockWidgetArea);
    tabifyDockWidget(logDock, errorDock);
    QDockWidget *cacheDock = addDock(QStringLiteral("cacheDock"), tr("Cache"), m_cachePanel,
                                     Qt::BottomDockWidgetArea, true);
    tabifyDockWidget(clientDock, cacheDock);
    logDock->raise();
    clientDock->raise();

    // The tab and the status bar show the same number: the inbox's error count.
    connect(m_errorInbox, &ErrorInbox::countsChanged, this, [this, errorDock](int, qint64 errors) {
        errorDock->setWindowTitle(errors > 0 ? tr("Errors (%1)").arg(errors) : tr("Errors"));
        updateStatus();
    });
}

void MainWindow::createActions()
{
    auto make = [this](const char *objectName, const QString &text, const QIcon &icon,
                       const QKeySequence &shortcut, auto slot) {
        auto *a = new QAction(icon, text, this);
        a->setObjectName(QLatin1String(objectName));
        if (!shortcut.isEmpty()) {
            a->setShortcut(shortcut);
            a->setToolTip(
                QStringLiteral("%1 (%2)").arg(QString(text).remove(QLatin1Char('&')),
                                              shortcut.toString(QKeySequence::NativeText)));
        }
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    make("actionNewCluster", tr("New C&luster"), icon("document-new", "new-cluster"), {},
         [this] { newCluster(); });
    make("actionOpen", tr("&Open…"), icon("document-open", "open"),
         QKeySequence(Qt::CTRL | Qt::Key_O), [this] { open(); });
    make("actionSave", tr("&Save"), icon("document-save", "save"),
         QKeySequence(Qt::CTRL | Qt::Key_S), [this] { save(); });
    make("actionSaveAs", tr("Save &As…"), icon("document-save-as", "save-as"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] { saveAs(); });
    make("actionQuit", tr("&Quit"), icon("application-exit", "quit"),
         QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });
    make("actionAttach", tr("A&ttach…"), icon("network-connect", "open"), {}, [this] {
        // Servers of a qpalm-server elsewhere join the open cluster as attached entries.
        AttachDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted) {
            for (const ServerConfig &config : dialog.configs())
                addServerEntry(config);
        }
    });
    make("actionNewServer", tr("&New Server…"), icon("list-add", "new-server"),
         QKeySequence(Qt::CTRL | Qt::Key_N), [this] { newServer(); });
    make("actionEditServer", tr("&Edit Server…"), icon("document-properties", "edit-server"),
         QKeySequence(Qt::CTRL | Qt::Key_E), [this] { editServer(); });
    make("actionRemoveServer", tr("&Remove Server"), icon("list-remove", "remove-server"),
         QKeySequence::Delete, [this] { removeSelectedServers(); });
    make("actionStartAll", tr("Start &All"), icon("media-seek-forward", "start-all"),
         QKeySequence(Qt::Key_F5), [this] { m_clusterPanel->startAll(); });
    make("actionStopAll", tr("St&op All"), icon("process-stop", "stop-all"),
         QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] { m_clusterPanel->stopAll(); });
    make("actionStartSelected", tr("&Start"), icon("media-playback-start", "start"),
         QKeySequence(Qt::CTRL | Qt::Key_F5), [this] { m_clusterPanel->startSelected(); });
    make("actionStopSelected", tr("S&top"), icon("media-playback-stop", "stop"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F5),
         [this] { m_clusterPanel->stopSelected(); });
    make("actionAddReplica", tr("Add &Replica"), icon("list-add", "add-replica"),
         QKeySequence(Qt::CTRL | Qt::Key_Plus), [this] { m_clusterPanel->addReplica(); });
    make("actionRemoveReplica", tr("Remove Re&plica"), icon("list-remove", "remove-replica"),
         QKeySequence(Qt::CTRL | Qt::Key_Minus), [this] { m_clusterPanel->removeReplica(); });
    // The desktop's key for Preferences; where it has none (Xfce, LXQt, openbox), Ctrl+, as on
    // GNOME and macOS.
    const QKeySequence preferencesKey = QKeySequence(QKeySequence::Preferences).isEmpty()
                                            ? QKeySequence(Qt::CTRL | Qt::Key_Comma)
                                            : QKeySequence(QKeySequence::Preferences);
    make("actionPreferences", tr("&Preferences…"), icon("preferences-system", "preferences"),
         preferencesKey, [this] { showPreferences(); });
    make("actionOpenScript", tr("Open Server's S&cript"), icon("text-x-script", "edit-server"), {},
         [this] {
             const QString name = m_clusterPanel->currentServer();
             const ServerHandle *server = cluster()->server(name);
             if (server && !server->config().scriptPath.isEmpty())
                 openScript(server->config().scriptPath);
         });
    make("actionShowAllLogs", tr("Show &All Logs"), QIcon(), QKeySequence(Qt::CTRL | Qt::Key_L),
         [this] { focusServer({}); });
    make("actionAbout", tr("&About qpalm"), QIcon(QStringLiteral(":/qpalm/icons/qpalm.svg")), {},
         [this] { showAbout(); });
    make("actionShortcuts", tr("&Keyboard Shortcuts"), QIcon(), QKeySequence(Qt::CTRL | Qt::Key_F1),
         [this] { showShortcuts(); });
    make("actionUserGuide", tr("&User Guide"), icon("help-contents", "open"),
         QKeySequence(QKeySequence::HelpContents), [this] { showUserGuide(); });
    make("actionOpenDemo", tr("Open the &Demo Cluster"), QIcon(), {}, [this] { openDemo(); });
    make("actionRestartSelected", tr("&Restart"), icon("view-refresh", "start"),
         QKeySequence(Qt::CTRL | Qt::Key_R), [this] { m_clusterPanel->restartSelected(); });
    action(QStringLiteral("actionRestartSelected"))
        ->setToolTip(tr("Stop the selected servers and start them again (Ctrl+R)"));
    action(QStringLiteral("actionOpenDemo"))->setEnabled(false);

    action(QStringLiteral("actionAddReplica"))
        ->setShortcuts(
            {QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    action(QStringLiteral("actionAddReplica"))
        ->setToolTip(tr("Add a replica of the selected worker (Ctrl++)"));
    action(QStringLiteral("actionRemoveReplica"))
        ->setToolTip(tr("Remove the selected worker's last replica (Ctrl+-)"));
    action(QStringLiteral("actionStartSelected"))
        ->setToolTip(tr("Start the selected servers (Ctrl+F5)"));
    action(QStringLiteral("actionStopSelected"))
        ->setToolTip(tr("Stop the selected servers (Ctrl+Shift+F5)"));
    // The delete shortcut belongs to the cluster table only, not to text fields elsewhere.
    action(QStringLiteral("actionRemoveServer"))
        ->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_clusterPanel->addAction(action(QStringLiteral("actionRemoveServer")));

    m_clusterPanel->setContextActions({action(QStringLiteral("actionStartSelected")),
                                       action(QStringLiteral("actionStopSelected")),
                                       action(QStringLiteral("actionRestartSelected")), nullptr,
                                       action(QStringLiteral("actionEditServer")),
                                       action(QStringLiteral("actionOpenScript")),
                                       action(QStringLiteral("actionRemoveServer")), nullptr,
                                       action(QStringLiteral("actionAddReplica")),
                                       action(QStringLiteral("actionRemoveReplica"))});
}

QAction *MainWindow::action(const QString &objectName) const
{
    return findChild<QAction *>(objectName, Qt::FindDirectChildrenOnly);
}

void MainWindow::createMenus()
{
    auto a = [this](const char *name) { return action(QLatin1String(name)); };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(a("actionNewCluster"));
    file->addAction(a("actionOpen"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    file->addAction(a("actionAttach"));
    file->addSeparator();
    file->addAction(a("actionSave"));
    file->addAction(a("actionSaveAs"));
    file->addSeparator();
    QAction *bundle = file->addAction(tr("Export &Incident Bundle\u2026"), this, [this] {
        exportIncidentBundleWithDialog(this, *m_logViewer->model(), *m_errorInbox->model(),
                                       cluster(), filePath());
    });
    bundle->setObjectName(QStringLiteral("actionIncidentBundle"));
    bundle->setToolTip(tr("One zip with the logs of a time window, the tracebacks, the cluster "
                          "file, every script as it ran, stats and the replayable messages"));
    file->addSeparator();
    file->addAction(a("actionQuit"));

    QMenu *cluster = menuBar()->addMenu(tr("&Cluster"));
    cluster->addAction(a("actionStartAll"));
    cluster->addAction(a("actionStopAll"));
    cluster->addSeparator();
    cluster->addAction(a("actionStartSelected"));
    cluster->addAction(a("actionStopSelected"));
    cluster->addAction(a("actionRestartSelected"));
    cluster->addSeparator();
    cluster->addAction(a("actionNewServer"));
    cluster->addAction(a("actionEditServer"));
    cluster->addAction(a("actionRemoveServer"));
    cluster->addSeparator();
    cluster->addAction(a("actionAddReplica"));
    cluster->addAction(a("actionRemoveReplica"));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    const QList<QDockWidget *> docks = findChildren<QDockWidget *>();
    for (QDockWidget *dock : docks)
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(a("actionShowAllLogs"));
    m_viewMenu->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);

    QMenu *script = menuBar()->addMenu(tr("Sc&ript"));
    script->addAction(a("actionOpenScript"));
    script->addSeparator();
    script->addAction(m_scriptEditor->saveAction());
    script->addAction(m_scriptEditor->applyAction());
    script->addAction(m_scriptEditor->revertAction());
    script->addAction(m_scriptEditor->revertToRunningAction());
    script->addAction(m_scriptEditor->diffAction());
    script->addSeparator();
    script->addAction(m_scriptEditor->findAction());
    script->addAction(m_scriptEditor->replaceAction());
    script->addAction(m_scriptEditor->findNextAction());
    script->addAction(m_scriptEditor->findPreviousAction());
    script->addAction(m_scriptEditor->goToLineAction());

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(a("actionPreferences"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a("actionUserGuide"));
    help->addAction(a("actionShortcuts"));
    help->addAction(a("actionOpenDemo"));
    help->addSeparator();
    help->addAction(a("actionAbout"));
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar *toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->addAction(a("actionOpen"));
    toolBar->addAction(a("actionSave"));
    toolBar->addSeparator();
    toolBar->addAction(a("actionStartAll"));
    toolBar->addAction(a("actionStopAll"));
    toolBar->addSeparator();
    toolBar->addAction(a("actionStartSelected"));
    toolBar->addAction(a("actionStopSelected"));
    toolBar->addAction(a("actionRestartSelected"));
    toolBar->addSeparator();
    toolBar->addAction(a("actionNewServer"));
    toolBar->addAction(a("actionEditServer"));
    toolBar->addAction(a("actionAddReplica"));
    toolBar->addAction(a("actionRemoveReplica"));
    m_viewMenu->insertAction(m_viewMenu->actions().value(0), toolBar->toggleViewAction());
}

void MainWindow::updateActions()
{
    const Cluster *running = m_document ? m_document->cluster() : nullptr;
    if (!running)
        return;
    const QStringList selected = m_clusterPanel->selectedServers();
    bool anySelectedRunning = false;
    bool anySelectedStopped = false;
    for (const QString &name : selected) {
        if (const ServerHandle *s = running->server(name)) {
            const auto state = s->state();
            if (state == ServerHandle::State::Running || state == ServerHandle::State::Starting)
                anySelectedRunning = true;
            else
                anySelectedStopped = true;
        }
    }
    bool anyRunning = false;
    bool anyStopped = false;
    const QList<ServerHandle *> servers = running->servers();
    for (const ServerHandle *s : servers) {
        if (s->state() == ServerHandle::State::Running)
            anyRunning = true;
        else
            anyStopped = true;
    }
    const QString current = m_clusterPanel->currentServer().isEmpty()
                                ? selected.value(0)
                                : m_clusterPanel->currentServer();
    const QString base = m_clusterPanel->replicaBase(current);
    action(QStringLiteral("actionStartSelected"))->setEnabled(anySelectedStopped);
    action(QStringLiteral("actionStopSelected"))->setEnabled(anySelectedRunning);
    action(QStringLiteral("actionRestartSelected"))->setEnabled(!selected.isEmpty());
    action(QStringLiteral("actionStartAll"))->setEnabled(anyStopped);
    action(QStringLiteral("actionStopAll"))->setEnabled(anyRunning);
    action(QStringLiteral("actionEditServer"))->setEnabled(m_document->entryIndexOf(current) >= 0);
    const ServerHandle *currentHandle = running->server(current);
    action(QStringLiteral("actionOpenScript"))
        ->setEnabled(currentHandle && !currentHandle->config().scriptPath.isEmpty());
    action(QStringLiteral("actionRemoveServer"))->setEnabled(!selected.isEmpty());
    action(QStringLiteral("actionAddReplica"))->setEnabled(!base.isEmpty());
    action(QStringLiteral("actionRemoveReplica"))
        ->setEnabled(!base.isEmpty() && running->replicas(base).size() > 1);
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState, kStateVersion);
    const QList<QDockWidget *> docks = findChildren<QDockWidget *>();
    for (QDockWidget *dock : docks) {
        if (dock->isFloating())
            dock->setFloating(false);
        dock->show();
    }
    for (const char *name : {"logDock", "clientDock"})
        findChild<QDockWidget *>(QLatin1String(name))->raise();
    sizeDocks();
}

void MainWindow::sizeDocks()
{
    auto dock = [this](const char *name) { return findChild<QDockWidget *>(QLatin1String(name)); };
    // Cluster and topology on the left, the editor beside them; logs and the client below.
    resizeDocks({dock("clusterDock")}, {width() * 31 / 100}, Qt::Horizontal);
    resizeDocks({dock("logDock"), dock("clientDock")}, {width() * 56 / 100, width() * 44 / 100},
                Qt::Horizontal);
    resizeDocks({dock("clusterDock"), dock("topologyDock")},
                {height() * 22 / 100, height() * 33 / 100}, Qt::Vertical);
    resizeDocks({dock("logDock")}, {height() * 38 / 100}, Qt::Vertical);
}

} // namespace qpalm
