// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QList>
#include <QMainWindow>
#include <QMargins>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QStackedWidget;
class QTimer;

namespace qpalm {

class AppSettings;
class CachePanel;
class ClientPanel;
class Cluster;
class ClusterDocument;
class ClusterPanel;
class ErrorInbox;
class LogViewer;
class ScriptEditor;
class ServerHandle;
class TopologyView;
class WelcomePage;

// The desktop app's window: a cluster file as the document, its servers run in-process and
// watched through docks (cluster, topology, logs, errors, client, cache) around the script editor.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // settings may be nullptr (the user's settings are used); not owned.
    explicit MainWindow(AppSettings *settings = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a cluster file; on error shows it (entry and field named) and keeps the current
    // cluster. The previous cluster's log, errors and script tabs go.
    bool openClusterFile(const QString &path, bool start);
    // Opens a cluster file as Open, Open Recent and a drop do: starts it as the preference says
    // (asks by default).
    bool openFile(const QString &path);
    // The demo cluster file, offered on the empty window and in Help (empty: none).
    void setDemoPath(const QString &path);
    QString demoPath() const { return m_demoPath; }
    // "cluster.json — ~/src/examples/pipeline": what Open Recent shows for path.
    static QString recentLabel(const QString &path);
    // Saves the entries to path (becomes the current file); false with the reason shown.
    bool saveClusterFileAs(const QString &path);
    // Replaces the document with these entries (path may be empty: untitled).
    void setClusterConfigs(const QList<ServerConfig> &configs, const QString &path = {});
    // Adds an entry (worker replicas expanded) to the document and the cluster; false when invalid.
    bool addServerEntry(const ServerConfig &config);
    // Replaces the entry named name; its servers restart when they ran. False when invalid.
    bool replaceServerEntry(const QString &name, const ServerConfig &config);
    // Removes the entry a server belongs to, stopping its servers.
    bool removeServerEntry(const QString &serverName);

    // The document: entries as the cluster file holds them (workers with their replica count).
    ClusterDocument *document() const { return m_document; }
    QList<ServerConfig> clusterConfigs() const;
    QString filePath() const;
    bool isModified() const;
    Cluster *cluster() const;

    ClusterPanel *clusterPanel() const { return m_clusterPanel; }
    TopologyView *topologyView() const { return m_topology; }
    LogViewer *logViewer() const { return m_logViewer; }
    ErrorInbox *errorInbox() const { return m_errorInbox; }
    ClientPanel *clientPanel() const { return m_clientPanel; }
    CachePanel *cachePanel() const { return m_cachePanel; }
    ScriptEditor *scriptEditor() const { return m_scriptEditor; }
    // An action by object name ("actionStartAll", ...), or nullptr.
    QAction *action(const QString &objectName) const;
    // The totals shown in the status bar, as text.
    QString statusText() const;

    // False: errors go to lastError() instead of message boxes, questions take their default
    // (tests, scripts).
    void setInteractive(bool interactive) { m_interactive = interactive; }
    QString lastError() const { return m_lastError; }

public Q_SLOTS:
    void newCluster();
    void open();
    bool save();
    bool saveAs();
    void newServer();
    void editServer();
    void removeSelectedServers();
    void showPreferences();
    void openDemo();
    // Help: every action with a shortcut, the user guide, About.
    void showShortcuts();
    void showUserGuide();
    void showAbout();
    // Filters the logs to one server and highlights it everywhere (empty shows every server).
    void focusServer(const QString &name);
    // Puts every dock back where it was at first start.
    void resetLayout();
    // Opens a script in the editor at line (from a traceback).
    void openScript(const QString &file, int line = 0);

Q_SIGNALS:
    // GUI thread: a cluster file was opened or the document replaced.
    void clusterLoaded(const QString &path);
    // GUI thread: Open Recent's list changed.
    void recentFilesChanged();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;
    void moveEvent(QMoveEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    static constexpr int kStateVersion = 1; // of saveState()'s layout

    void createActions();
    void createMenus();
    void createDocks();
    void sizeDocks();
    void applyPreferences();
    // scrolls: the widget sits in a scroll area (a form that must not be pressed smaller).
    QDockWidget *addDock(const QString &objectName, const QString &title, QWidget *widget,
                         Qt::DockWidgetArea area, bool scrolls = false);
    void wireServer(ServerHandle *server);
    void detachCluster();
    void attachCluster(Cluster *cluster);
    void updateTitle();
    void updateActions();
    void updateStatus();
    void rebuildRecentMenu();
    void reportStartFailures(const QStringList &failures);
    bool askToStart(const QString &path);
    void forgetPreviousCluster(const QList<ServerConfig> &previous);
    // Restores a saved geometry (or sizes and centers the window at first run) on the screen.
    void restoreWindowGeometry(const QByteArray &geometry);
    // Moves and shrinks the window's frame into its screen's free area (centered: in its middle).
    void fitToScreen(bool center);
    // The frame the window manager draws around the window, or a guess until it says.
    QMargins frameMarginsOrGuess() const;
    void watchFrame();
    void refitAfterStateChange(Qt::WindowStates previous);
    void updateCentral();
    void onServerAboutToBeRemoved(ServerHandle *server);
    void onReplicasChanged(const QString &base, int count);
    bool maybeSave();
    void showError(const QString &title, const QString &text);
    void editEntry(int index);
    void openScriptsOf(const QList<ServerConfig> &configs);

    AppSettings *m_settings = nullptr;
    bool m_ownSettings = false;
    ClusterDocument *m_document = nullptr;
    bool m_interactive = true;
    QString m_lastError;
    QByteArray m_defaultState;
    QString m_demoPath;
    bool m_sizeDocksOnShow = false;
    QMargins m_frameGuess;       // before the window manager reported its frame
    QRect m_placed;              // where restoreWindowGeometry() put the window
    bool m_centerOnShow = false; // no saved geometry: centered once the frame is known
    bool m_frameSeen = false;    // the window manager's frame is known (or never will be)
    QTimer *m_frameWatch = nullptr;
    int m_frameWatchTicks = 0;
    QTimer *m_refit = nullptr; // fits the window once it settled after un-maximizing

    ClusterPanel *m_clusterPanel = nullptr;
    TopologyView *m_topology = nullptr;
    LogViewer *m_logViewer = nullptr;
    ErrorInbox *m_errorInbox = nullptr;
    ClientPanel *m_clientPanel = nullptr;
    CachePanel *m_cachePanel = nullptr;
    ScriptEditor *m_scriptEditor = nullptr;
    QStackedWidget *m_central = nullptr;
    WelcomePage *m_welcome = nullptr;

    QMenu *m_recentMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QLabel *m_serversLabel = nullptr;
    QLabel *m_ratesLabel = nullptr;
    QLabel *m_errorsLabel = nullptr;
};

} // namespace qpalm
