// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterdocument.h"

#include "cluster.h"
#include "clusterfile.h"
#include "serverhandle.h"

#include <QFileInfo>

namespace qpalm {

ClusterDocument::ClusterDocument(QObject *parent) : QObject(parent)
{
    replaceCluster({});
}

ClusterDocument::~ClusterDocument()
{
    delete m_cluster;
    m_cluster = nullptr;
}

void ClusterDocument::replaceCluster(const QList<ServerConfig> &configs)
{
    if (m_cluster) {
        Q_EMIT clusterAboutToBeReplaced(m_cluster);
        delete m_cluster; // stops its servers
    }
    m_cluster = new Cluster(this);
    m_cluster->addServers(configs);
    Q_EMIT clusterReplaced(m_cluster);
}

void ClusterDocument::reset(const QList<ServerConfig> &configs, const QString &path)
{
    m_configs = configs;
    setFilePath(path);
    replaceCluster(configs);
    setModified(false);
    Q_EMIT entriesChanged();
}

bool ClusterDocument::load(const QString &path, QString *error)
{
    ClusterError problem;
    const auto configs = loadClusterFile(path, &problem);
    if (!configs) {
        if (error)
            *error = problem.toString(QFileInfo(path).fileName());
        return false;
    }
    reset(*configs, path);
    return true;
}

bool ClusterDocument::saveAs(const QString &path, QString *error)
{
    if (auto problem = validateCluster(m_configs)) {
        if (error)
            *error = problem->toString(QFileInfo(path).fileName());
        return false;
    }
    if (!saveClusterFile(path, m_configs, error))
        return false;
    setFilePath(path);
    setModified(false);
    return true;
}

int ClusterDocument::entryIndexOf(const QString &serverName) const
{
    for (int i = 0; i < m_configs.size(); ++i) {
        if (m_configs[i].name == serverName)
            return i;
    }
    // A replica belongs to the entry it was expanded from (never guessed from its name).
    const ServerHandle *server = m_cluster->server(serverName);
    if (!server || server->config().entry.isEmpty())
        return -1;
    for (int i = 0; i < m_configs.size(); ++i) {
        if (m_configs[i].name == server->config().entry)
            return i;
    }
    return -1;
}

QList<ServerHandle *> ClusterDocument::serversOf(const ServerConfig &entry) const
{
    if (entry.kind == ServerKind::Worker)
        return m_cluster->replicas(entry.name);
    ServerHandle *server = m_cluster->server(entry.name);
    return server ? QList<ServerHandle *>{server} : QList<ServerHandle *>{};
}

bool ClusterDocument::addEntry(const ServerConfig &config, QString *error)
{
    QList<ServerConfig> all = m_configs;
    all.append(config);
    if (auto problem = validateCluster(all)) {
        if (error)
            *error = problem->toString();
        return false;
    }
    m_configs.append(config);
    m_cluster->addServers({config});
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

bool ClusterDocument::replaceEntry(const QString &serverName, const ServerConfig &config,
                                   QStringList *restart, QString *error)
{
    const int index = entryIndexOf(serverName);
    if (index < 0)
        return false;
    QList<ServerConfig> all = m_configs;
    all[index] = config;
    if (auto problem = validateCluster(all)) {
        if (error)
            *error = problem->toString();
        return false;
    }
    bool wasRunning = false;
    const QList<ServerHandle *> handles = serversOf(m_configs[index]);
    for (ServerHandle *handle : handles) {
        wasRunning = wasRunning || handle->state() == ServerHandle::State::Running ||
                     handle->state() == ServerHandle::State::Starting;
        m_cluster->removeServer(handle);
    }
    m_configs[index] = config;
    const int before = int(m_cluster->servers().size());
    m_cluster->addServers({config});
    if (wasRunning && restart) {
        const QList<ServerHandle *> servers = m_cluster->servers();
        for (int i = before; i < servers.size(); ++i)
            restart->append(servers[i]->name());
    }
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

bool ClusterDocument::removeEntry(const QString &serverName)
{
    const int index = entryIndexOf(serverName);
    if (index < 0)
        return false;
    const ServerConfig entry = m_configs.takeAt(index);
    const QList<ServerHandle *> handles = serversOf(entry);
    for (ServerHandle *handle : handles)
        m_cluster->removeServer(handle);
    setModified(true);
    Q_EMIT entriesChanged();
    return true;
}

void ClusterDocument::setReplicaCount(const QString &entry, int count)
{
    const int index = entryIndexOf(entry);
    if (index < 0 || m_configs[index].kind != ServerKind::Worker || count < 1 ||
        m_configs[index].replicas == count)
        return;
    m_configs[index].replicas = count;
    setModified(true);
    Q_EMIT entriesChanged();
}

void ClusterDocument::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

void ClusterDocument::setFilePath(const QString &path)
{
    const QString absolute = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    if (absolute == m_filePath)
        return;
    m_filePath = absolute;
    Q_EMIT filePathChanged(m_filePath);
}

} // namespace qpalm
