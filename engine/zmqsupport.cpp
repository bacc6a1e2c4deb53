// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "zmqsupport.h"

#include "endpoint.h"

#include <atomic>
#include <chrono>
#include <cstdlib>

namespace qpalm {

zmq::context_t &zmqContext()
{
    // Never destroyed: terminating it while another static tears down a socket would hang at exit.
    static zmq::context_t *context = [] {
        int ioThreads = 1; // one is plenty below ~1 GB/s, and each extra one costs a wakeup per hop
        if (const char *env = std::getenv("QPALM_IO_THREADS"); env && std::atoi(env) > 0)
            ioThreads = std::atoi(env);
        auto *c = new zmq::context_t(ioThreads);
        c->set(zmq::ctxopt::max_sockets, 8192);
        return c;
    }();
    return *context;
}

zmq::socket_t makeSocket(zmq::socket_type type)
{
    zmq::socket_t socket(zmqContext(), type);
    socket.set(zmq::sockopt::linger, 0);
    return socket;
}

std::string lastEndpoint(zmq::socket_t &socket)
{
    return socket.get(zmq::sockopt::last_endpoint);
}

void sendFrames(zmq::socket_t &socket, const std::vector<std::string> &frames)
{
    for (std::size_t i = 0; i < frames.size(); ++i) {
        (void)socket.send(zmq::buffer(frames[i]),
                          i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
}

bool receiveFrames(zmq::socket_t &socket, std::vector<zmq::message_t> &frames, bool wait)
{
    frames.clear();
    zmq::message_t frame;
    auto received = socket.recv(frame, wait ? zmq::recv_flags::none : zmq::recv_flags::dontwait);
    if (!received)
        return false;
    bool more = frame.more();
    frames.push_back(std::move(frame));
    while (more) {
        zmq::message_t part;
        (void)socket.recv(part, zmq::recv_flags::none);
        more = part.more();
        frames.push_back(std::move(part));
    }
    return true;
}

std::string reachableFrom(const std::string &advertised, const std::string &cacheAddress)
{
    const auto server = Endpoint::parse(fromStd(advertised));
    const auto via = Endpoint::parse(fromStd(cacheAddress));
    if (!server || !via)
        return advertised;
    return toStd(server->reachableFrom(*via).toString());
}

void unbindAndWait(void *socketHandle, const std::vector<std::string> &endpoints, int timeoutMs)
{
    static std::atomic<unsigned> counter{0};
    const std::string monitorEndpoint = "inproc://qpalm-unbind-" + std::to_string(++counter);
    if (zmq_socket_monitor(socketHandle, monitorEndpoint.c_str(), ZMQ_EVENT_CLOSED) != 0)
        return;
    zmq::socket_t monitor = makeSocket(zmq::socket_type::pair);
    monitor.connect(monitorEndpoint);
    int waiting = 0;
    for (const std::string &endpoint : endpoints) {
        if (zmq_unbind(socketHandle, endpoint.c_str()) == 0 && endpoint.rfind("tcp://", 0) == 0)
            ++waiting;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (waiting > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, left);
        std::vector<zmq::message_t> event;
        while (receiveFrames(monitor, event))
            --waiting;
    }
    zmq_socket_monitor(socketHandle, nullptr, 0);
}

} // namespace qpalm
