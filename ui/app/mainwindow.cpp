#include "mainwindow.h"

#include "appsettings.h"
#include "cachepanel.h"
#include "clientpanel.h"
#include "cluster.h"
#include "clusterfile.h"
#include "clustermodel.h"
#include "clusterpanel.h"
#include "errorinbox.h"
#include "logviewer.h"
#include "preferencesdialog.h"
#include "scripteditor.h"
#include "serverdialog.h"
#include "serverhandle.h"
#include "topologyview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

#include <algorithm>

namespace qpalm {

namespace {

constexpr int kStateVersion = 1;

QIcon icon(const char *theme, const char *file)
{
    return QIcon::fromTheme(QLatin1String(theme),
                            QIcon(QStringLiteral(":/qpalm/icons/%1.svg").arg(QLatin1String(file))));
}

QString rate(double value)
{
    return value < 10 ? QString::number(value, 'f', 1) : QString::number(qRound64(value));
}

} // namespace

MainWindow::MainWindow(AppSettings *settings, QWidget *parent)
    : QMainWindow(parent), m_settings(settings)
{
    if (!m_settings) {
        m_settings = new AppSettings(this);
        m_ownSettings = true;
    }
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/qpalm/icons/qpalm.svg")));
    setDockNestingEnabled(true);
    setAcceptDrops(true); // a cluster file dropped on the window opens
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks |
                   QMainWindow::AllowNestedDocks);

    createDocks();
    createActions();
    createMenus();

    m_serversLabel = new QLabel(this);
    m_serversLabel->setObjectName(QStringLiteral("serversStatus"));
    m_ratesLabel = new QLabel(this);
    m_ratesLabel->setObjectName(QStringLiteral("ratesStatus"));
    m_ratesLabel->setToolTip(
        tr("Messages per second clients send to the cluster, and its last stages publish"));
    m_errorsLabel = new QLabel(this);
    m_errorsLabel->setObjectName(QStringLiteral("errorsStatus"));
    m_errorsLabel->setToolTip(
        tr("User errors, unknown functions and malformed messages counted by the servers"));
    statusBar()->addPermanentWidget(m_serversLabel);
    statusBar()->addPermanentWidget(m_ratesLabel);
    statusBar()->addPermanentWidget(m_errorsLabel);

