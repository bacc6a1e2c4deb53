// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logmodel.h"

#include <QTimer>

#include <algorithm>

namespace qpalm {

namespace {

constexpr qsizetype MaxToolTipChars = 4000;

QString firstLine(const QString &text)
{
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    if (nl < 0)
        return text;
    qsizetype end = nl;
    if (end > 0 && text.at(end - 1) == QLatin1Char('\r'))
        --end;
    return text.left(end) + QStringLiteral(" \u2026");
}

} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractTableModel(parent), m_matcher(std::make_unique<LogMatcher>(m_filter, m_store)),
      m_flushTimer(new QTimer(this))
{
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(m_batchInterval);
    connect(m_flushTimer, &QTimer::timeout, this, &LogModel::flush);
    m_boldFont.setBold(true);
}

LogModel::~LogModel()
{
    stopBackgroundFilter();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_index.size() - m_indexBegin);
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QColor LogModel::levelForeground(LogLevel level)
{
    const int v = static_cast<int>(level);
    if (v < static_cast<int>(LogLevel::Info))
        return QColor(0x80, 0x80, 0x80);
    if (v < static_cast<int>(LogLevel::Warning))
        return {};
    if (v < static_cast<int>(LogLevel::Error))
        return QColor(0xC8, 0x82, 0x00);
    if (v < static_cast<int>(LogLevel::Critical))
        return QColor(0xD0, 0x1C, 0x1C);
    return QColor(Qt::white);
}

QColor LogModel::levelBackground(LogLevel level)
{
    if (static_cast<int>(level) >= static_cast<int>(LogLevel::Critical))
        return QColor(0xC0, 0x10, 0x10);
    return {};
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() || index.column() < 0 ||
        index.column() >= ColumnCount)
        return {};
    const quint64 serial = serialAt(index.row());
    if (serial < m_store.firstSerial() && !m_store.contains(serial))
        return {}; // a row about to be removed (its record just left the store)
    const LogStore::Entry &e = m_store.at(serial);
    const LogLevel level = LogStore::level(e);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return formatTimestamp(e.msecsSinceEpoch);
        case ServerColumn:
            return m_store.serverName(e.server);
        case LevelColumn:
            return levelName(level);
        case TextColumn:
            return e.hasTraceback ? QStringLiteral("\u25B8 ") + firstLine(e.text)
                                  : firstLine(e.text);
        }
        return {};
    case Qt::ToolTipRole: {
        if (index.column() != TextColumn)
            return {};
        QString tip = e.text.left(MaxToolTipChars);
        if (e.hasTraceback)
            tip += QLatin1Char('\n') + m_store.traceback(serial).left(MaxToolTipChars);
        return tip;
    }
    case Qt::ForegroundRole: {
        const QColor c = levelForeground(level);
        return c.isValid() ? QVariant(c) : QVariant();
    }
    case Qt::BackgroundRole: {
        const QColor c = levelBackground(level);
        return c.isValid() ? QVariant(c) : QVariant();
    }
    case Qt::FontRole:
        return static_cast<int>(level) >= static_cast<int>(LogLevel::Critical)
                   ? QVariant(m_boldFont)
                   : QVariant();
    case SerialRole:
        return serial;
    case LevelRole:
        return static_cast<int>(level);
    case MsecsRole:
        return e.msecsSinceEpoch;
    case SequenceRole:
        return e.sequence;
    case ServerRole:
        return m_store.serverName(e.server);
    case FullTextRole:
        return e.text;
    case TracebackRole:
        return e.hasTraceback ? m_store.traceback(serial) : QString();
    case HasTracebackRole:
        return e.hasTraceback;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ServerColumn:
        return tr("Server");
    case LevelColumn:
        return tr("Level");
    case TextColumn:
        return tr("Message");
    }
    return {};
}

int LogModel::rowForSerial(quint64 serial) const
{
    const int row = lowerBoundRow(serial);
    return row < rowCount() && serialAt(row) == serial ? row : -1;
}

