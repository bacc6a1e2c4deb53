// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
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
// A connection made through a twin, kept so it can follow its server across restarts
// (inproc, unlike tcp, does not reconnect by itself).
struct LocalLink
{
    std::string endpoint;         // as the peer was told (tcp://...)
    std::string twin;             // inproc endpoint connected to; empty for plain tcp
    unsigned long generation = 0; // which bind of the twin
    std::string key;              // endpoint's lookup key, parsed once (refresh runs per call)
};

// Connects to endpoint, or to its inproc twin when a server of this process bound it (true then).
bool connectPreferLocal(zmq::socket_t &socket, const std::string &endpoint,
                        LocalLink *link = nullptr);
// Reconnects a twin link whose server bound its twin again since; true when it did.
bool refreshLocalLink(zmq::socket_t &socket, LocalLink &link);
// On by default; QPALM_NO_INPROC=1 in the environment turns it off.
bool localShortcutsEnabled();
void setLocalShortcutsEnabled(bool enabled);

} // namespace qpalm
