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
std::map<std::string, std::string>
    g_twins; // any spelling of a bound tcp endpoint -> its inproc twin

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
    for (const std::string &alias : aliases(boundEndpoint))
        g_twins[alias] = twin;
}

void forgetLocalTwin(const std::string &boundEndpoint)
{
    std::lock_guard lock(g_mutex);
    for (const std::string &alias : aliases(boundEndpoint))
        g_twins.erase(alias);
}

bool connectPreferLocal(zmq::socket_t &socket, const std::string &endpoint)
{
    if (localShortcutsEnabled()) {
        std::string twin;
        {
            std::lock_guard lock(g_mutex);
            const auto it = g_twins.find(endpoint);
            if (it != g_twins.end())
                twin = it->second;
        }
        if (!twin.empty()) {
            socket.connect(twin);
            return true;
        }
    }
    socket.connect(endpoint);
    return false;
}

} // namespace qpalm
