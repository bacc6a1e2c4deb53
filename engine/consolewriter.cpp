// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "consolewriter.h"

#include <chrono>
#include <cstdlib>
#include <vector>

namespace qpalm {

namespace {

constexpr auto kWriteInterval = std::chrono::milliseconds(50);
constexpr std::size_t kWakeBytes = 64 * 1024;
constexpr qsizetype kMaxBatchBytes = 1024 * 1024;

} // namespace

ConsoleWriter::ConsoleWriter(std::FILE *stream)
    : m_stream(stream), m_head(new Node), m_tail(m_head.load())
{
    m_thread = std::thread([this] { run(); });
}

ConsoleWriter::~ConsoleWriter()
{
    shutdown();
    delete m_tail;
}

ConsoleWriter &ConsoleWriter::standardOutput()
{
    // Never destroyed: threads that still log after exit began write directly.
    static ConsoleWriter *const writer = [] {
        auto *created = new ConsoleWriter(stdout);
        std::atexit([] { standardOutput().shutdown(); });
        return created;
    }();
    return *writer;
}

void ConsoleWriter::write(QByteArray bytes)
{
    if (bytes.isEmpty())
        return;
    if (m_stopped.load()) {
        std::lock_guard lock(m_directMutex);
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), m_stream);
        std::fflush(m_stream);
        return;
    }
    const std::size_t size = std::size_t(bytes.size());
    auto *node = new Node;
    node->bytes = std::move(bytes);
    enqueue(node);
    const std::size_t before = m_pending.fetch_add(size, std::memory_order_relaxed);
    if (before < kWakeBytes && before + size >= kWakeBytes) {
        // No lock: a missed wake costs at most one interval.
        m_wakeWanted.store(true, std::memory_order_relaxed);
        m_wake.notify_one();
    }
}

void ConsoleWriter::flush()
{
    if (m_stopped.load()) {
        std::lock_guard lock(m_directMutex);
        std::fflush(m_stream);
        return;
    }
    std::atomic<bool> flushed{false};
    auto *marker = new Node;
    marker->flushed = &flushed;
    enqueue(marker);
    {
        std::unique_lock lock(m_wakeMutex);
        m_wakeWanted.store(true, std::memory_order_relaxed);
        m_wake.notify_one();
        m_flushed.wait(lock, [&] { return flushed.load(); });
    }
}

void ConsoleWriter::shutdown()
{
    std::lock_guard shutdownLock(m_shutdownMutex);
    if (m_stopped.load())
        return;
    {
        std::lock_guard lock(m_wakeMutex);
        m_stopping.store(true);
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
    m_stopped.store(true);
    std::lock_guard lock(m_directMutex);
    drain();
}

void ConsoleWriter::enqueue(Node *node)
{
    Node *previous = m_head.exchange(node);
    previous->next.store(node, std::memory_order_release);
    // Appended while (or after) the writer stopped: whoever sees the stop drains.
    if (m_stopped.load()) {
        std::lock_guard lock(m_directMutex);
        drain();
    }
}

void ConsoleWriter::run()
{
    std::unique_lock lock(m_wakeMutex);
    while (!m_stopping.load()) {
        m_wake.wait_for(lock, kWriteInterval,
                        [this] { return m_stopping.load() || m_wakeWanted.load(); });
        m_wakeWanted.store(false, std::memory_order_relaxed);
        lock.unlock();
        drain();
        lock.lock();
    }
    lock.unlock();
    drain();
}

// Takes every node appended so far, in order, and writes them with one fwrite
// and one fflush (more for over a MiB). One consumer at a time: the writer
// thread, or after it stopped, the holder of m_directMutex.
void ConsoleWriter::drain()
{
    QByteArray batch;
    std::vector<std::atomic<bool> *> markers;
    std::size_t taken = 0;
    for (;;) {
        Node *tail = m_tail;
        Node *next = tail->next.load(std::memory_order_acquire);
        if (!next) {
            if (m_head.load() == tail)
                break;
            std::this_thread::yield(); // a producer between its swap and its link
            continue;
        }
        taken += std::size_t(next->bytes.size());
        if (batch.isEmpty())
            batch = std::move(next->bytes);
        else
            batch += next->bytes;
        next->bytes = QByteArray();
        if (next->flushed)
            markers.push_back(next->flushed);
        m_tail = next;
        delete tail;
        if (batch.size() >= kMaxBatchBytes) {
            std::fwrite(batch.constData(), 1, std::size_t(batch.size()), m_stream);
            batch.clear();
        }
    }
    if (!batch.isEmpty())
        std::fwrite(batch.constData(), 1, std::size_t(batch.size()), m_stream);
    if (taken > 0 || !markers.empty())
        std::fflush(m_stream);
    m_pending.fetch_sub(taken, std::memory_order_relaxed);
    if (!markers.empty()) {
        {
            std::lock_guard lock(m_wakeMutex);
            for (std::atomic<bool> *marker : markers)
                marker->store(true);
        }
        m_flushed.notify_all();
    }
}

} // namespace qpalm
