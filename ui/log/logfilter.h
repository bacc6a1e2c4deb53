// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringMatcher>

#include <limits>
#include <vector>

namespace qpalm {

class LogStore;

// What the log viewer shows: a set of servers (empty = all), a minimum level, a text or regex.
class LogFilter
{
public:
    LogFilter() = default;

    QStringList servers() const { return m_servers; }
    void setServers(const QStringList &servers) { m_servers = servers; }
    LogLevel minimumLevel() const { return m_minimumLevel; }
    void setMinimumLevel(LogLevel level) { m_minimumLevel = level; }
    QString text() const { return m_text; }
    bool isRegex() const { return m_regex; }
    Qt::CaseSensitivity caseSensitivity() const { return m_case; }
    // Text searched in the message and the traceback; empty matches everything.
    void setText(const QString &text, bool regex = false,
                 Qt::CaseSensitivity cs = Qt::CaseInsensitive);

    // Records logged in [fromMsecs, toMsecs) (ms since the epoch); the defaults are unbounded.
    void setTimeRange(qint64 fromMsecs = std::numeric_limits<qint64>::min(),
                      qint64 toMsecs = std::numeric_limits<qint64>::max());
    qint64 fromMsecs() const { return m_from; }
    qint64 toMsecs() const { return m_to; }
    bool hasTimeRange() const;

    // False for an invalid regex; errorString() then says what is wrong and where.
    bool isValid() const;
    QString errorString() const;
    // True when every record passes.
    bool isTrivial() const;

    bool operator==(const LogFilter &other) const;
    bool operator!=(const LogFilter &other) const { return !(*this == other); }

private:
    QStringList m_servers;
    LogLevel m_minimumLevel = LogLevel::Debug;
    QString m_text;
    bool m_regex = false;
    Qt::CaseSensitivity m_case = Qt::CaseInsensitive;
    qint64 m_from = std::numeric_limits<qint64>::min();
    qint64 m_to = std::numeric_limits<qint64>::max();
};

// A valid LogFilter prepared for one store; matching is const and each thread uses its own copy.
class LogMatcher
{
public:
    LogMatcher(const LogFilter &filter, const LogStore &store);

    // Learns server ids interned since construction; call before matching new records.
    void refreshServers(const LogStore &store);
    // Appends the serials in [from, to) that pass to out, in order; splits across threads
    // when the range is large.
    void collect(const LogStore &store, quint64 from, quint64 to, std::vector<quint64> &out) const;
    // Whether one held record passes.
    bool matches(const LogStore &store, quint64 serial) const;

    // Ranges at least this long are filtered on several threads.
    static constexpr qsizetype ParallelThreshold = 131072;

private:
    void collectRun(const LogStore &store, quint64 from, quint64 to,
                    std::vector<quint64> &out) const;

    LogFilter m_filter;
    QSet<QString> m_serverNames;
    std::vector<char> m_serverAllowed; // by server id
    bool m_allServers = true;
    int m_minimumLevel = 0;
    bool m_hasText = false;
    qint64 m_from = std::numeric_limits<qint64>::min();
    qint64 m_to = std::numeric_limits<qint64>::max();
    QStringMatcher m_matcher;
    QRegularExpression m_regex;
};

} // namespace qpalm
