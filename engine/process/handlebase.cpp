// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "handlebase.h"

#include <QDateTime>

namespace qpalm {

HandleBase::HandleBase(ServerConfig config, QObject *parent)
    : ServerHandle(parent), m_config(std::move(config))
{
}

void HandleBase::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void HandleBase::logRecord(LogLevel level, const QString &text)
{
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = m_config.name;
    record.level = level;
    record.text = text;
    publishOwn({record});
}

void HandleBase::publishOwn(const LogBatch &records)
{
    Q_EMIT recordsLogged(records);
}

} // namespace qpalm
