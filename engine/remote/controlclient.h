// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "controlsecurity.h"
#include "remotestatus.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace qpalm::remote {

struct ControlClientOptions
{
    QString address;
    std::optional<KeyPair> key; // set with serverKey: CURVE
    QByteArray serverKey;       // the server's Z85 public key
    int timeoutMs = 5000;
};

// What one command came to.
struct ControlResult
{
    enum class Outcome { Done, Refused, NoAnswer };
    Outcome outcome = Outcome::NoAnswer;
    QString reason; // refusal reason, or a note
    QList<RemoteServerStatus> servers;
    LogBatch records;
};

// A client of a qpalm-server control channel (DEALER); blocking calls, one thread.
class ControlClient
{
public:
    ControlClient();
    ~ControlClient();
    ControlClient(const ControlClient &) = delete;
    ControlClient &operator=(const ControlClient &) = delete;

    // Connects (ZeroMQ connects lazily: a silent peer shows as NoAnswer later).
    bool open(const ControlClientOptions &options, QString *error);

    ControlResult status();
    ControlResult start(const QString &server);
    ControlResult stop(const QString &server);
    ControlResult restart(const QString &server);
    ControlResult setLevel(const QString &server, const QString &level, int revertAfterSeconds);
    // Runs count replicas of a worker entry.
    ControlResult replicas(const QString &entry, int count);
    // Empty content: the server re-reads its own script file.
    ControlResult reload(const QString &server, const QString &scriptName,
                         const QByteArray &content);
    // Recent records (level and server filters; 0 / empty for all). With onEvent, keeps streaming
    // events to it until it returns false; the wait for each event has no timeout. A link silent
    // for 3 s is reported (a WARNING record from "qpalm-ctl"), and when the server answers again
    // the watch is renewed and resumes with a record saying how many records were lost.
    ControlResult watch(int level, const QString &server,
                        const std::function<bool(const RemoteEvent &)> &onEvent = {});

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qpalm::remote