int LogModel::findRow(int from, bool forward, LogLevel minimumLevel) const
{
    const int level = static_cast<int>(minimumLevel);
    const int step = forward ? 1 : -1;
    for (int row = from; row >= 0 && row < rowCount(); row += step) {
        const quint64 serial = serialAt(row);
        if (m_store.contains(serial) && m_store.at(serial).level >= level)
            return row;
    }
    return -1;
}

int LogModel::lowerBoundRow(quint64 serial) const
{
    const auto begin = m_index.cbegin() + qsizetype(m_indexBegin);
    return int(std::lower_bound(begin, m_index.cend(), serial) - begin);
}

void LogModel::appendRecords(const LogBatch &records)
{
    if (records.isEmpty())
        return;
    m_pending.append(records);
    m_pendingCount += records.size();
    // Whole batches older than a full store's worth would be evicted on arrival: drop them now.
    while (m_pending.size() > 1 && m_pendingCount - m_pending.first().size() >= capacity()) {
        m_pendingCount -= m_pending.first().size();
        m_pending.removeFirst();
    }
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void LogModel::flush()
{
    m_flushTimer->stop();
    if (m_pendingCount == 0 || isFiltering())
        return; // while a background filter reads the store, records wait in the queue
    const quint64 oldFirst = m_store.firstSerial();
    for (const LogBatch &batch : std::as_const(m_pending))
        m_store.append(batch);
    m_pending.clear();
    m_pendingCount = 0;
    const int removed = dropGoneRows(oldFirst);
    if (m_store.serverCount() != m_knownServers) {
        m_knownServers = m_store.serverCount();
        m_matcher->refreshServers(m_store);
        Q_EMIT serversChanged(m_store.serverNames());
    }
    const int inserted = m_paused ? 0 : indexNewRecords();
    if (inserted || removed)
        Q_EMIT flushed(inserted, removed);
}

int LogModel::dropGoneRows(quint64 oldFirst)
{
    // Rows are [kept records][records in the ring]. Kept ones go oldest first; records that
    // just left the ring stay (as kept) when they are warnings or worse.
    int removed = 0;
    const int trimmed = lowerBoundRow(std::min(m_store.oldestSerial(), oldFirst));
    if (trimmed > 0) {
        beginRemoveRows({}, 0, trimmed - 1);
        m_indexBegin += size_t(trimmed);
        endRemoveRows();
        removed += trimmed;
    }
    const int begin = lowerBoundRow(oldFirst);
    const int end = lowerBoundRow(m_store.firstSerial());
    if (end > begin) {
        std::vector<quint64> survivors;
        const auto first = m_index.begin() + qsizetype(m_indexBegin);
        for (auto it = first + begin; it != first + end; ++it) {
            if (m_store.contains(*it))
                survivors.push_back(*it);
        }
        if (int(survivors.size()) != end - begin) {
            beginRemoveRows({}, begin, end - 1);
            m_index.erase(first + begin, first + end);
            endRemoveRows();
            removed += end - begin;
            if (!survivors.empty()) {
                beginInsertRows({}, begin, begin + int(survivors.size()) - 1);
                m_index.insert(m_index.begin() + qsizetype(m_indexBegin) + begin,
                               survivors.cbegin(), survivors.cend());
                endInsertRows();
                removed -= int(survivors.size());
            }
        }
    }
    compactIndex();
    return removed;
}

void LogModel::compactIndex()
{
    if (m_indexBegin == m_index.size()) {
        m_index.clear();
        m_indexBegin = 0;
    } else if (m_indexBegin >= 65536 && m_indexBegin * 2 >= m_index.size()) {
        m_index.erase(m_index.begin(), m_index.begin() + qsizetype(m_indexBegin));
        m_indexBegin = 0;
    }
}

int LogModel::indexNewRecords()
{
    const quint64 from = std::max(m_indexedUpTo, m_store.oldestSerial());
    const quint64 to = m_store.endSerial();
    m_indexedUpTo = to;
    if (from >= to)
        return 0;
    std::vector<quint64> fresh;
    m_matcher->collect(m_store, from, to, fresh);
    if (fresh.empty())
        return 0;
    const int first = rowCount();
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    m_index.insert(m_index.end(), fresh.cbegin(), fresh.cend());
    endInsertRows();
    return int(fresh.size());
}

void LogModel::rebuildIndex()
{
    const quint64 to =
        m_paused ? std::min(m_indexedUpTo, m_store.endSerial()) : m_store.endSerial();
    m_indexedUpTo = std::max(to, m_store.oldestSerial());
    std::vector<quint64>().swap(m_index);
    m_indexBegin = 0;
    if (m_filter.isTrivial()) {
        m_index.reserve(size_t(m_store.keptCount()) +
                        size_t(m_indexedUpTo - std::min(m_indexedUpTo, m_store.firstSerial())));
        m_store.forEachKept(0, m_indexedUpTo, [this](const LogStore::Entry &, quint64 serial) {
            m_index.push_back(serial);
        });
        for (quint64 s = m_store.firstSerial(); s < m_indexedUpTo; ++s)
            m_index.push_back(s);
    } else {
        m_matcher->collect(m_store, m_store.oldestSerial(), m_indexedUpTo, m_index);
    }
}

bool LogModel::setFilter(const LogFilter &filter)
{
    if (!filter.isValid()) {
        m_filterError = filter.errorString();
        Q_EMIT filterErrorChanged(m_filterError);
        return false;
    }
    const bool hadError = !m_filterError.isEmpty();
    m_filterError.clear();
    if (hadError)
        Q_EMIT filterErrorChanged(QString());
    if (isFiltering()) {
        if (filter == m_pendingFilter)
            return true;
        stopBackgroundFilter();
    }
    if (filter == m_filter)
        return true;
    if (m_store.heldCount() + m_pendingCount >= m_backgroundThreshold) {
        startBackgroundFilter(filter);
        return true;
    }

    beginResetModel();
    for (const LogBatch &batch : std::as_const(m_pending))
        m_store.append(batch);
    m_pending.clear();
    m_pendingCount = 0;
    m_flushTimer->stop();
    m_filter = filter;
    m_matcher = std::make_unique<LogMatcher>(m_filter, m_store);
    rebuildIndex();
    endResetModel();
    if (m_store.serverCount() != m_knownServers) {
        m_knownServers = m_store.serverCount();
        Q_EMIT serversChanged(m_store.serverNames());
    }
    return true;
}

void LogModel::setCapacity(int capacity)
{
    capacity = std::max(1, capacity);
    if (capacity == m_store.capacity())
        return;
    stopBackgroundFilter();
    flush();
    const quint64 oldFirst = m_store.firstSerial();
    m_store.setCapacity(capacity);
    const int removed = dropGoneRows(oldFirst);
    m_indexedUpTo = std::max(m_indexedUpTo, m_store.oldestSerial());
    if (removed)
        Q_EMIT flushed(0, removed);
}

void LogModel::setKeptCapacity(int capacity)
{
    capacity = std::max(0, capacity);
    if (capacity == m_store.keptCapacity())
        return;
    stopBackgroundFilter();
    flush();
    const quint64 oldFirst = m_store.firstSerial();
    m_store.setKeptCapacity(capacity);
    const int removed = dropGoneRows(oldFirst);
    if (removed)
        Q_EMIT flushed(0, removed);
}

void LogModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (!m_paused) {
        const int inserted = indexNewRecords();
        if (inserted)
            Q_EMIT flushed(inserted, 0);
        flush();
    }
    Q_EMIT pausedChanged(m_paused);
}

void LogModel::clear()
{
    stopBackgroundFilter();
    beginResetModel();
    m_flushTimer->stop();
    m_pending.clear();
    m_pendingCount = 0;
    m_store.clear();
    std::vector<quint64>().swap(m_index);
    m_indexBegin = 0;
    m_indexedUpTo = m_store.endSerial();
    m_matcher = std::make_unique<LogMatcher>(m_filter, m_store);
    endResetModel();
    if (m_knownServers != 0) {
        m_knownServers = 0;
        Q_EMIT serversChanged({});
    }
}

void LogModel::setBatchInterval(int msecs)
{
    m_batchInterval = std::max(0, msecs);
    m_flushTimer->setInterval(m_batchInterval);
}

} // namespace qpalm
