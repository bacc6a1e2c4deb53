// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <optional>

namespace qpalm {

// Reads a process's output as pylm log lines ("time - name - LEVEL - message"). Lines that
// continue a record (a Python traceback: "Traceback ...", indented lines, then the exception line)
// become its traceback; any other line is an INFO record as it is.
class PylmLogParser
{
public:
    // server: the name records get; a line's own logger name, when different, prefixes the text.
    explicit PylmLogParser(QString server) : m_server(std::move(server)) {}

    // One line without its newline; returns the records it completed.
    LogBatch feed(const QString &line);
    // The record still open (it may get more traceback lines), if any; it is then closed.
    LogBatch flush();
    bool hasPending() const { return m_pending.has_value(); }

private:
    QString m_server;
    std::optional<LogRecord> m_pending;
    bool m_inTraceback = false;
};

} // namespace qpalm
