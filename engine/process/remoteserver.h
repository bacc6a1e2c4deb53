// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linkedserver.h"

#include <optional>

namespace qpalm {

// A server of a qpalm-server running elsewhere, attached over its control channel
// (config().attach). A lost link shows as Unreachable, never as Stopped; when the link is back,
// the log resumes with a record covering the gap.
class RemoteServer final : public LinkedServer
{
    Q_OBJECT
public:
    explicit RemoteServer(ServerConfig config, QObject *parent = nullptr);
    ~RemoteServer() override;

    // The host of the control address ("local" for ipc://).
    QString hostLabel() const override { return m_host; }

    // Asks the qpalm-server at attach.control which servers it runs (blocking, up to timeoutMs):
    // one config per server, ready to attach (kind, name, level, attach). nullopt with the reason.
    static std::optional<QList<ServerConfig>> probe(const AttachSpec &attach, int timeoutMs,
                                                    QString *error);

    // Connects; the state follows what the server reports (Unreachable until it answers).
    void attach();
    // Closes the link and leaves the server as it is (Unreachable here); start() attaches again.
    void detach();
    // Ask the remote qpalm-server to start or stop this server.
    void start() override;
    void stop() override;

private:
    void linkLost() override;
    void linkUp() override;

    QString m_host;
    bool m_everUp = false;
};

} // namespace qpalm
