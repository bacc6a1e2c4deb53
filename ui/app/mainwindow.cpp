// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "appsettings.h"
#include "cachepanel.h"
#include "clientpanel.h"
#include "cluster.h"
#include "clusterdocument.h"
#include "clustergraph.h"
#include "clustermodel.h"
#include "clusterpanel.h"
#include "errorinbox.h"
#include "logviewer.h"
#include "preferencesdialog.h"
#include "scripteditor.h"
#include "serverdialog.h"
#include "serverhandle.h"
#include "servertraits.h"
#include "topologyview.h"
#include "welcomepage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
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
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

#include <algorithm>

namespace qpalm {

namespace {

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

    m_document = new ClusterDocument(this);
    connect(m_document, &ClusterDocument::clusterAboutToBeReplaced, this,
            &MainWindow::detachCluster);
    connect(m_document, &ClusterDocument::clusterReplaced, this, &MainWindow::attachCluster);
    connect(m_document, &ClusterDocument::modifiedChanged, this, &MainWindow::setWindowModified);
    connect(m_document, &ClusterDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ClusterDocument::entriesChanged, this, &MainWindow::updateActions);

    m_serversLabel = new QLabel(this);
    m_serversLabel->setObjectName(QStringLiteral("serversStatus"));
    m_ratesLabel = new QLabel(this);
    m_ratesLabel->setObjectName(QStringLiteral("ratesStatus"));
    m_ratesLabel->setToolTip(
        tr("Messages per second clients send to the cluster, and its last stages publish"));
    m_errorsLabel = new QLabel(this);
    m_errorsLabel->setObjectName(QStringLiteral("errorsStatus"));
    m_errorsLabel->setToolTip(
        tr("ERROR and CRITICAL records listed in the Errors tab (kept across server restarts)"));
    // Fixed minimums: changing counts and rates never widen the window.
    for (QLabel *label : {m_serversLabel, m_ratesLabel, m_errorsLabel})
        label->setMinimumWidth(label->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 8);
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
    // The client panel measures clients -> entry latency; the topology shows it on that edge.
    connect(m_clientPanel, &ClientPanel::jobFinished, this,
            [this](int, int received, double p50ms, double p99ms) {
                if (const ServerHandle *entry = m_clientPanel->currentServer();
                    entry && received > 0)
                    m_topology->setEdgeLatency(TopologyView::clientNodeName(), entry->name(), p50ms,
                                               p99ms);
            });
    // One outcome, one message: the status bar repeats the editor's own words.
    connect(m_scriptEditor, &ScriptEditor::applyFinished, this,
            [this](const QString &, bool ok, const QString &message) {
                statusBar()->showMessage(message.section(QLatin1Char('\n'), 0, 0),
                                         ok ? 5000 : 15000);
            });
    connect(m_settings, &AppSettings::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
    connect(m_settings, &AppSettings::preferencesChanged, this, &MainWindow::applyPreferences);
    applyPreferences();

    m_defaultState = saveState(kStateVersion);
    restoreWindowGeometry(m_settings->windowGeometry());
    // Without a saved layout, dock sizes are set once the window has its size (first show).
    m_sizeDocksOnShow = m_settings->windowState().isEmpty() ||
                        !restoreState(m_settings->windowState(), kStateVersion);

    attachCluster(m_document->cluster());
    rebuildRecentMenu();
    connect(this, &MainWindow::recentFilesChanged, this,
            [this] { m_welcome->setRecentFiles(m_settings->recentFiles()); });
    m_welcome->setRecentFiles(m_settings->recentFiles());
    m_welcome->setDemoAvailable(false);
    updateTitle();
    updateCentral();
}

void MainWindow::setDemoPath(const QString &path)
{
    m_demoPath = path;
    m_welcome->setDemoAvailable(!path.isEmpty());
    action(QStringLiteral("actionOpenDemo"))->setEnabled(!path.isEmpty());
}

void MainWindow::updateCentral()
{
    const bool editing = !m_scriptEditor->openFiles().isEmpty();
    m_welcome->setClusterLoaded(!m_document->filePath().isEmpty() ||
                                    !m_document->configs().isEmpty(),
                                int(m_document->configs().size()));
    m_central->setCurrentWidget(editing ? static_cast<QWidget *>(m_scriptEditor) : m_welcome);
}

MainWindow::~MainWindow()
{
    // Views first, so nothing watches the servers while they stop.
    detachCluster();
    delete m_document;
    m_document = nullptr;
}

void MainWindow::detachCluster()
{
    m_clientPanel->setCluster(nullptr);
    m_cachePanel->setCluster(nullptr);
    m_scriptEditor->setCluster(nullptr);
    m_clusterPanel->setCluster(nullptr);
}

void MainWindow::attachCluster(Cluster *cluster)
{
    const QList<ServerHandle *> servers = cluster->servers();
    for (ServerHandle *server : servers)
        wireServer(server);
    connect(cluster, &Cluster::serverAdded, this, &MainWindow::wireServer);
    connect(cluster, &Cluster::serverAboutToBeRemoved, this, &MainWindow::onServerAboutToBeRemoved);
    m_clusterPanel->setCluster(cluster);
    m_clientPanel->setCluster(cluster);
    m_cachePanel->setCluster(cluster);
    m_errorInbox->setCluster(cluster);
    m_scriptEditor->setCluster(cluster);
    m_logViewer->setServerFilter({});
    m_topology->highlightServer({});
    updateActions();
    updateStatus();
    if (m_central)
        updateCentral();
}

void MainWindow::onServerAboutToBeRemoved(ServerHandle *server)
{
    // The handle goes at once, and with it the server's own last batch: say it stopped here.
    const auto state = server->state();
    if (state == ServerHandle::State::Stopped || state == ServerHandle::State::Failed)
        return;
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = server->name();
    record.level = LogLevel::Info;
    record.text =
        server->config().replica > 0
            ? tr("%1 '%2' stopped (replica removed)").arg(kindName(server->kind()), server->name())
            : tr("%1 '%2' stopped (removed from the cluster)")
                  .arg(kindName(server->kind()), server->name());
    m_logViewer->appendRecords({record});
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

QList<ServerConfig> MainWindow::clusterConfigs() const
{
    return m_document->configs();
}

QString MainWindow::filePath() const
{
    return m_document->filePath();
}

bool MainWindow::isModified() const
{
    return m_document->isModified();
}

Cluster *MainWindow::cluster() const
{
    return m_document->cluster();
}

bool MainWindow::addServerEntry(const ServerConfig &config)
{
    QString error;
    if (!m_document->addEntry(config, &error)) {
        showError(tr("Cannot Add Server"), error);
        return false;
    }
    return true;
}

bool MainWindow::replaceServerEntry(const QString &name, const ServerConfig &config)
{
    QString error;
    QStringList restart;
    // The rows keep their place (ClusterModel) and the selection stays on the same names.
    const QStringList selected = m_clusterPanel->selectedServers();
    const QString current = m_clusterPanel->currentServer();
    if (!m_document->replaceEntry(name, config, &restart, &error)) {
        if (!error.isEmpty())
            showError(tr("Cannot Change Server"), error);
        return false;
    }
    m_clusterPanel->selectServers(selected, current);
    if (!restart.isEmpty())
        m_clusterPanel->startServers(restart);
    return true;
}

bool MainWindow::removeServerEntry(const QString &serverName)
{
    return m_document->removeEntry(serverName);
}

void MainWindow::newServer()
{
    ServerDialog dialog(this);
    const QList<ServerConfig> configs = m_document->configs();
    dialog.setOtherServers(configs);
    const bool hasMaster = std::any_of(configs.cbegin(), configs.cend(), [](const ServerConfig &c) {
        return traitsOf(c.kind).hasWorkers;
    });
    dialog.prepareNew(hasMaster ? ServerKind::Worker : ServerKind::Server);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ServerConfig config = dialog.config();
    if (!addServerEntry(config))
        return;
    const QList<ServerHandle *> replicas = cluster()->replicas(config.name);
    m_clusterPanel->selectServer(config.kind == ServerKind::Worker && !replicas.isEmpty()
                                     ? replicas.first()->name()
                                     : config.name);
}

void MainWindow::editServer()
{
    const QString name = m_clusterPanel->currentServer().isEmpty()
                             ? m_clusterPanel->selectedServers().value(0)
                             : m_clusterPanel->currentServer();
    const int index = m_document->entryIndexOf(name);
    if (index >= 0)
        editEntry(index);
}

void MainWindow::editEntry(int index)
{
    ServerDialog dialog(this);
    QList<ServerConfig> others = m_document->configs();
    ServerConfig entry = others.takeAt(index);
    if (entry.kind == ServerKind::Worker)
        entry.replicas = qMax(1, int(cluster()->replicas(entry.name).size()));
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
    const QList<ServerConfig> configs = m_document->configs();
    for (const QString &name : names) {
        const int index = m_document->entryIndexOf(name);
        if (index >= 0 && !entries.contains(configs[index].name))
            entries.append(configs[index].name);
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
    const int index = m_document->entryIndexOf(base);
    if (index < 0 || m_document->configs()[index].kind != ServerKind::Worker)
        return;
    m_document->setReplicaCount(base, count);
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

void MainWindow::updateTitle()
{
    const QString path = m_document ? m_document->filePath() : QString();
    const QString name = path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName();
    setWindowTitle(QStringLiteral("%1[*] — qpalm").arg(name));
    setWindowFilePath(path);
}

void MainWindow::updateStatus()
{
    const ClusterModel *model = m_clusterPanel->model();
    const ClusterModel::Totals totals = model->totals();
    // The cluster's own traffic: what clients send to its entry servers, what its last stages
    // publish.
    double in = 0;
    double out = 0;
    const QList<ClusterGraph::Edge> edges = model->graph().edges();
    for (const ClusterGraph::Edge &edge : edges) {
        if (edge.kind == ClusterGraph::EdgeKind::Request)
            in += model->inRate(edge.to);
        else if (edge.kind == ClusterGraph::EdgeKind::Reply)
            out += model->outRate(edge.from);
    }
    m_serversLabel->setText(tr("Servers: %1/%2 running").arg(totals.running).arg(totals.total));
    m_ratesLabel->setText(tr("In: %1 msg/s  Out: %2 msg/s").arg(rate(in), rate(out)));
    // One count everywhere: the error inbox's (survives restarts; cleared with the inbox).
    const qint64 errors = m_errorInbox->model()->errorCount();
    m_errorsLabel->setText(tr("Errors: %1").arg(errors));
    m_errorsLabel->setStyleSheet(errors > 0 ? QStringLiteral("color: #c62828;") : QString());
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

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_sizeDocksOnShow) {
        m_sizeDocksOnShow = false;
        sizeDocks();
    }
    if (!m_frameSeen && !event->spontaneous())
        watchFrame();
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
