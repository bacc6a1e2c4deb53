// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zmq {
class socket_t;
}

namespace qpalm {

struct DataSecurity;

// A pylm-compatible client; use each instance from one thread only.
class Client
{
public:
    struct Options
    {
        std::string serverName;
        std::string dbAddress;
        std::string pushAddress; // read from the server's cache when empty
        std::string subAddress;  // read from the server's cache when empty
        std::string pipeline; // a session: set() keys are prefixed with it; a fresh uuid when empty
        int timeoutMs = 10000; // per reply, and per cache request
        // CURVE, for a cluster with data_security (Z85 keys; all empty: plaintext, as pylm).
        std::string curvePublicKey;
        std::string curveSecretKey;
        std::string curveServerKey; // the cluster's public key

        // CURVE with a data_security cluster's own key pair (what its servers use); unset: none.
        void useClusterKeys(const DataSecurity &security);
    };

    explicit Client(Options options);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Reads the server's cache and connects; false with lastError() on failure.
    bool connect();
    const std::string &lastError() const { return m_error; }
    // While *flag is true, every wait (cache reply, handshake, replies of a job) ends within
    // about 20 ms and the call fails with "cancelled". nullptr (the default): waits run to their
    // timeout. The flag must outlive the calls.
    void setInterrupt(const std::atomic<bool> *flag) { m_interrupt = flag; }
    const std::string &uuid() const { return m_uuid; }
    const std::string &pushAddress() const { return m_options.pushAddress; }
    const std::string &subAddress() const { return m_options.subAddress; }

    // Sends one message and waits for `replies` replies.
    std::optional<std::vector<std::string>> eval(const std::string &function,
                                                 const std::string &payload, int replies = 1,
                                                 const std::string &cache = {});
    // Streams payloads from next() (false ends) while receiving; onReply sees each reply.
    // Waits for repliesPerMessage replies per message sent (0: do not wait), or, when
    // totalReplies >= 0, for that many replies in all (some messages may have none).
    bool job(const std::string &function, const std::function<bool(std::string &)> &next,
             const std::function<void(std::string &&)> &onReply, int repliesPerMessage = 1,
             const std::string &cache = {}, int totalReplies = -1);
    // Convenience: all payloads in, all replies out (in arrival order).
    std::optional<std::vector<std::string>> job(const std::string &function,
                                                const std::vector<std::string> &payloads,
                                                int repliesPerMessage = 1,
                                                const std::string &cache = {});

    // pylm's cache verbs; set takes the value first and returns the key.
    std::optional<std::string> set(const std::string &value, const std::string &key = {});
    std::optional<std::string> get(const std::string &key);
    std::optional<std::string> remove(const std::string &key);
    // qpalm extension: every key in the server's cache.
    std::optional<std::vector<std::string>> keys();

private:
    struct Sockets;
    class HandshakeWatch;
    void secure(zmq::socket_t &socket) const; // a CURVE client when the options say so
    // Why the handshake with address failed (a monitor event), as a sentence for lastError().
    std::string refusal(const std::string &address, int event, int value) const;
    std::optional<std::string> cacheRequest(const std::string &verb, const std::string &payload,
                                            const std::string &key = {});
    bool ensureStreams();

    Options m_options;
    std::string m_uuid;
    std::string m_error;
    bool m_session = false;
    const std::atomic<bool> *m_interrupt = nullptr;
    std::unique_ptr<Sockets> m_sockets;
};

} // namespace qpalm
