// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverchooser.h"

#include "serverfollower.h"
#include "serverhandle.h"

namespace qpalm {

ServerChooser::ServerChooser(QWidget *parent) : QComboBox(parent)
{
    m_filter = [](const ServerHandle *server) { return server->kind() != ServerKind::Worker; };
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_servers = new ServerFollower(this);
    connect(m_servers, &ServerFollower::serversChanged, this, &ServerChooser::rebuild);
    connect(m_servers, &ServerFollower::serverStateChanged, this, &ServerChooser::refreshTexts);
    connect(this, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT currentServerChanged(currentServer()); });
}

void ServerChooser::setFilter(Filter filter)
{
    m_filter = std::move(filter);
    rebuild();
}

void ServerChooser::setEmptyChoice(const QString &text)
{
    m_emptyChoice = text;
    rebuild();
}

void ServerChooser::setServers(const QList<ServerHandle *> &servers)
{
    m_servers->setServers(servers);
}

void ServerChooser::setCluster(Cluster *cluster)
{
    m_servers->setCluster(cluster);
}

QList<ServerHandle *> ServerChooser::servers() const
{
    return m_servers->servers();
}

ServerHandle *ServerChooser::currentServer() const
{
    const auto pointer = reinterpret_cast<ServerHandle *>(currentData().value<quintptr>());
    if (!pointer)
        return nullptr;
    return m_servers->servers().contains(pointer) ? pointer : nullptr;
}

bool ServerChooser::setCurrentServer(const QString &name)
{
    for (int i = 0; i < count(); ++i) {
        const auto pointer = reinterpret_cast<ServerHandle *>(itemData(i).value<quintptr>());
        if (pointer && pointer->name() == name) {
            setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void ServerChooser::rebuild()
{
    ServerHandle *previous = currentServer();
    const QString previousName = previous ? previous->name() : QString();
    {
        const QSignalBlocker blocker(this);
        clear();
        if (!m_emptyChoice.isEmpty())
            addItem(m_emptyChoice, QVariant::fromValue(quintptr(0)));
        const QList<ServerHandle *> servers = m_servers->servers();
        for (ServerHandle *server : servers) {
            if (!m_filter || m_filter(server))
                addItem(QString(), QVariant::fromValue(quintptr(server)));
        }
        refreshTexts();
        int index = count() > 0 ? 0 : -1;
        for (int i = 0; i < count(); ++i) {
            const auto pointer = reinterpret_cast<ServerHandle *>(itemData(i).value<quintptr>());
            if (pointer && pointer->name() == previousName)
                index = i;
        }
        setCurrentIndex(index);
    }
    if (currentServer() != previous)
        Q_EMIT currentServerChanged(currentServer());
}

void ServerChooser::refreshTexts()
{
    const QList<ServerHandle *> servers = m_servers->servers();
    for (int i = 0; i < count(); ++i) {
        const auto pointer = reinterpret_cast<ServerHandle *>(itemData(i).value<quintptr>());
        if (!pointer || !servers.contains(pointer))
            continue;
        const ServerHandle *server = pointer;
        QString text = QStringLiteral("%1 (%2)").arg(server->name(), kindName(server->kind()));
        if (server->state() != ServerHandle::State::Running)
            text += tr(" - not running");
        setItemText(i, text);
    }
}

} // namespace qpalm
