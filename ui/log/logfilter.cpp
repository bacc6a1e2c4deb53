// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logfilter.h"

#include "logstore.h"

#include <algorithm>
#include <limits>
#include <thread>

namespace qpalm {

namespace {

QRegularExpression makeRegex(const QString &pattern, Qt::CaseSensitivity cs)
{
    QRegularExpression::PatternOptions options = QRegularExpression::UseUnicodePropertiesOption;
    if (cs == Qt::CaseInsensitive)
        options |= QRegularExpression::CaseInsensitiveOption;
    QRegularExpression re(pattern, options);
    re.optimize();
    return re;
}

} // namespace

void LogFilter::setText(const QString &text, bool regex, Qt::CaseSensitivity cs)
{
    m_text = text;
    m_regex = regex;
    m_case = cs;
}

bool LogFilter::isValid() const
{
    if (!m_regex || m_text.isEmpty())
        return true;
    return QRegularExpression(m_text).isValid();
}

QString LogFilter::errorString() const
{
    if (isValid())
        return {};
    const QRegularExpression re(m_text);
    return QStringLiteral("Invalid regular expression \"%1\": %2 at offset %3")
        .arg(m_text, re.errorString())
        .arg(re.patternErrorOffset());
}

void LogFilter::setTimeRange(qint64 fromMsecs, qint64 toMsecs)
{
    m_from = fromMsecs;
    m_to = toMsecs;
}

bool LogFilter::hasTimeRange() const
{
    return m_from > std::numeric_limits<qint64>::min() || m_to < std::numeric_limits<qint64>::max();
}

bool LogFilter::isTrivial() const
{
    return m_servers.isEmpty() && m_minimumLevel <= LogLevel::Debug && m_text.isEmpty() &&
           !hasTimeRange();
}

bool LogFilter::operator==(const LogFilter &other) const
{
    return m_minimumLevel == other.m_minimumLevel && m_text == other.m_text &&
           m_from == other.m_from && m_to == other.m_to && m_regex == other.m_regex &&
           m_case == other.m_case &&
           QSet<QString>(m_servers.cbegin(), m_servers.cend()) ==
               QSet<QString>(other.m_servers.cbegin(), other.m_servers.cend());
}

LogMatcher::LogMatcher(const LogFilter &filter, const LogStore &store) : m_filter(filter)
{
    const QStringList servers = filter.servers();
    m_serverNames = QSet<QString>(servers.cbegin(), servers.cend());
    m_allServers = servers.isEmpty();
    m_minimumLevel =
        filter.minimumLevel() <= LogLevel::Debug ? 0 : static_cast<int>(filter.minimumLevel());
    m_hasText = !filter.text().isEmpty() && filter.isValid();
    m_from = filter.fromMsecs();
    m_to = filter.toMsecs();
    if (m_hasText) {
        if (filter.isRegex())
            m_regex = makeRegex(filter.text(), filter.caseSensitivity());
        else
            m_matcher = QStringMatcher(filter.text(), filter.caseSensitivity());
    }
    refreshServers(store);
}

void LogMatcher::refreshServers(const LogStore &store)
{
    const qsizetype known = qsizetype(m_serverAllowed.size());
    if (store.serverCount() < known)
        m_serverAllowed.clear(); // the store was cleared: ids restart
    for (qsizetype id = qsizetype(m_serverAllowed.size()); id < store.serverCount(); ++id)
        m_serverAllowed.push_back(
            m_allServers || m_serverNames.contains(store.serverName(quint32(id))) ? 1 : 0);
}

bool LogMatcher::matches(const LogStore &store, quint64 serial) const
{
    std::vector<quint64> out;
    collectRun(store, serial, serial + 1, out);
    return !out.empty();
}

void LogMatcher::collectRun(const LogStore &store, quint64 from, quint64 to,
                            std::vector<quint64> &out) const
{
    const bool isRegex = m_hasText && m_filter.isRegex();
    const bool isText = m_hasText && !isRegex;
    const bool checkServer = !m_allServers;
    const int minimumLevel = m_minimumLevel;
    const char *allowed = m_serverAllowed.data();
    const quint32 allowedSize = quint32(m_serverAllowed.size());
    const auto textMatches = [&](const QString &s) {
        if (isText)
            return m_matcher.indexIn(QStringView(s)) >= 0;
        return m_regex
            .match(s, 0, QRegularExpression::NormalMatch,
                   QRegularExpression::DontCheckSubjectStringMatchOption)
            .hasMatch();
    };

    const bool checkTime =
        m_from > std::numeric_limits<qint64>::min() || m_to < std::numeric_limits<qint64>::max();
    const auto passes = [&](const LogStore::Entry &entry, quint64 serial) {
        if (entry.level < minimumLevel)
            return false;
        if (checkTime && (entry.msecsSinceEpoch < m_from || entry.msecsSinceEpoch >= m_to))
            return false;
        if (checkServer) {
            const bool ok = entry.server < allowedSize
                                ? allowed[entry.server] != 0
                                : m_serverNames.contains(store.serverName(entry.server));
            if (!ok)
                return false;
        }
        return !m_hasText || textMatches(entry.text) ||
               (entry.hasTraceback && textMatches(store.traceback(serial)));
    };
    if (from < store.firstSerial()) {
        store.forEachKept(from, std::min(to, store.firstSerial()),
                          [&](const LogStore::Entry &entry, quint64 serial) {
                              if (passes(entry, serial))
                                  out.push_back(serial);
                          });
    }
    store.forEachRun(from, to, [&](const LogStore::Entry *e, qsizetype count, quint64 serial) {
        for (qsizetype i = 0; i < count; ++i, ++serial) {
            if (passes(e[i], serial))
                out.push_back(serial);
        }
    });
}

void LogMatcher::collect(const LogStore &store, quint64 from, quint64 to,
                         std::vector<quint64> &out) const
{
    from = std::max(from, store.oldestSerial());
    to = std::min(to, store.endSerial());
    if (from >= to)
        return;
    if (from < store.firstSerial()) {
        // Kept records first (one thread: there are few), then the ring.
        collectRun(store, from, std::min(to, store.firstSerial()), out);
        from = store.firstSerial();
        if (from >= to)
            return;
    }
    const quint64 length = to - from;
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const unsigned parts =
        std::min<unsigned>(std::min(hw, 8u), unsigned(length / quint64(ParallelThreshold / 2)));
    if (parts <= 1 || length < quint64(ParallelThreshold)) {
        collectRun(store, from, to, out);
        return;
    }

    // Each part filters its own slice with its own matcher (regexes are not shared across
    // threads), then the slices are concatenated in order.
    std::vector<std::vector<quint64>> results(parts);
    std::vector<LogMatcher> matchers;
    matchers.reserve(parts);
    for (unsigned p = 0; p < parts; ++p) {
        matchers.push_back(*this);
        if (m_hasText && m_filter.isRegex())
            matchers.back().m_regex = makeRegex(m_filter.text(), m_filter.caseSensitivity());
    }
    std::vector<std::thread> threads;
    threads.reserve(parts - 1);
    const quint64 step = length / parts;
    for (unsigned p = 0; p < parts; ++p) {
        const quint64 a = from + step * p;
        const quint64 b = p + 1 == parts ? to : a + step;
        if (p + 1 == parts) {
            matchers[p].collectRun(store, a, b, results[p]);
        } else {
            threads.emplace_back([&, p, a, b] {
                results[p].reserve(size_t(b - a) / 4);
                matchers[p].collectRun(store, a, b, results[p]);
            });
        }
    }
    for (std::thread &t : threads)
        t.join();
    size_t total = out.size();
    for (const auto &r : results)
        total += r.size();
    out.reserve(total);
    for (const auto &r : results)
        out.insert(out.end(), r.begin(), r.end());
}

} // namespace qpalm
