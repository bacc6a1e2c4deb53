// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The cache panel's snapshot and restore: file choice, confirmation and results.
#include "cachepanel.h"
#include "serverhandle.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>

namespace qpalm {

void CachePanel::chooseSnapshotToSave()
{
    const ServerHandle *server = currentServer();
    if (!server) {
        fail(tr("No server chosen: pick one whose cache to save."));
        return;
    }
    const QString suggested = QDir::home().filePath(
        QStringLiteral("%1-cache-%2.json")
            .arg(server->name(),
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Cache Snapshot of %1").arg(server->name()),
                                     suggested, tr("Cache snapshots (*.json);;All files (*)"));
    if (!path.isEmpty())
        saveSnapshot(path);
}

void CachePanel::chooseSnapshotToRestore()
{
    const ServerHandle *server = currentServer();
    if (!server) {
        fail(tr("No server chosen: pick one whose cache to restore into."));
        return;
    }
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Restore Cache Snapshot into %1").arg(server->name()), QDir::homePath(),
        tr("Cache snapshots (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    const auto answer = QMessageBox::question(
        this, tr("Restore Cache Snapshot"),
        tr("Put the keys and values of %1 into the cache of '%2'?\n\nKeys the snapshot does not "
           "have are deleted, so the cache holds exactly the snapshot. The keys '%2' publishes "
           "for its peers (its name and addresses) are left as they are.")
            .arg(QFileInfo(path).fileName(), server->name()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        restoreSnapshot(path, true);
}

void CachePanel::onSnapshotSaved(const QString &path, int count)
{
    if (!acceptReply())
        return;
    m_status->setText(
        tr("Saved %n key(s) to %1.", nullptr, count).arg(QDir::toNativeSeparators(path)));
    Q_EMIT snapshotSaved(path, count);
}

void CachePanel::onSnapshotRestored(const QString &path, int set, int removed, int kept)
{
    if (!acceptReply())
        return;
    QString text = tr("Restored %1: %n key(s) set", nullptr, set).arg(QFileInfo(path).fileName());
    if (removed > 0)
        text += tr(", %n deleted", nullptr, removed);
    if (kept > 0)
        text += tr(", %n published key(s) left as they were", nullptr, kept);
    m_status->setText(text + u'.');
    Q_EMIT snapshotRestored(path, set, removed);
    refresh();
}

} // namespace qpalm
