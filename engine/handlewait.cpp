// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "handlewait.h"

#include <QEventLoop>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace qpalm {

namespace {

// Runs a local loop until done() holds (checked at every state change) or the time is up.
bool waitUntil(ServerHandle *server, int timeoutMs, const std::function<bool()> &done)
{
    if (done())
        return true;
    QPointer<ServerHandle> guard(server);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(server, &ServerHandle::stateChanged, &loop, [&] {
        if (done())
            loop.quit();
    });
    QObject::connect(server, &QObject::destroyed, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    return guard && done();
}

} // namespace

bool startAndWait(ServerHandle *server, int timeoutMs, QString *error)
{
    using State = ServerHandle::State;
    if (server->state() == State::Stopping)
        waitUntil(server, timeoutMs, [server] { return server->state() != State::Stopping; });
    server->start();
    const bool settled = waitUntil(server, timeoutMs, [server] {
        const State state = server->state();
        return state == State::Running || state == State::Failed || state == State::Stopped;
    });
    if (settled && server->state() == State::Running)
        return true;
    if (error) {
        *error = settled ? server->errorString()
                         : QStringLiteral("server '%1' did not start within %2 ms")
                               .arg(server->name())
                               .arg(timeoutMs);
        if (error->isEmpty())
            *error = QStringLiteral("server '%1' did not start").arg(server->name());
    }
    return false;
}

bool stopAndWait(ServerHandle *server, int timeoutMs)
{
    using State = ServerHandle::State;
    server->stop();
    return waitUntil(server, timeoutMs, [server] {
        const State state = server->state();
        return state == State::Stopped || state == State::Failed;
    });
}

bool waitForState(ServerHandle *server, ServerHandle::State state, int timeoutMs)
{
    return waitUntil(server, timeoutMs, [server, state] { return server->state() == state; });
}

} // namespace qpalm
