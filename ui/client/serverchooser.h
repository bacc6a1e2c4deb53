// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QComboBox>
#include <QList>

#include <functional>

namespace qpalm {

class Cluster;
class ServerFollower;
class ServerHandle;

// A combo box of servers, kept up to date as servers start, stop, join or leave; shared by the
// client panels.
class ServerChooser : public QComboBox
{
    Q_OBJECT
public:
    using Filter = std::function<bool(const ServerHandle *)>;

    explicit ServerChooser(QWidget *parent = nullptr);

    // Which servers to list (default: those that serve a cache, i.e. not workers).
    void setFilter(Filter filter);
    // Lists these servers (previous ones are forgotten; a cluster set earlier is detached).
    void setServers(const QList<ServerHandle *> &servers);
    // Follows a cluster's servers as they are added and removed.
    void setCluster(Cluster *cluster);
    QList<ServerHandle *> servers() const;
    ServerHandle *currentServer() const;
    // Selects a server by name; false when it is not listed.
    bool setCurrentServer(const QString &name);
    // Adds a first entry with this text that stands for "no server" (currentServer() is nullptr).
    void setEmptyChoice(const QString &text);

Q_SIGNALS:
    // GUI thread: the selection changed (nullptr when the list became empty).
    void currentServerChanged(qpalm::ServerHandle *server);

private:
    void rebuild();
    void refreshTexts();

    ServerFollower *m_servers = nullptr;
    Filter m_filter;
    QString m_emptyChoice;
};

} // namespace qpalm
