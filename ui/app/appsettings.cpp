// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "appsettings.h"

#include <QFileInfo>
#include <QSettings>

namespace qpalm {

namespace {
const auto kRecent = QStringLiteral("files/recent");
const auto kMaxRecent = QStringLiteral("files/maxRecent");
const auto kLastDir = QStringLiteral("files/lastDirectory");
const auto kGeometry = QStringLiteral("window/geometry");
const auto kState = QStringLiteral("window/state");
const auto kStartOnOpen = QStringLiteral("cluster/startOnOpen"); // before the policy
const auto kStartPolicy = QStringLiteral("cluster/startPolicy");
const auto kConfirmQuit = QStringLiteral("cluster/confirmQuitWhileRunning");
const auto kTempMinutes = QStringLiteral("logging/temporaryLevelMinutes");
const auto kLogCapacity = QStringLiteral("logging/capacity");
constexpr int kMinLogCapacity = 1000;
constexpr int kMaxLogCapacity = 20'000'000;
const auto kEdgeRates = QStringLiteral("topology/showEdgeRates");
} // namespace

AppSettings::AppSettings(QObject *parent)
    : QObject(parent),
      m_settings(std::make_unique<QSettings>(QStringLiteral("qpalm"), QStringLiteral("qpalm")))
{
}

AppSettings::AppSettings(const QString &iniPath, QObject *parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
}

AppSettings::~AppSettings() = default;

QStringList AppSettings::recentFiles() const
{
    QStringList files;
    const QStringList stored = m_settings->value(kRecent).toStringList();
    for (const QString &file : stored) {
        if (QFileInfo::exists(file) && !files.contains(file))
            files.append(file);
    }
    return files.mid(0, maxRecentFiles());
}

void AppSettings::addRecentFile(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = m_settings->value(kRecent).toStringList();
    files.removeAll(absolute);
    files.prepend(absolute);
    m_settings->setValue(kRecent, files.mid(0, maxRecentFiles()));
    Q_EMIT recentFilesChanged();
}

void AppSettings::removeRecentFile(const QString &path)
{
    QStringList files = m_settings->value(kRecent).toStringList();
    if (files.removeAll(QFileInfo(path).absoluteFilePath()) > 0) {
        m_settings->setValue(kRecent, files);
        Q_EMIT recentFilesChanged();
    }
}

void AppSettings::clearRecentFiles()
{
    m_settings->remove(kRecent);
    Q_EMIT recentFilesChanged();
}

int AppSettings::maxRecentFiles() const
{
    return qBound(1, m_settings->value(kMaxRecent, 10).toInt(), 50);
}

void AppSettings::setMaxRecentFiles(int count)
{
    m_settings->setValue(kMaxRecent, qBound(1, count, 50));
    Q_EMIT recentFilesChanged();
    Q_EMIT preferencesChanged();
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(kGeometry).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(kGeometry, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings->value(kState).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(kState, state);
}

QString AppSettings::lastDirectory() const
{
    return m_settings->value(kLastDir).toString();
}

void AppSettings::setLastDirectory(const QString &directory)
{
    m_settings->setValue(kLastDir, directory);
}

AppSettings::StartPolicy AppSettings::startPolicy() const
{
    const QString policy = m_settings->value(kStartPolicy).toString();
    if (policy == QLatin1String("always"))
        return StartPolicy::Always;
    if (policy == QLatin1String("never"))
        return StartPolicy::Never;
    if (policy.isEmpty() && m_settings->contains(kStartOnOpen)) // an older setting
        return m_settings->value(kStartOnOpen).toBool() ? StartPolicy::Always : StartPolicy::Never;
    return StartPolicy::Ask;
}

void AppSettings::setStartPolicy(StartPolicy policy)
{
    static const char *const names[] = {"ask", "always", "never"};
    m_settings->setValue(kStartPolicy, QLatin1String(names[int(policy)]));
    m_settings->remove(kStartOnOpen);
    Q_EMIT preferencesChanged();
}

bool AppSettings::startOnOpen() const
{
    return startPolicy() == StartPolicy::Always;
}

void AppSettings::setStartOnOpen(bool on)
{
    setStartPolicy(on ? StartPolicy::Always : StartPolicy::Never);
}

bool AppSettings::confirmQuitWhileRunning() const
{
    return m_settings->value(kConfirmQuit, false).toBool();
}

void AppSettings::setConfirmQuitWhileRunning(bool on)
{
    m_settings->setValue(kConfirmQuit, on);
    Q_EMIT preferencesChanged();
}

int AppSettings::temporaryLevelMinutes() const
{
    return qBound(1, m_settings->value(kTempMinutes, 5).toInt(), 24 * 60);
}

void AppSettings::setTemporaryLevelMinutes(int minutes)
{
    m_settings->setValue(kTempMinutes, qBound(1, minutes, 24 * 60));
    Q_EMIT preferencesChanged();
}

int AppSettings::logCapacity() const
{
    return qBound(kMinLogCapacity, m_settings->value(kLogCapacity, 1'000'000).toInt(),
                  kMaxLogCapacity);
}

void AppSettings::setLogCapacity(int records)
{
    m_settings->setValue(kLogCapacity, qBound(kMinLogCapacity, records, kMaxLogCapacity));
    Q_EMIT preferencesChanged();
}

bool AppSettings::showEdgeRates() const
{
    return m_settings->value(kEdgeRates, true).toBool();
}

void AppSettings::setShowEdgeRates(bool on)
{
    m_settings->setValue(kEdgeRates, on);
    Q_EMIT preferencesChanged();
}

void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace qpalm
