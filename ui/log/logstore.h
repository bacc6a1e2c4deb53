// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

namespace qpalm {

// Bounded ring of log records in arrival order; each record keeps a serial number forever.
// Records at WARNING and above pushed out of the ring are kept apart (bounded on their own), so
// a flood of DEBUG lines cannot evict the errors.
class LogStore
{
public:
    static constexpr qsizetype DefaultCapacity = 1'000'000;
    static constexpr qsizetype DefaultKeptCapacity = 200'000;
    static constexpr LogLevel KeptLevel = LogLevel::Warning;

    // One stored record: server interned, traceback kept aside (most records have none).
    struct Entry
    {
        QString text;
        qint64 msecsSinceEpoch = 0;
        quint64 sequence = 0;
        quint32 server = 0;
        quint8 level = 0;
        bool hasTraceback = false;
    };

    explicit LogStore(qsizetype capacity = DefaultCapacity);

    qsizetype capacity() const { return m_capacity; }
    // Keeps the newest records that fit; capacity below 1 is taken as 1.
    void setCapacity(qsizetype capacity);
    // Records in the ring (kept ones not counted).
    qsizetype size() const { return qsizetype(m_end - m_first); }
    bool isEmpty() const { return m_end == m_first && m_kept.empty(); }
    // Records held: the ring's and the kept ones.
    qsizetype heldCount() const { return size() + qsizetype(m_kept.size()); }

    // WARNING+ records pushed out of the ring, at most keptCapacity (the oldest dropped first).
    qsizetype keptCount() const { return qsizetype(m_kept.size()); }
    qsizetype keptCapacity() const { return m_keptCapacity; }
    void setKeptCapacity(qsizetype capacity);

    // Serials in the ring: [firstSerial, endSerial); kept ones lie below firstSerial.
    quint64 firstSerial() const { return m_first; }
    quint64 endSerial() const { return m_end; }
    // The oldest serial held, kept or in the ring.
    quint64 oldestSerial() const { return m_kept.empty() ? m_first : m_kept.front().serial; }
    bool contains(quint64 serial) const
    {
        return (serial >= m_first && serial < m_end) || keptPosition(serial) >= 0;
    }
    // How many records appending `incoming` records would evict.
    qsizetype evictionCount(qsizetype incoming) const;

    // The entry with this serial; the serial must be held.
    const Entry &at(quint64 serial) const
    {
        return serial >= m_first ? slot(position(serial))
                                 : m_kept[size_t(keptPosition(serial))].entry;
    }
    QString traceback(quint64 serial) const;
    LogRecord record(quint64 serial) const;
    static LogLevel level(const Entry &entry) { return static_cast<LogLevel>(entry.level); }

    // Interned server names; ids are stable until clear().
    const QString &serverName(quint32 id) const { return m_servers.at(qsizetype(id)); }
    const QStringList &serverNames() const { return m_servers; }
    qsizetype serverCount() const { return m_servers.size(); }
    // The id of a known server name, or -1.
    qint64 serverId(const QString &name) const { return m_serverIds.value(name, -1); }

    // Appends in order, evicting the oldest past capacity; returns how many were evicted.
    qsizetype append(const LogBatch &batch);
    // Drops every record and server name; serials go on increasing.
    void clear();

    // Calls f(const Entry &entry, quint64 serial) for the kept records in [from, to), in order.
    template <typename F> void forEachKept(quint64 from, quint64 to, F &&f) const
    {
        auto it = std::lower_bound(m_kept.begin(), m_kept.end(), from,
                                   [](const Kept &k, quint64 s) { return k.serial < s; });
        for (; it != m_kept.end() && it->serial < to; ++it)
            f(it->entry, it->serial);
    }

    // Calls f(const Entry *entries, qsizetype count, quint64 firstSerial) over contiguous
    // runs of the ring covering [from, to) (clamped to the ring), in order.
    template <typename F> void forEachRun(quint64 from, quint64 to, F &&f) const
    {
        from = std::max(from, m_first);
        to = std::min(to, m_end);
        while (from < to) {
            const qsizetype pos = position(from);
            const qsizetype inBlock = BlockSize - (pos & BlockMask);
            const qsizetype run = std::min({qsizetype(to - from), m_used - pos, inBlock});
            f(&slot(pos), run, from);
            from += quint64(run);
        }
    }

private:
    struct Kept
    {
        quint64 serial;
        Entry entry;
        QString traceback;
    };
    qsizetype keptPosition(quint64 serial) const;
    // Moves the ring's entry of serial (about to be dropped) to the kept list when it qualifies.
    void keep(quint64 serial, Entry &entry);
    void trimKept();

    // Slots live in fixed blocks: growing never moves records, and memory is touched gradually.
    static constexpr int BlockBits = 14;
    static constexpr qsizetype BlockSize = qsizetype(1) << BlockBits;
    static constexpr qsizetype BlockMask = BlockSize - 1;

    qsizetype position(quint64 serial) const
    {
        qsizetype pos = m_head + qsizetype(serial - m_first);
        return pos >= m_used ? pos - m_used : pos;
    }
    const Entry &slot(qsizetype pos) const
    {
        return m_blocks[size_t(pos >> BlockBits)][pos & BlockMask];
    }
    Entry &slot(qsizetype pos) { return m_blocks[size_t(pos >> BlockBits)][pos & BlockMask]; }
    quint32 intern(const QString &server);
    void releaseSlots();

    std::vector<std::unique_ptr<Entry[]>> m_blocks;
    qsizetype m_used = 0; // slots in use: grows to m_capacity, then the ring wraps
    qsizetype m_capacity;
    qsizetype m_head = 0; // slot of serial m_first
    quint64 m_first = 0;
    quint64 m_end = 0;
    std::deque<std::pair<quint64, QString>> m_tracebacks; // by increasing serial
    std::deque<Kept> m_kept;                              // by increasing serial
    qsizetype m_keptCapacity = DefaultKeptCapacity;
    QStringList m_servers;
    QHash<QString, qint64> m_serverIds;
};

} // namespace qpalm
