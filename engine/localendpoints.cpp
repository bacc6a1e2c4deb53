#include "localendpoints.h"

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

// Spellings of one listening endpoint that a local peer may use.
std::vector<std::string> aliases(const std::string &bound)
{
    std::vector<std::string> out{bound};
    const std::string any = "tcp://0.0.0.0:";
    const std::string loopback = "tcp://127.0.0.1:";
    if (bound.rfind(any, 0) == 0) {
        out.push_back(loopback + bound.substr(any.size()));
        out.push_back("tcp://localhost:" + bound.substr(any.size()));
    } else if (bound.rfind(loopback, 0) == 0) {
        out.push_back("tcp://localhost:" + bound.substr(loopback.size()));
    }
    return out;
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
    const std::string twin = "inproc://qpalm-twin/" + boundEndpoint;
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
    if (localShortcutsEnabled()) {
        std::lock_guard lock(g_mutex);
        const auto it = g_twins.find(endpoint);
        if (it != g_twins.end())
            twin = it->second;
    }
    if (link)
        *link = LocalLink{endpoint, twin.endpoint, twin.generation};
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
    Twin twin;
    {
        std::lock_guard lock(g_mutex);
        const auto it = g_twins.find(link.endpoint);
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