    connect(m_clusterPanel->model(), &ClusterModel::totalsChanged, this, &MainWindow::updateStatus);
    connect(m_clusterPanel->model(), &ClusterModel::totalsChanged, this,
            &MainWindow::updateActions);
    connect(m_clusterPanel->model(), &QAbstractItemModel::dataChanged, this,
            &MainWindow::updateActions);
    connect(m_clusterPanel, &ClusterPanel::selectionChanged, this, &MainWindow::updateActions);
    connect(m_clusterPanel, &ClusterPanel::currentServerChanged, m_topology,
            &TopologyView::highlightServer);
    connect(m_clusterPanel, &ClusterPanel::serverActivated, this, &MainWindow::focusServer);
    connect(m_clusterPanel, &ClusterPanel::editRequested, this, [this](const QString &name) {
        m_clusterPanel->selectServer(name);
        editServer();
    });
    connect(m_clusterPanel, &ClusterPanel::replicasChanged, this, &MainWindow::onReplicasChanged);
    connect(m_clusterPanel, &ClusterPanel::startFinished, this, &MainWindow::reportStartFailures);
    connect(m_clusterPanel->model(), &ClusterModel::logLevelReverted, this,
            [this](const QString &name, LogLevel level) {
                statusBar()->showMessage(tr("%1: log level back to %2").arg(name, levelName(level)),
                                         5000);
            });
    connect(m_topology, &TopologyView::serverActivated, this, &MainWindow::focusServer);
    connect(m_logViewer, &LogViewer::tracebackLineActivated, this, &MainWindow::openScript);
    connect(m_errorInbox, &ErrorInbox::tracebackLineActivated, this, &MainWindow::openScript);
    connect(m_scriptEditor, &ScriptEditor::scriptApplied, this, [this](const QString &file) {
        statusBar()->showMessage(tr("Reloaded %1").arg(QFileInfo(file).fileName()), 5000);
    });
    connect(m_scriptEditor, &ScriptEditor::scriptApplyFailed, this,
            [this](const QString &file, const QString &error) {
                statusBar()->showMessage(
                    tr("%1 not reloaded: %2").arg(QFileInfo(file).fileName(), error), 15000);
            });
    connect(m_settings, &AppSettings::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
    connect(m_settings, &AppSettings::preferencesChanged, this, &MainWindow::applyPreferences);
    applyPreferences();

    resize(1400, 900);
    m_defaultState = saveState(kStateVersion);
    if (!m_settings->windowGeometry().isEmpty())
        restoreGeometry(m_settings->windowGeometry());
    // Without a saved layout, dock sizes are set once the window has its size (first show).
    m_sizeDocksOnShow = m_settings->windowState().isEmpty() ||
                        !restoreState(m_settings->windowState(), kStateVersion);

    replaceCluster({});
    rebuildRecentMenu();
    updateTitle();
}

MainWindow::~MainWindow()
{
    // Views first, so nothing watches the servers while they stop.
    m_scriptEditor->setCluster(nullptr);
    m_clientPanel->setCluster(nullptr);
    m_cachePanel->setCluster(nullptr);
    m_clusterPanel->setCluster(nullptr);
    delete m_cluster;
    m_cluster = nullptr;
}

QDockWidget *MainWindow::addDock(const QString &objectName, const QString &title, QWidget *widget,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(widget);
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
    setCentralWidget(m_scriptEditor);

    QDockWidget *clusterDock = addDock(QStringLiteral("clusterDock"), tr("Cluster"), m_clusterPanel,
                                       Qt::LeftDockWidgetArea);
    QDockWidget *topologyDock =
        addDock(QStringLiteral("topologyDock"), tr("Topology"), m_topology, Qt::LeftDockWidgetArea);
    splitDockWidget(clusterDock, topologyDock, Qt::Vertical);
    // Below: the log (and errors) beside the client (and cache).
    QDockWidget *logDock =
        addDock(QStringLiteral("logDock"), tr("Log"), m_logViewer, Qt::BottomDockWidgetArea);
    QDockWidget *clientDock = addDock(QStringLiteral("clientDock"), tr("Client"), m_clientPanel,
                                      Qt::BottomDockWidgetArea);
    splitDockWidget(logDock, clientDock, Qt::Horizontal);
    QDockWidget *errorDock =
        addDock(QStringLiteral("errorDock"), tr("Errors"), m_errorInbox, Qt::BottomDockWidgetArea);
    tabifyDockWidget(logDock, errorDock);
    QDockWidget *cacheDock =
        addDock(QStringLiteral("cacheDock"), tr("Cache"), m_cachePanel, Qt::BottomDockWidgetArea);
    tabifyDockWidget(clientDock, cacheDock);
    logDock->raise();
    clientDock->raise();

    connect(m_errorInbox, &ErrorInbox::countsChanged, this, [errorDock](int groups, qint64) {
        errorDock->setWindowTitle(groups > 0 ? tr("Errors (%1)").arg(groups) : tr("Errors"));
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
    make("actionPreferences", tr("&Preferences…"), icon("preferences-system", "preferences"),
         QKeySequence(QKeySequence::Preferences), [this] { showPreferences(); });
    make("actionOpenScript", tr("Open Server's S&cript"), icon("text-x-script", "edit-server"), {},
         [this] {
             const QString name = m_clusterPanel->currentServer();
             const ServerHandle *server = m_cluster ? m_cluster->server(name) : nullptr;
             if (server && !server->config().scriptPath.isEmpty())
                 openScript(server->config().scriptPath);
         });
    make("actionShowAllLogs", tr("Show &All Logs"), QIcon(), QKeySequence(Qt::CTRL | Qt::Key_L),
         [this] { focusServer({}); });
    make("actionAbout", tr("&About qpalm"), QIcon(QStringLiteral(":/qpalm/icons/qpalm.svg")), {},
         [this] {
             QMessageBox::about(
                 this, tr("About qpalm"),
                 tr("<h3>qpalm %1</h3><p>Desktop cluster manager and native engine for PALM "
                    "(pylm) message clusters.</p>")
                     .arg(QStringLiteral(QPALM_VERSION)));
         });

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
                                       action(QStringLiteral("actionStopSelected")), nullptr,
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
    file->addSeparator();
    file->addAction(a("actionSave"));
    file->addAction(a("actionSaveAs"));
    file->addSeparator();
    file->addAction(a("actionQuit"));

    QMenu *cluster = menuBar()->addMenu(tr("&Cluster"));
    cluster->addAction(a("actionStartAll"));
    cluster->addAction(a("actionStopAll"));
    cluster->addSeparator();
    cluster->addAction(a("actionStartSelected"));
    cluster->addAction(a("actionStopSelected"));
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

    QMenu *script = menuBar()->addMenu(tr("&Script"));
    script->addAction(a("actionOpenScript"));
    script->addSeparator();
    script->addAction(m_scriptEditor->saveAction());
    script->addAction(m_scriptEditor->applyAction());
    script->addAction(m_scriptEditor->revertAction());

    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(a("actionPreferences"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
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
    toolBar->addSeparator();
    toolBar->addAction(a("actionNewServer"));
    toolBar->addAction(a("actionEditServer"));
    toolBar->addAction(a("actionAddReplica"));
    toolBar->addAction(a("actionRemoveReplica"));
    m_viewMenu->insertAction(m_viewMenu->actions().value(0), toolBar->toggleViewAction());
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = m_settings->recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString &path = files[i];
        const QString label =
            i < 9 ? QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName())
                  : QFileInfo(path).fileName();
        QAction *entry = m_recentMenu->addAction(label, this, [this, path] {
            if (maybeSave())
                openClusterFile(path, m_settings->startOnOpen());
        });
        entry->setToolTip(path);
        entry->setStatusTip(path);
    }
    if (!files.isEmpty())
        m_recentMenu->addSeparator();
    QAction *clear =
        m_recentMenu->addAction(tr("&Clear List"), m_settings, &AppSettings::clearRecentFiles);
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::replaceCluster(const QList<ServerConfig> &configs)
{
    m_clientPanel->setCluster(nullptr);
    m_cachePanel->setCluster(nullptr);
    m_scriptEditor->setCluster(nullptr);
    m_clusterPanel->setCluster(nullptr);
    if (m_cluster) {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        delete m_cluster; // stops its servers
        QApplication::restoreOverrideCursor();
    }
    m_cluster = new Cluster(this);
    connect(m_cluster, &Cluster::serverAdded, this, &MainWindow::wireServer);
    m_cluster->addServers(configs);
    m_clusterPanel->setCluster(m_cluster);
    m_clientPanel->setCluster(m_cluster);
    m_cachePanel->setCluster(m_cluster);
    m_scriptEditor->setCluster(m_cluster);
    m_logViewer->setServerFilter({});
    m_topology->highlightServer({});
    updateActions();
    updateStatus();
}

void MainWindow::wireServer(ServerHandle *server)
{
    connect(server, &ServerHandle::recordsLogged, m_logViewer, &LogViewer::appendRecords);
    connect(server, &ServerHandle::recordsLogged, m_errorInbox, &ErrorInbox::appendRecords);
    connect(server, &ServerHandle::failed, this,
            [this, name = server->name()](const QString &reason) {
                statusBar()->showMessage(tr("%1 failed to start: %2").arg(name, reason), 10000);
            });
}

void MainWindow::setClusterConfigs(const QList<ServerConfig> &configs, const QString &path)
{
    m_configs = configs;
    m_filePath = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    replaceCluster(configs);
    setDocumentModified(false);
    updateTitle();
    Q_EMIT clusterLoaded(m_filePath);
}

bool MainWindow::openClusterFile(const QString &path, bool start)
{
    ClusterError error;
    const auto configs = loadClusterFile(path, &error);
    if (!configs) {
        showError(tr("Cannot Open Cluster"), error.toString(QFileInfo(path).fileName()));
        if (!QFileInfo::exists(path))
            m_settings->removeRecentFile(path);
        return false;
    }
    setClusterConfigs(*configs, path);
    openScriptsOf(*configs);
    m_settings->addRecentFile(m_filePath);
    m_settings->setLastDirectory(QFileInfo(m_filePath).absolutePath());
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(m_filePath)), 5000);
    if (start)
        m_clusterPanel->startAll();
    return true;
}

bool MainWindow::saveClusterFileAs(const QString &path)
{
    if (auto problem = validateCluster(m_configs)) {
        showError(tr("Cannot Save Cluster"), problem->toString(QFileInfo(path).fileName()));
        return false;
    }
    QString error;
    if (!saveClusterFile(path, m_configs, &error)) {
        showError(tr("Cannot Save Cluster"), error);
        return false;
    }
    m_filePath = QFileInfo(path).absoluteFilePath();
    m_settings->addRecentFile(m_filePath);
    m_settings->setLastDirectory(QFileInfo(m_filePath).absolutePath());
    setDocumentModified(false);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_filePath)), 5000);
    return true;
}

