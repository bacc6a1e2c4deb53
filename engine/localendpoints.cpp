// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "localendpoints.h"

#include "endpoint.h"

#include <zmq.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace qpalm {

namespace {
std::mutex g_mutex;
struct Twin
{
    std::string endpoint;
    unsigned long generation = 0;
};
// Any spelling of a bound tcp endpoint -> its inproc twin.
std::map<std::string, Twin> g_twins;
unsigned long g_generation = 0;

std::atomic<bool> &enabledFlag()
{
    static std::atomic<bool> enabled{[] {
        const char *off = std::getenv("QPALM_NO_INPROC");
        return !(off && *off && std::string(off) != "0");
    }()};
    return enabled;
}

// The keys a local peer's connect address may match: every spelling of one listening endpoint
// normalises to the same key, and one bound on all interfaces is also reached on loopback.
std::vector<std::string> aliases(const std::string &bound)
{
    const auto endpoint = Endpoint::parse(QString::fromStdString(bound));
    if (!endpoint)
        return {bound};
    std::vector<std::string> out{endpoint->normalized().toStdString()};
    if (endpoint->isAllInterfaces())
        out.push_back(endpoint->withHost(QStringLiteral("127.0.0.1")).normalized().toStdString());
    return out;
}

// The key a connect address is looked up by.
std::string lookupKey(const std::string &endpoint)
{
    const auto parsed = Endpoint::parse(QString::fromStdString(endpoint));
    return parsed ? parsed->normalized().toStdString() : endpoint;
}
} // namespace

bool localShortcutsEnabled()
{
    return enabledFlag().load();
}

void setLocalShortcutsEnabled(bool enabled)
{
    enabledFlag().store(enabled);
}

void bindLocalTwin(zmq::socket_t &socket, const std::string &boundEndpoint)
{
    if (boundEndpoint.rfind("tcp://", 0) != 0)
        return;
    const auto endpoint = Endpoint::parse(QString::fromStdString(boundEndpoint));
    if (!endpoint || endpoint->inprocAlias().isEmpty())
        return;
    const std::string twin = endpoint->inprocAlias().toStdString();
    socket.bind(twin);
    std::lock_guard lock(g_mutex);
    ++g_generation;
    for (const std::string &alias : aliases(boundEndpoint))
        g_twins[alias] = Twin{twin, g_generation};
}

void forgetLocalTwin(const std::string &boundEndpoint)
{
    std::lock_guard lock(g_mutex);
    for (const std::string &alias : aliases(boundEndpoint))
        g_twins.erase(alias);
}

bool connectPreferLocal(zmq::socket_t &socket, const std::string &endpoint, LocalLink *link)
{
    Twin twin;
    std::string key;
    if (localShortcutsEnabled()) {
        key = lookupKey(endpoint);
        std::lock_guard lock(g_mutex);
        const auto it = g_twins.find(key);
        if (it != g_twins.end())
            twin = it->second;
    }
    if (link)
        *link = LocalLink{endpoint, twin.endpoint, twin.generation, std::move(key)};
    if (!twin.endpoint.empty()) {
        socket.connect(twin.endpoint);
        return true;
    }
    socket.connect(endpoint);
    return false;
}

bool refreshLocalLink(zmq::socket_t &socket, LocalLink &link)
{
    if (link.twin.empty())
        return false;
    if (link.key.empty())
        link.key = lookupKey(link.endpoint);
    Twin twin;
    {
        std::lock_guard lock(g_mutex);
        const auto it = g_twins.find(link.key);
        if (it == g_twins.end() || it->second.generation == link.generation)
            return false; // not bound again yet, or never went away
        twin = it->second;
    }
    try {
        socket.disconnect(link.twin);
    } catch (const zmq::error_t &) {
        // The old pipe is already gone.
    }
    socket.connect(twin.endpoint);
    link.twin = twin.endpoint;
    link.generation = twin.generation;
    return true;
}

} // namespace qpalm
