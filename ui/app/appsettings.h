// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

class QSettings;

namespace qpalm {

// The app's persistent settings (recent files, window layout, preferences) over QSettings.
class AppSettings : public QObject
{
    Q_OBJECT
public:
    // The user's settings (organization and application "qpalm").
    explicit AppSettings(QObject *parent = nullptr);
    // Settings kept in an INI file at iniPath (tests, portable use).
    explicit AppSettings(const QString &iniPath, QObject *parent = nullptr);
    ~AppSettings() override;

    // Most recent first, only files that still exist.
    QStringList recentFiles() const;
    void addRecentFile(const QString &path);
    void removeRecentFile(const QString &path);
    void clearRecentFiles();
    int maxRecentFiles() const;
    void setMaxRecentFiles(int count);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    // Folder the last file dialog was in.
    QString lastDirectory() const;
    void setLastDirectory(const QString &directory);

    // What opening a cluster file (other than the demo) does with its servers.
    enum class StartPolicy { Ask, Always, Never };
    StartPolicy startPolicy() const;
    void setStartPolicy(StartPolicy policy);
    // startPolicy() == Always; setting it picks Always or Never.
    bool startOnOpen() const;
    void setStartOnOpen(bool on);
    // Ask before quitting while servers run.
    bool confirmQuitWhileRunning() const;
    void setConfirmQuitWhileRunning(bool on);
    // Default duration of a temporary log level change, in minutes.
    int temporaryLevelMinutes() const;
    void setTemporaryLevelMinutes(int minutes);
    // How many log records the log viewer keeps (a ring; the oldest go first).
    int logCapacity() const;
    void setLogCapacity(int records);
    // Show message rates on the topology's edges.
    bool showEdgeRates() const;
    void setShowEdgeRates(bool on);

    // Writes pending changes to storage.
    void sync();

Q_SIGNALS:
    // GUI thread: the recent file list changed.
    void recentFilesChanged();
    // GUI thread: a preference changed.
    void preferencesChanged();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace qpalm
