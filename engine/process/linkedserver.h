// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handlebase.h"

#include <QHash>

#include <functional>

namespace qpalm {

class ControlLink;

namespace remote {
struct RemoteServerStatus;
}

// A server seen through a control link: relays its status, stats, records and level, and carries
// start, stop, level and script commands to it. Subclasses decide what a lost link means.
class LinkedServer : public HandleBase
{
    Q_OBJECT
public:
    QMap<QString, QString> addresses() const override { return m_addresses; }
    // What the server reports it runs (fetched over the link when it changes), else the config's.
    ScriptSource runningScript() const override;

    void setLogLevel(qpalm::LogLevel level) override;
    void reloadScript(const qpalm::ScriptSource &script) override;

protected:
    LinkedServer(ServerConfig config, QObject *parent);

    // The link's view of the server's state: what the handle shows while the link is up.
    virtual void remoteStateChanged(State state, const QString &error);
    virtual void linkLost() = 0;
    virtual void linkUp() {}

    QMap<QString, QString> m_addresses;
    ControlLink *m_link = nullptr;
    quint64 m_recordSequence = 0; // for records of our own
    ScriptSource m_runningScript; // as last fetched over the link

private:
    void onStatus(const remote::RemoteServerStatus &status);
    void onAnswer(quint64 id, bool ok, const QString &reason);

    QHash<quint64, std::function<void(bool, const QString &)>> m_pending;
};

} // namespace qpalm
