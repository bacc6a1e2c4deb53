#pragma once

#include <string>

namespace zmq {
class socket_t;
}

namespace qpalm {

// In-process shortcuts: every tcp endpoint a server of this process binds gets an inproc twin,
// and peers in the same process connect to the twin instead (no TCP stack, same behaviour).

// Binds the inproc twin of a bound tcp endpoint and records it.
void bindLocalTwin(zmq::socket_t &socket, const std::string &boundEndpoint);
// Forgets the twin of an endpoint (its socket is closing).
void forgetLocalTwin(const std::string &boundEndpoint);
// Connects to endpoint, or to its inproc twin when a server of this process bound it (true then).
bool connectPreferLocal(zmq::socket_t &socket, const std::string &endpoint);
// On by default; QPALM_NO_INPROC=1 in the environment turns it off.
bool localShortcutsEnabled();
void setLocalShortcutsEnabled(bool enabled);

} // namespace qpalm
