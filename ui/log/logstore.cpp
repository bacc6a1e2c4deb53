// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logstore.h"

#include <algorithm>

namespace qpalm {

LogStore::LogStore(qsizetype capacity) : m_capacity(std::max<qsizetype>(1, capacity)) {}

qsizetype LogStore::keptPosition(quint64 serial) const
{
    if (m_kept.empty() || serial >= m_first || serial < m_kept.front().serial)
        return -1;
    auto it = std::lower_bound(m_kept.begin(), m_kept.end(), serial,
                               [](const Kept &k, quint64 s) { return k.serial < s; });
    return it != m_kept.end() && it->serial == serial ? qsizetype(it - m_kept.begin()) : -1;
}

void LogStore::keep(quint64 serial, Entry &entry)
{
    if (entry.level < quint8(KeptLevel) || m_keptCapacity <= 0)
        return;
    QString traceback;
    if (entry.hasTraceback && !m_tracebacks.empty() && m_tracebacks.front().first == serial)
        traceback = std::move(m_tracebacks.front().second);
    m_kept.push_back({serial, std::move(entry), std::move(traceback)});
}

void LogStore::trimKept()
{
    while (qsizetype(m_kept.size()) > m_keptCapacity)
        m_kept.pop_front();
}

void LogStore::setKeptCapacity(qsizetype capacity)
{
    m_keptCapacity = std::max<qsizetype>(0, capacity);
    trimKept();
}

void LogStore::setCapacity(qsizetype capacity)
{
    capacity = std::max<qsizetype>(1, capacity);
    if (capacity == m_capacity)
        return;
    const qsizetype keep = std::min(size(), capacity);
    const quint64 newFirst = m_end - quint64(keep);
    for (quint64 serial = m_first; serial < newFirst; ++serial) {
        this->keep(serial, slot(position(serial)));
        while (!m_tracebacks.empty() && m_tracebacks.front().first <= serial)
            m_tracebacks.pop_front();
    }
    trimKept();
    std::vector<std::unique_ptr<Entry[]>> blocks;
    for (qsizetype i = 0; i < keep; ++i) {
        if ((i & BlockMask) == 0)
            blocks.push_back(std::make_unique<Entry[]>(size_t(std::min(BlockSize, capacity - i))));
        blocks.back()[i & BlockMask] = std::move(slot(position(newFirst + quint64(i))));
    }
    m_blocks = std::move(blocks);
    m_used = keep;
    m_head = 0;
    m_first = newFirst;
    while (!m_tracebacks.empty() && m_tracebacks.front().first < m_first)
        m_tracebacks.pop_front();
    m_capacity = capacity;
}

void LogStore::releaseSlots()
{
    std::vector<std::unique_ptr<Entry[]>>().swap(m_blocks);
    m_used = 0;
    m_head = 0;
    m_tracebacks.clear();
}

qsizetype LogStore::evictionCount(qsizetype incoming) const
{
    return std::min(size(), std::max<qsizetype>(0, size() + incoming - m_capacity));
}

QString LogStore::traceback(quint64 serial) const
{
    if (serial < m_first) {
        const qsizetype k = keptPosition(serial);
        return k < 0 ? QString() : m_kept[size_t(k)].traceback;
    }
    auto it = std::lower_bound(m_tracebacks.begin(), m_tracebacks.end(), serial,
                               [](const auto &item, quint64 s) { return item.first < s; });
    if (it == m_tracebacks.end() || it->first != serial)
        return {};
    return it->second;
}

LogRecord LogStore::record(quint64 serial) const
{
    const Entry &e = at(serial);
    LogRecord r;
    r.msecsSinceEpoch = e.msecsSinceEpoch;
    r.server = serverName(e.server);
    r.level = level(e);
    r.text = e.text;
    if (e.hasTraceback)
        r.traceback = traceback(serial);
    r.sequence = e.sequence;
    return r;
}

quint32 LogStore::intern(const QString &server)
{
    auto it = m_serverIds.constFind(server);
    if (it != m_serverIds.cend())
        return quint32(it.value());
    const quint32 id = quint32(m_servers.size());
    m_servers.append(server);
    m_serverIds.insert(server, id);
    return id;
}

qsizetype LogStore::append(const LogBatch &batch)
{
    const qsizetype n = batch.size();
    if (n == 0)
        return 0;
    const qsizetype evicted = evictionCount(n);
    qsizetype skip = 0;
    if (n >= m_capacity) {
        // Nothing in the ring survives, nor do the oldest of the batch; their serials are still
        // used, and their warnings and errors are kept.
        skip = n - m_capacity;
        for (quint64 serial = m_first; serial < m_end; ++serial) {
            keep(serial, slot(position(serial)));
            while (!m_tracebacks.empty() && m_tracebacks.front().first <= serial)
                m_tracebacks.pop_front();
        }
        releaseSlots();
        for (qsizetype i = 0; i < skip; ++i) {
            const LogRecord &r = batch.at(i);
            if (static_cast<int>(r.level) < static_cast<int>(KeptLevel) || m_keptCapacity <= 0)
                continue;
            Entry e;
            e.text = r.text;
            e.msecsSinceEpoch = r.msecsSinceEpoch;
            e.sequence = r.sequence;
            e.server = intern(r.server);
            e.level = quint8(std::clamp(static_cast<int>(r.level), 0, 255));
            e.hasTraceback = !r.traceback.isEmpty();
            m_kept.push_back({m_end + quint64(i), std::move(e), r.traceback});
        }
        trimKept();
        m_end += quint64(skip);
        m_first = m_end;
    }

    const QString *lastName = nullptr;
    quint32 lastId = 0;
    for (qsizetype i = skip; i < n; ++i) {
        const LogRecord &r = batch.at(i);
        quint32 id;
        if (lastName && *lastName == r.server) {
            id = lastId;
        } else {
            id = intern(r.server);
            lastName = &r.server;
            lastId = id;
        }
        const quint64 serial = m_end;
        Entry *e;
        if (m_used < m_capacity) {
            // Still filling: the ring has not wrapped, so m_head is 0 and the next slot is m_used.
            if ((m_used & BlockMask) == 0 && size_t(m_used >> BlockBits) == m_blocks.size())
                m_blocks.push_back(
                    std::make_unique<Entry[]>(size_t(std::min(BlockSize, m_capacity - m_used))));
            e = &slot(m_used++);
        } else {
            // Full: overwrite the oldest (kept apart first when it is a warning or worse).
            e = &slot(m_head);
            if (e->level >= quint8(KeptLevel)) {
                keep(m_first, *e);
                trimKept();
            }
            if (++m_head == m_used)
                m_head = 0;
            ++m_first;
            while (!m_tracebacks.empty() && m_tracebacks.front().first < m_first)
                m_tracebacks.pop_front();
        }
        e->text = r.text;
        e->msecsSinceEpoch = r.msecsSinceEpoch;
        e->sequence = r.sequence;
        e->server = id;
        e->level = quint8(std::clamp(static_cast<int>(r.level), 0, 255));
        e->hasTraceback = !r.traceback.isEmpty();
        if (e->hasTraceback)
            m_tracebacks.emplace_back(serial, r.traceback);
        ++m_end;
    }
    return evicted;
}

void LogStore::clear()
{
    releaseSlots();
    m_kept.clear();
    m_first = m_end;
    m_servers.clear();
    m_serverIds.clear();
}

} // namespace qpalm
