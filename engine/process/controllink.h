// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "remote/controlsecurity.h"
#include "remote/remotestatus.h"
#include "scriptsource.h"

#include <QObject>

#include <memory>
#include <optional>

namespace qpalm {

// A live link to one server of a qpalm-server control channel: its own thread owns a DEALER that
// watches the server's events (state changes, stats and records are pushed), carries commands
// (which wake it at once) and sends a status request only to find the server or after a quiet
// spell (the keepalive). A link that stops answering is reported lost; when it answers again the
// watch is renewed and the records missed in between are counted.
class ControlLink : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString address;
        std::optional<remote::KeyPair> key; // with serverKey: CURVE
        QByteArray serverKey;
        QString server;         // the server watched and commanded
        int heartbeatMs = 400;  // status requests until the server answers
        int lostAfterMs = 2000; // silence that counts as a lost link (keepalive at half of it)
    };

    explicit ControlLink(QObject *parent = nullptr);
    // Stops the link thread (within ~50 ms).
    ~ControlLink() override;

    // Starts the link thread; linkUp follows at the first answer.
    void open(const Options &options);
    // Stops the link thread; nothing is emitted afterwards.
    void close();
    bool isOpen() const;
    bool isUp() const { return m_up; }

    // Commands for the watched server; each is answered by commandAnswered(id, ...).
    quint64 start();
    quint64 stop();
    quint64 setLevel(LogLevel level);
    // Empty content: the server re-reads its own script file.
    quint64 reload(const QString &scriptName, const QByteArray &content);

Q_SIGNALS:
    // This object's thread: the first answer, or the first after a loss.
    void linkUp();
    // This object's thread: no answer for lostAfterMs.
    void linkLost();
    // This object's thread: the watched server's status (heartbeat, state change or stats).
    void statusReceived(const qpalm::remote::RemoteServerStatus &status);
    // This object's thread: records of the watched server (a resume adds one for the gap).
    void recordsReceived(const qpalm::LogBatch &records);
    // This object's thread: the watched server's running script, fetched when it changed.
    void scriptReceived(const qpalm::ScriptSource &script);
    // This object's thread: a command was answered (ok false: refused, or the link is down).
    void commandAnswered(quint64 id, bool ok, const QString &reason);

private:
    struct Worker;
    quint64 send(std::string request, quint64 id);
    quint64 command(int kind, const QString &text, const QByteArray &content);

    std::shared_ptr<Worker> m_worker;
    quint64 m_nextId = 1;
    quint64 m_epoch = 0;
    bool m_up = false;
};

} // namespace qpalm
