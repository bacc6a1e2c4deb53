// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogModel: filtering a large store on a worker thread, with progress and cancel (as klogg
// indexes). The store is left untouched while the job runs: flushes wait, records queue.
#include "logmodel.h"

#include <QThread>
#include <QTimer>

namespace qpalm {

struct LogModel::FilterJob
{
    std::unique_ptr<LogMatcher> matcher;
    std::vector<quint64> index;
    quint64 from = 0;
    quint64 upTo = 0;
    std::atomic<qint64> done{0};
    std::atomic<bool> cancel{false};
};

void LogModel::startBackgroundFilter(const LogFilter &filter)
{
    flush(); // the queue goes in now; the store then stays as it is until the job ends
    m_pendingFilter = filter;
    auto job = std::make_shared<FilterJob>();
    job->matcher = std::make_unique<LogMatcher>(filter, m_store);
    job->from = m_store.oldestSerial();
    job->upTo = std::max(job->from, m_paused ? std::min(m_indexedUpTo, m_store.endSerial())
                                             : m_store.endSerial());
    m_filterJob = job;
    const LogStore *store = &m_store;
    m_filterThread = QThread::create([job, store] {
        // Slices of 256 k serials: each is split over the cores by LogMatcher::collect, and
        // cancel is seen within one slice.
        constexpr quint64 Slice = 262'144;
        for (quint64 a = job->from; a < job->upTo && !job->cancel.load(); a += Slice) {
            const quint64 b = std::min(job->upTo, a + Slice);
            job->matcher->collect(*store, a, b, job->index);
            job->done.store(qint64(b - job->from), std::memory_order_relaxed);
        }
    });
    connect(m_filterThread, &QThread::finished, this, [this, job] {
        if (job == m_filterJob)
            finishBackgroundFilter();
    });
    if (!m_progressTimer) {
        m_progressTimer = new QTimer(this);
        m_progressTimer->setInterval(100);
        connect(m_progressTimer, &QTimer::timeout, this, [this] {
            if (m_filterJob)
                Q_EMIT filterProgress(m_filterJob->done.load(),
                                      qint64(m_filterJob->upTo - m_filterJob->from));
        });
    }
    Q_EMIT filterStarted(qint64(job->upTo - job->from));
    m_progressTimer->start();
    m_filterThread->start();
}

void LogModel::finishBackgroundFilter()
{
    m_progressTimer->stop();
    std::shared_ptr<FilterJob> job = std::move(m_filterJob);
    m_filterJob.reset();
    m_filterThread->deleteLater();
    m_filterThread = nullptr;
    const bool applied = !job->cancel.load();
    if (applied) {
        Q_EMIT filterProgress(qint64(job->upTo - job->from), qint64(job->upTo - job->from));
        beginResetModel();
        m_filter = m_pendingFilter;
        m_matcher = std::move(job->matcher);
        m_matcher->refreshServers(m_store);
        m_index = std::move(job->index);
        m_indexBegin = 0;
        m_indexedUpTo = job->upTo;
        endResetModel();
        if (!m_paused) {
            const int inserted = indexNewRecords();
            if (inserted)
                Q_EMIT flushed(inserted, 0);
        }
    }
    Q_EMIT filterFinished(applied);
    flush();
}

void LogModel::cancelFilter()
{
    if (m_filterJob)
        m_filterJob->cancel.store(true);
}

void LogModel::stopBackgroundFilter()
{
    if (!m_filterThread)
        return;
    m_filterJob->cancel.store(true);
    m_filterThread->wait();
    finishBackgroundFilter();
}

} // namespace qpalm
