// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverstatenames.h"

#include <array>
#include <utility>

namespace qpalm {

namespace {

using State = ServerHandle::State;

constexpr std::array<std::pair<State, const char *>, 7> kNames = {{
    {State::Stopped, "stopped"},
    {State::Starting, "starting"},
    {State::Running, "running"},
    {State::Stopping, "stopping"},
    {State::Failed, "failed"},
    {State::Hung, "hung"},
    {State::Unreachable, "unreachable"},
}};

} // namespace

QString stateName(State state)
{
    for (const auto &[known, name] : kNames) {
        if (known == state)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("unknown");
}

State stateFromName(const QString &name)
{
    for (const auto &[state, known] : kNames) {
        if (name == QLatin1String(known))
            return state;
    }
    return State::Unreachable;
}

} // namespace qpalm