void MainWindow::newCluster()
{
    if (!maybeSave())
        return;
    setClusterConfigs({});
}

void MainWindow::open()
{
    if (!maybeSave())
        return;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Cluster"), m_settings->lastDirectory(),
                                     tr("Cluster files (*.json);;All files (*)"));
    if (!path.isEmpty())
        openClusterFile(path, m_settings->startOnOpen());
}

bool MainWindow::save()
{
    if (m_filePath.isEmpty())
        return saveAs();
    return saveClusterFileAs(m_filePath);
}

bool MainWindow::saveAs()
{
    const QString start =
        m_filePath.isEmpty()
            ? QDir(m_settings->lastDirectory()).filePath(QStringLiteral("cluster.json"))
            : m_filePath;
    QString path = QFileDialog::getSaveFileName(this, tr("Save Cluster As"), start,
                                                tr("Cluster files (*.json);;All files (*)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    return saveClusterFileAs(path);
}

int MainWindow::entryIndexOf(const QString &serverName) const
{
    for (int i = 0; i < m_configs.size(); ++i) {
        if (m_configs[i].name == serverName)
            return i;
    }
    static const QRegularExpression suffix(QStringLiteral("^(.+)-(\\d+)$"));
    const QRegularExpressionMatch match = suffix.match(serverName);
    if (match.hasMatch()) {
        for (int i = 0; i < m_configs.size(); ++i) {
            if (m_configs[i].kind == ServerKind::Worker && m_configs[i].name == match.captured(1))
                return i;
        }
    }
    return -1;
}

bool MainWindow::addServerEntry(const ServerConfig &config)
{
    QList<ServerConfig> all = m_configs;
    all.append(config);
    if (auto problem = validateCluster(all)) {
        showError(tr("Cannot Add Server"), problem->toString());
        return false;
    }
    m_configs.append(config);
    m_cluster->addServers({config});
    setDocumentModified(true);
    updateActions();
    return true;
}

bool MainWindow::replaceServerEntry(const QString &name, const ServerConfig &config)
{
    const int index = entryIndexOf(name);
    if (index < 0)
        return false;
    QList<ServerConfig> all = m_configs;
    all[index] = config;
    if (auto problem = validateCluster(all)) {
        showError(tr("Cannot Change Server"), problem->toString());
        return false;
    }
    const ServerConfig old = m_configs[index];
    QList<ServerHandle *> handles = old.kind == ServerKind::Worker
                                        ? m_cluster->replicas(old.name)
                                        : QList<ServerHandle *>{m_cluster->server(old.name)};
    bool wasRunning = false;
    for (ServerHandle *handle : std::as_const(handles)) {
        if (!handle)
            continue;
        wasRunning = wasRunning || handle->state() == ServerHandle::State::Running;
        m_cluster->removeServer(handle);
    }
    m_configs[index] = config;
    const int before = int(m_cluster->servers().size());
    m_cluster->addServers({config});
    setDocumentModified(true);
    if (wasRunning) {
        QStringList names;
        const QList<ServerHandle *> servers = m_cluster->servers();
        for (int i = before; i < servers.size(); ++i)
            names.append(servers[i]->name());
        m_clusterPanel->startServers(names);
    }
    updateActions();
    return true;
}

bool MainWindow::removeServerEntry(const QString &serverName)
{
    const int index = entryIndexOf(serverName);
    if (index < 0)
        return false;
    const ServerConfig entry = m_configs.takeAt(index);
    const QList<ServerHandle *> handles =
        entry.kind == ServerKind::Worker ? m_cluster->replicas(entry.name)
                                         : QList<ServerHandle *>{m_cluster->server(entry.name)};
    for (ServerHandle *handle : handles) {
        if (handle)
            m_cluster->removeServer(handle);
    }
    setDocumentModified(true);
    updateActions();
    return true;
}

void MainWindow::newServer()
{
    ServerDialog dialog(this);
    dialog.setOtherServers(m_configs);
    const bool hasMaster =
        std::any_of(m_configs.cbegin(), m_configs.cend(), [](const ServerConfig &c) {
            return c.kind == ServerKind::Master || c.kind == ServerKind::Hub;
        });
    dialog.prepareNew(hasMaster ? ServerKind::Worker : ServerKind::Server);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ServerConfig config = dialog.config();
    if (addServerEntry(config))
        m_clusterPanel->selectServer(config.kind == ServerKind::Worker && config.replicas > 1
                                         ? config.name + QStringLiteral("-1")
                                         : config.name);
}

void MainWindow::editServer()
{
    const QString name = m_clusterPanel->currentServer().isEmpty()
                             ? m_clusterPanel->selectedServers().value(0)
                             : m_clusterPanel->currentServer();
    const int index = entryIndexOf(name);
    if (index >= 0)
        editEntry(index);
}

void MainWindow::editEntry(int index)
{
    ServerDialog dialog(this);
    QList<ServerConfig> others = m_configs;
    ServerConfig entry = others.takeAt(index);
    if (entry.kind == ServerKind::Worker)
        entry.replicas = qMax(1, int(m_cluster->replicas(entry.name).size()));
    dialog.setOtherServers(others);
    dialog.setConfig(entry);
    if (dialog.exec() != QDialog::Accepted)
        return;
    replaceServerEntry(entry.name, dialog.config());
}

void MainWindow::removeSelectedServers()
{
    const QStringList names = m_clusterPanel->selectedServers();
    if (names.isEmpty())
        return;
    QStringList entries;
    for (const QString &name : names) {
        const int index = entryIndexOf(name);
        if (index >= 0 && !entries.contains(m_configs[index].name))
            entries.append(m_configs[index].name);
    }
    if (m_interactive &&
        QMessageBox::question(this, tr("Remove Servers"),
                              tr("Remove %1 from the cluster? Running servers are stopped.")
                                  .arg(entries.join(QStringLiteral(", ")))) != QMessageBox::Yes)
        return;
    for (const QString &entry : std::as_const(entries))
        removeServerEntry(entry);
}

void MainWindow::onReplicasChanged(const QString &base, int count)
{
    const int index = entryIndexOf(base);
    if (index < 0 || m_configs[index].kind != ServerKind::Worker)
        return;
    if (count >= 1 && m_configs[index].replicas != count) {
        m_configs[index].replicas = count;
        setDocumentModified(true);
    }
    updateActions();
    statusBar()->showMessage(count == 1 ? tr("%1: 1 replica").arg(base)
                                        : tr("%1: %2 replicas").arg(base).arg(count),
                             5000);
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(m_settings, this);
    if (dialog.exec() == QDialog::Accepted && dialog.resetLayoutRequested())
        resetLayout();
}

void MainWindow::applyPreferences()
{
    m_topology->setShowRates(m_settings->showEdgeRates());
    m_logViewer->setCapacity(m_settings->logCapacity());
    // The usual durations for a temporary log level, plus the preferred one.
    QList<int> minutes{1, 5, 15, 60};
    if (!minutes.contains(m_settings->temporaryLevelMinutes())) {
        minutes.append(m_settings->temporaryLevelMinutes());
        std::sort(minutes.begin(), minutes.end());
    }
    m_clusterPanel->setTemporaryLevelChoices(minutes);
}

void MainWindow::focusServer(const QString &name)
{
    m_logViewer->setServerFilter(name.isEmpty() ? QStringList() : QStringList{name});
    m_topology->highlightServer(name);
    if (!name.isEmpty() && m_clusterPanel->currentServer() != name)
        m_clusterPanel->selectServer(name);
    if (auto *dock = qobject_cast<QDockWidget *>(m_logViewer->parentWidget()))
        dock->raise();
    statusBar()->showMessage(
        name.isEmpty() ? tr("Showing every server's log") : tr("Showing %1's log").arg(name), 3000);
}

void MainWindow::openScript(const QString &file, int line)
{
    if (!m_scriptEditor->open(file, line))
        showError(tr("Cannot Open Script"), m_scriptEditor->lastError());
}

void MainWindow::openScriptsOf(const QList<ServerConfig> &configs)
{
    QStringList files;
    for (const ServerConfig &config : configs) {
        if (!config.scriptPath.isEmpty() && !files.contains(config.scriptPath) &&
            QFileInfo(config.scriptPath).isFile())
            files.append(config.scriptPath);
    }
    // Open the first one last so it ends up the current tab.
    for (auto it = files.crbegin(); it != files.crend(); ++it)
        m_scriptEditor->open(*it);
}

void MainWindow::reportStartFailures(const QStringList &failures)
{
    if (failures.isEmpty())
        return;
    statusBar()->showMessage(
        failures.size() == 1
            ? tr("Could not start %1").arg(failures.first())
            : tr("Could not start %1 servers; the Cluster panel says why").arg(failures.size()),
        15000);
    m_lastError = failures.join(QLatin1Char('\n'));
}

void MainWindow::setDocumentModified(bool modified)
{
    setWindowModified(modified);
    updateTitle();
}

void MainWindow::updateTitle()
{
    const QString name = m_filePath.isEmpty() ? tr("Untitled") : QFileInfo(m_filePath).fileName();
    setWindowTitle(QStringLiteral("%1[*] — qpalm").arg(name));
    setWindowFilePath(m_filePath);
}

void MainWindow::updateActions()
{
    if (!m_cluster)
        return;
    const QStringList selected = m_clusterPanel->selectedServers();
    bool anySelectedRunning = false;
    bool anySelectedStopped = false;
    for (const QString &name : selected) {
        if (const ServerHandle *s = m_cluster->server(name)) {
            const auto state = s->state();
            if (state == ServerHandle::State::Running || state == ServerHandle::State::Starting)
                anySelectedRunning = true;
            else
                anySelectedStopped = true;
        }
    }
    bool anyRunning = false;
    bool anyStopped = false;
    const QList<ServerHandle *> servers = m_cluster->servers();
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
    action(QStringLiteral("actionStartAll"))->setEnabled(anyStopped);
    action(QStringLiteral("actionStopAll"))->setEnabled(anyRunning);
    action(QStringLiteral("actionEditServer"))->setEnabled(entryIndexOf(current) >= 0);
    const ServerHandle *currentHandle = m_cluster->server(current);
    action(QStringLiteral("actionOpenScript"))
        ->setEnabled(currentHandle && !currentHandle->config().scriptPath.isEmpty());
    action(QStringLiteral("actionRemoveServer"))->setEnabled(!selected.isEmpty());
    action(QStringLiteral("actionAddReplica"))->setEnabled(!base.isEmpty());
    action(QStringLiteral("actionRemoveReplica"))
        ->setEnabled(!base.isEmpty() && m_cluster->replicas(base).size() > 1);
}

void MainWindow::updateStatus()
{
    const ClusterModel *model = m_clusterPanel->model();
    const ClusterModel::Totals totals = model->totals();
    // The cluster's own traffic: what clients send to its entry servers, what its last stages
    // publish.
    double in = 0;
    double out = 0;
    const QList<TopologyView::Edge> edges = m_topology->edges();
    for (const TopologyView::Edge &edge : edges) {
        if (edge.kind == TopologyView::EdgeKind::Request)
            in += model->inRate(edge.to);
        else if (edge.kind == TopologyView::EdgeKind::Reply)
            out += model->outRate(edge.from);
    }
    m_serversLabel->setText(tr("Servers: %1/%2 running").arg(totals.running).arg(totals.total));
    m_ratesLabel->setText(tr("In: %1 msg/s  Out: %2 msg/s").arg(rate(in), rate(out)));
    m_errorsLabel->setText(tr("Errors: %1").arg(totals.errors));
    m_errorsLabel->setStyleSheet(totals.errors > 0 ? QStringLiteral("color: #c62828;") : QString());
}

QString MainWindow::statusText() const
{
    return QStringList{m_serversLabel->text(), m_ratesLabel->text(), m_errorsLabel->text()}.join(
        QStringLiteral(" | "));
}

void MainWindow::showError(const QString &title, const QString &text)
{
    m_lastError = text;
    if (m_interactive)
        QMessageBox::critical(this, title, text);
    else
        statusBar()->showMessage(text, 10000);
}

bool MainWindow::maybeSave()
{
    if (!isWindowModified() || !m_interactive)
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved Changes"), tr("The cluster has unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
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

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile() &&
        urls.first().toLocalFile().endsWith(QLatin1String(".json")))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString path = urls.first().toLocalFile();
    // Leave the drag first: opening may ask questions.
    QTimer::singleShot(0, this, [this, path] {
        if (maybeSave())
            openClusterFile(path, m_settings->startOnOpen());
    });
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_sizeDocksOnShow) {
        m_sizeDocksOnShow = false;
        sizeDocks();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeSave() || (m_interactive && !m_scriptEditor->confirmClose())) {
        event->ignore();
        return;
    }
    if (m_interactive && m_settings->confirmQuitWhileRunning() &&
        m_clusterPanel->model()->totals().running > 0 &&
        QMessageBox::question(this, tr("Quit"), tr("Servers are running. Stop them and quit?")) !=
            QMessageBox::Yes) {
        event->ignore();
        return;
    }
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState(kStateVersion));
    m_settings->sync();
    m_clusterPanel->stopAll();
    event->accept();
}

} // namespace qpalm
