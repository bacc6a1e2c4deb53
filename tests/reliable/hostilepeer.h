// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Raw peers of a master's reliable path (worker_reliable_address) for tst_hostile_reliable: frames
// built by hand from docs/delivery.md (not with the engine's own encoder), a DEALER on a thread of
// its own, raw TCP.
#pragma once

#include <QFile>
#include <QString>

#include <zmq.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hostile {

inline zmq::context_t &context()
{
    static zmq::context_t ctx;
    return ctx;
}

// value as size little-endian bytes
inline std::string le(std::uint64_t value, int size)
{
    std::string out(std::size_t(size), '\0');
    for (int i = 0; i < size; ++i)
        out[std::size_t(i)] = char((value >> (8 * i)) & 0xff);
    return out;
}

// 'H' credit(u32) name
inline std::string hello(std::uint32_t credit, const std::string &name)
{
    return "H" + le(credit, 4) + name;
}

// 'T', 'r' or 'R': type id(u64) PalmMessage
inline std::string frame(char type, std::uint64_t id, const std::string &body = {})
{
    return std::string(1, type) + le(id, 8) + body;
}

// The id of a 'T', 'r' or 'R' frame.
inline std::uint64_t idOf(const std::string &task)
{
    std::uint64_t id = 0;
    for (int i = 0; i < 8; ++i)
        id |= std::uint64_t(static_cast<unsigned char>(task[std::size_t(1 + i)])) << (8 * i);
    return id;
}

// One entry of an 'A' (results) or 'M' (tasks) frame: type id(u64) size(u32) PalmMessage.
inline std::string entry(char type, std::uint64_t id, const std::string &body)
{
    return std::string(1, type) + le(id, 8) + le(body.size(), 4) + body;
}

// The (id, PalmMessage) entries of a well-formed 'M' frame; empty for anything else.
inline std::vector<std::pair<std::uint64_t, std::string>> tasksOf(const std::string &in)
{
    std::vector<std::pair<std::uint64_t, std::string>> out;
    if (in.empty() || in[0] != 'M')
        return out;
    for (std::size_t at = 1; at + 13 <= in.size();) {
        const std::string head = in.substr(at, 13);
        std::uint64_t size = 0;
        for (int i = 0; i < 4; ++i)
            size |= std::uint64_t(static_cast<unsigned char>(head[std::size_t(9 + i)])) << (8 * i);
        if (head[0] != 'T' || at + 13 + size > in.size())
            return {};
        out.emplace_back(idOf(head), in.substr(at + 13, std::size_t(size)));
        at += 13 + std::size_t(size);
    }
    return out;
}

// A master's answer to a hello lists its features after the 'B' ('a': it reads 'A' frames);
// true when in is such an answer offering batches.
inline bool offersBatches(const std::string &in)
{
    return in.size() > 1 && in[0] == 'B' && in.find('a', 1) != std::string::npos;
}

// A raw DEALER on the reliable path, run on a thread of its own until stopped. behave is called
// with the socket and every frame that arrives (an empty string every 50 ms when none did).
class FakeWorker
{
public:
    using Behaviour = std::function<void(zmq::socket_t &, const std::string &)>;

    FakeWorker(std::string address, std::string identity, std::string first, Behaviour behave)
    {
        m_thread = std::thread([this, address = std::move(address), identity = std::move(identity),
                                first = std::move(first), behave = std::move(behave)] {
            zmq::socket_t socket(context(), zmq::socket_type::dealer);
            socket.set(zmq::sockopt::linger, 0);
            socket.set(zmq::sockopt::routing_id, identity);
            socket.connect(address);
            if (!first.empty())
                socket.send(zmq::buffer(first), zmq::send_flags::none);
            while (!m_stop) {
                zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
                zmq::poll(&item, 1, std::chrono::milliseconds(50));
                zmq::message_t message;
                bool any = false;
                while (socket.recv(message, zmq::recv_flags::dontwait)) {
                    any = true;
                    ++m_received;
                    behave(socket, message.to_string());
                }
                if (!any)
                    behave(socket, {});
            }
        });
    }
    ~FakeWorker() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    int received() const { return m_received; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_received{0};
    std::thread m_thread;
};

// Answers every task with its own message (the result a worker running `return payload` sends).
inline void echo(zmq::socket_t &socket, const std::string &in)
{
    if (!in.empty() && in[0] == 'T' && in.size() >= 9)
        socket.send(zmq::buffer(frame('R', idOf(in), in.substr(9))), zmq::send_flags::none);
}

// A batch peer's first look at a frame: takes the master's offer of batches (answers 'C' 'm')
// and echoes a single 'T'; returns the tasks of an 'M' frame, none when it dealt with the frame.
inline std::vector<std::pair<std::uint64_t, std::string>> batchTasks(zmq::socket_t &socket,
                                                                     const std::string &in)
{
    if (offersBatches(in)) {
        socket.send(zmq::buffer("Cm", 2), zmq::send_flags::none);
        return {};
    }
    auto tasks = tasksOf(in);
    if (tasks.empty())
        echo(socket, in); // a single 'T' (before its 'C' was read)
    return tasks;
}

inline qint64 rssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

inline int rawTcp(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(u':');
    const int port = address.mid(colon + 1).toInt();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(quint16(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace hostile
