// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clusterfile.h"
#include "clustervalidation.h"
#include "serverconfig.h"

#include <QList>
#include <QObject>
#include <QStringList>

namespace qpalm {

class Cluster;
class ServerHandle;

// The app's document: a cluster file's entries (workers with their replica count), where it lives,
// whether it changed since, and the Cluster that runs its servers.
class ClusterDocument : public QObject
{
    Q_OBJECT
public:
    explicit ClusterDocument(QObject *parent = nullptr);
    ~ClusterDocument() override;

    QList<ServerConfig> configs() const { return m_configs; }
    // Absolute path of the file; empty while untitled.
    QString filePath() const { return m_filePath; }
    bool isModified() const { return m_modified; }
    Cluster *cluster() const { return m_cluster; }
    // The file's top-level "control" section (address empty: none); kept when saving.
    ClusterControl control() const { return m_control; }

    // Replaces the entries (and the cluster, stopping the old one's servers); path may be empty.
    void reset(const QList<ServerConfig> &configs, const QString &path = {});
    // Reads a cluster file and replaces the document with it; false with the reason (entry and
    // field named) in *error, the document unchanged.
    bool load(const QString &path, QString *error = nullptr);
    // Problems kept from load, one per entry ("server 'w': script '/x/w.lua' does not exist"): a
    // missing script file does not stop the file from opening, so its path can be fixed. Empty
    // once fixed.
    QStringList entryProblems() const;
    // Writes the entries to path, which becomes the document's file; false with the reason.
    bool saveAs(const QString &path, QString *error = nullptr);

    // The index of the entry a server belongs to (a worker replica to its entry), or -1.
    int entryIndexOf(const QString &serverName) const;
    // Adds an entry and its servers; false with the reason when the cluster would be invalid.
    bool addEntry(const ServerConfig &config, QString *error = nullptr);
    // Replaces the entry a server belongs to; its servers are recreated, and the new servers of
    // those that ran are listed in *restart (the caller starts them). False with the reason.
    bool replaceEntry(const QString &serverName, const ServerConfig &config,
                      QStringList *restart = nullptr, QString *error = nullptr);
    // Removes the entry a server belongs to, stopping its servers.
    bool removeEntry(const QString &serverName);
    // Records a worker entry's new replica count (the cluster already has them).
    void setReplicaCount(const QString &entry, int count);

Q_SIGNALS:
    // GUI thread: the cluster is about to be deleted; views let go of it now.
    void clusterAboutToBeReplaced(qpalm::Cluster *cluster);
    // GUI thread: a new cluster holds the document's servers (none running yet).
    void clusterReplaced(qpalm::Cluster *cluster);
    // GUI thread: entries were added, changed or removed.
    void entriesChanged();
    // GUI thread: the document differs from its file, or no longer does.
    void modifiedChanged(bool modified);
    // GUI thread: the document's file changed (load, save as, new).
    void filePathChanged(const QString &path);

private:
    void setModified(bool modified);
    void setFilePath(const QString &path);
    void replaceCluster(const QList<ServerConfig> &configs);
    QList<ServerHandle *> serversOf(const ServerConfig &entry) const;
    // validateCluster, where only the entry at checked (or none: -1) must have its script file.
    std::optional<ClusterError> validate(const QList<ServerConfig> &configs, int checked) const;

    Cluster *m_cluster = nullptr;
    QList<ServerConfig> m_configs;
    QString m_filePath;
    ClusterControl m_control;
    bool m_modified = false;
};

} // namespace qpalm
