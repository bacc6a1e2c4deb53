// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "appsettings.h"
#include "cluster.h"
#include "clusterdocument.h"
#include "clusterpanel.h"
#include "errorinbox.h"
#include "logviewer.h"
#include "scripteditor.h"
#include "serverhandle.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

// The window's document side: open, save, recent files, what a newly opened cluster replaces.
namespace qpalm {

namespace {

QStringList scriptFilesOf(const QList<ServerConfig> &configs)
{
    QStringList files;
    for (const ServerConfig &config : configs) {
        if (!config.scriptPath.isEmpty() && !files.contains(config.scriptPath))
            files.append(config.scriptPath);
    }
    return files;
}

} // namespace

QString MainWindow::recentLabel(const QString &path)
{
    // The file name first, then its folder (home as ~), so every "cluster.json" reads apart.
    const QFileInfo info(path);
    QString folder = QDir::toNativeSeparators(info.absolutePath());
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (!home.isEmpty() && home != QLatin1String("/") &&
        (folder == home || folder.startsWith(home + QDir::separator())))
        folder = QLatin1Char('~') + folder.mid(home.size());
    constexpr int kMaxFolder = 60;
    if (folder.size() > kMaxFolder) // keep the end: the nearest folders tell files apart
        folder = QStringLiteral("…") + folder.right(kMaxFolder - 1);
    return QStringLiteral("%1 — %2").arg(info.fileName(), folder);
}

void MainWindow::setClusterConfigs(const QList<ServerConfig> &configs, const QString &path)
{
    const QList<ServerConfig> previous = m_document->configs();
    m_document->reset(configs, path);
    forgetPreviousCluster(previous);
    updateTitle();
    Q_EMIT clusterLoaded(m_document->filePath());
}

void MainWindow::forgetPreviousCluster(const QList<ServerConfig> &previous)
{
    // What the last cluster left: its log, its errors (and the traceback shown), its scripts'
    // tabs. Scripts the new cluster uses stay open; modified tabs stay (nothing is lost).
    m_logViewer->clear();
    m_errorInbox->clear();
    const QStringList keep = scriptFilesOf(m_document->configs());
    QStringList close = scriptFilesOf(previous);
    const QStringList open = m_scriptEditor->openFiles();
    for (const QString &file : open) {
        if (!close.contains(file))
            close.append(file); // opened from a traceback or by hand while it ran
    }
    for (const QString &file : std::as_const(close)) {
        if (!keep.contains(file) && open.contains(file))
            m_scriptEditor->closeFile(file, false);
    }
}

bool MainWindow::openClusterFile(const QString &path, bool start)
{
    QString error;
    const QList<ServerConfig> previous = m_document->configs();
    if (!m_document->load(path, &error)) {
        showError(tr("Cannot Open Cluster"), error);
        if (!QFileInfo::exists(path))
            m_settings->removeRecentFile(path);
        return false;
    }
    forgetPreviousCluster(previous);
    updateTitle();
    Q_EMIT clusterLoaded(m_document->filePath());
    openScriptsOf(m_document->configs());
    m_settings->addRecentFile(m_document->filePath());
    m_settings->setLastDirectory(QFileInfo(m_document->filePath()).absolutePath());
    const QStringList problems = m_document->entryProblems();
    if (!problems.isEmpty()) {
        // Opened anyway, so the entry can be fixed in Edit Server; its server cannot start.
        m_lastError = problems.join(QLatin1Char('\n'));
        statusBar()->showMessage(tr("Opened %1 with problems: %2")
                                     .arg(QFileInfo(m_document->filePath()).fileName(),
                                          problems.join(QLatin1String("; "))),
                                 20000);
    } else {
        statusBar()->showMessage(
            tr("Opened %1").arg(QDir::toNativeSeparators(m_document->filePath())), 5000);
    }
    if (start)
        m_clusterPanel->startAll();
    return true;
}

bool MainWindow::openFile(const QString &path)
{
    if (!maybeSave())
        return false;
    bool start = false;
    switch (m_settings->startPolicy()) {
    case AppSettings::StartPolicy::Always:
        start = true;
        break;
    case AppSettings::StartPolicy::Never:
        break;
    case AppSettings::StartPolicy::Ask:
        start = askToStart(path);
        break;
    }
    return openClusterFile(path, start);
}

bool MainWindow::askToStart(const QString &path)
{
    if (!m_interactive)
        return false; // the question's default: open only
    QMessageBox box(QMessageBox::Question, tr("Start Cluster"),
                    tr("Start the servers of %1 now?").arg(QFileInfo(path).fileName()),
                    QMessageBox::NoButton, this);
    box.setInformativeText(tr("They bind the addresses the file names and run its scripts. "
                              "Start All (F5) starts them later."));
    QPushButton *start = box.addButton(tr("&Start"), QMessageBox::AcceptRole);
    box.addButton(tr("&Only Open"), QMessageBox::RejectRole);
    box.setDefaultButton(start);
    auto *remember = new QCheckBox(tr("Do this every time (Preferences can change it)"), &box);
    box.setCheckBox(remember);
    box.exec();
    const bool yes = box.clickedButton() == start;
    if (remember->isChecked())
        m_settings->setStartPolicy(yes ? AppSettings::StartPolicy::Always
                                       : AppSettings::StartPolicy::Never);
    return yes;
}

bool MainWindow::saveClusterFileAs(const QString &path)
{
    QString error;
    if (!m_document->saveAs(path, &error)) {
        showError(tr("Cannot Save Cluster"), error);
        return false;
    }
    m_settings->addRecentFile(m_document->filePath());
    m_settings->setLastDirectory(QFileInfo(m_document->filePath()).absolutePath());
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_document->filePath())),
                             5000);
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
        openFile(path);
}

void MainWindow::openDemo()
{
    if (m_demoPath.isEmpty() || !maybeSave())
        return;
    openClusterFile(m_demoPath, true); // the demo is there to run
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    return saveClusterFileAs(m_document->filePath());
}

bool MainWindow::saveAs()
{
    const QString start =
        m_document->filePath().isEmpty()
            ? QDir(m_settings->lastDirectory()).filePath(QStringLiteral("cluster.json"))
            : m_document->filePath();
    QString path = QFileDialog::getSaveFileName(this, tr("Save Cluster As"), start,
                                                tr("Cluster files (*.json);;All files (*)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    return saveClusterFileAs(path);
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified() || !m_interactive)
        return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved Changes"), tr("The cluster has unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::openScriptsOf(const QList<ServerConfig> &configs)
{
    QStringList files;
    for (const QString &file : scriptFilesOf(configs)) {
        if (QFileInfo(file).isFile())
            files.append(file);
    }
    // Open the first one last so it ends up the current tab.
    for (auto it = files.crbegin(); it != files.crend(); ++it)
        m_scriptEditor->open(*it);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = m_settings->recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString &path = files[i];
        QString label = recentLabel(path);
        label.replace(QLatin1Char('&'), QLatin1String("&&"));
        if (i < 9)
            label = QStringLiteral("&%1 %2").arg(i + 1).arg(label);
        QAction *entry = m_recentMenu->addAction(label, this, [this, path] { openFile(path); });
        entry->setToolTip(QDir::toNativeSeparators(path));
        entry->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (!files.isEmpty())
        m_recentMenu->addSeparator();
    QAction *clear =
        m_recentMenu->addAction(tr("&Clear List"), m_settings, &AppSettings::clearRecentFiles);
    clear->setEnabled(!files.isEmpty());
    Q_EMIT recentFilesChanged();
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
    QTimer::singleShot(0, this, [this, path] { openFile(path); });
}

} // namespace qpalm
