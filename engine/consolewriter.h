// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace qpalm {

// One buffered writer for a FILE (the console). Any thread appends without
// taking a lock (a lock-free queue) and returns at once; one writer thread
// writes what waits every 50 ms, or as soon as 64 KiB wait, with one fwrite and
// one fflush. Appends come out in the order they were made: per thread, and
// across threads as they happened.
class ConsoleWriter
{
public:
    explicit ConsoleWriter(std::FILE *stream);
    ~ConsoleWriter(); // shutdown()

    ConsoleWriter(const ConsoleWriter &) = delete;
    ConsoleWriter &operator=(const ConsoleWriter &) = delete;

    // The writer for stdout, shared by the whole process; shut down at normal
    // exit (atexit).
    static ConsoleWriter &standardOutput();

    // Appends bytes; never waits for I/O. After shutdown, writes them directly.
    // Any thread.
    void write(QByteArray bytes);
    // Returns once everything appended before the call is written and flushed.
    // Any thread.
    void flush();
    // Writes what waits and stops the writer thread; later writes go straight to
    // the stream.
    void shutdown();

private:
    struct Node
    {
        std::atomic<Node *> next{nullptr};
        QByteArray bytes;
        std::atomic<bool> *flushed = nullptr; // a flush() marker: set once written
    };

    void enqueue(Node *node);
    void run();
    void drain();

    std::FILE *const m_stream;
    std::atomic<Node *> m_head; // the newest node: producers swap theirs in
    Node *m_tail;               // the writer's end: the last node taken (a stub)
    std::atomic<std::size_t> m_pending{0};
    std::atomic<bool> m_wakeWanted{false};
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_stopped{false};

    std::mutex m_wakeMutex; // for the condition variables only; never held while writing
    std::condition_variable m_wake;
    std::condition_variable m_flushed;
    std::mutex m_directMutex; // after shutdown: the one consumer at a time
    std::mutex m_shutdownMutex;
    std::thread m_thread;
};

} // namespace qpalm
