// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "message.h"
#include "scriptsource.h"

#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qpalm {

class Logger;

// What a failed user call reports: one line of text and the traceback.
struct UserError
{
    QString text;
    QString traceback;
    std::shared_ptr<const Message> message; // what the failed call was given, payload capped
    qint64 payloadBytes = 0;                // that payload's full size
    FailedCall call = FailedCall::Unknown;  // which user function it was given to
};

// Keeps a copy of message in error (payload cut at kMaxAttachedPayloadBytes) unless one is kept,
// and says which function failed (unless already said).
void attachFailedMessage(UserError &error, const Message &message, FailedCall call);

enum class CallResult { Ok, NotFound, Failed };

// What user code may use of the server it runs in; lives on the server's thread.
class ServerContext
{
public:
    virtual ~ServerContext() = default;
    virtual const QString &serverName() const = 0;
    virtual Logger &logger() = 0;
    // The cache of this server (a worker's cache is its master's).
    virtual std::optional<std::string> cacheGet(const std::string &key) = 0;
    // Stores value under key (a fresh uuid when key is empty); returns the key.
    virtual std::string cacheSet(const std::string &value, const std::string &key = {}) = 0;
    virtual void cacheDelete(const std::string &key) = 0;
    // A user call ran past its time limit plus the stuck bound and did not stop. Called once
    // per call on the Lua watchdog thread, never the server's, so overrides must be
    // thread-safe; the default prints an ERROR line in pylm format.
    virtual void reportStuckCall(const QString &text);
};

// One user function returning zero or more results (zero drops the message).
using NativeFunction = std::function<void(ServerContext &, const std::string &payload,
                                          std::vector<std::string> &results)>;
// A user function with exactly one optional result.
using NativeSimpleFunction =
    std::function<std::optional<std::string>(ServerContext &, const std::string &payload)>;
// scatter / gather: turn one message into zero or more.
using NativeFanOut = std::function<void(ServerContext &, Message &&, std::vector<Message> &out)>;
// handle_stream: returns the topic to publish under; may modify the message.
using NativeStream = std::function<std::string(ServerContext &, Message &)>;

// Native C++ handlers registered by name; copied into every server that uses them.
class NativeHandlers
{
public:
    NativeHandlers &add(const std::string &name, NativeSimpleFunction function);
    NativeHandlers &addMulti(const std::string &name, NativeFunction function);
    NativeHandlers &setScatter(NativeFanOut scatter);
    NativeHandlers &setGather(NativeFanOut gather);
    NativeHandlers &setHandleStream(NativeStream handleStream);

    const std::map<std::string, NativeFunction, std::less<>> &functions() const
    {
        return m_functions;
    }
    const NativeFanOut &scatter() const { return m_scatter; }
    const NativeFanOut &gather() const { return m_gather; }
    const NativeStream &handleStream() const { return m_handleStream; }

    // Process-wide registry: servers find their handlers by ServerConfig::nativeHandlers.
    static void registerSet(const QString &name, std::shared_ptr<const NativeHandlers> handlers);
    static void unregisterSet(const QString &name);
    // The set registered under name, or nullptr.
    static std::shared_ptr<const NativeHandlers> lookup(const QString &name);

private:
    std::map<std::string, NativeFunction, std::less<>> m_functions;
    NativeFanOut m_scatter;
    NativeFanOut m_gather;
    NativeStream m_handleStream;
};

// Runs user code for one server on that server's thread; every error is returned, never thrown.
class Dispatcher
{
public:
    virtual ~Dispatcher() = default;

    virtual CallResult call(std::string_view method, const std::string &payload,
                            std::vector<std::string> &results, UserError &error) = 0;
    virtual bool hasScatter() const { return false; }
    virtual CallResult scatter(Message &&in, std::vector<Message> &out, UserError &error);
    virtual bool hasGather() const { return false; }
    virtual CallResult gather(Message &&in, std::vector<Message> &out, UserError &error);
    virtual bool hasHandleStream() const { return false; }
    virtual CallResult handleStream(Message &message, std::string &topic, UserError &error);

    // Swaps in a new script between two messages; false (old script kept) with the reason.
    virtual bool reload(const ScriptSource &script, QString *errorText);
    // Asks a running call to stop soon; callable from any thread.
    virtual void interrupt() {}
};

// Dispatches to native handlers, catching every exception.
class NativeDispatcher final : public Dispatcher
{
public:
    NativeDispatcher(ServerContext &context, std::shared_ptr<const NativeHandlers> handlers);

    CallResult call(std::string_view method, const std::string &payload,
                    std::vector<std::string> &results, UserError &error) override;
    bool hasScatter() const override;
    CallResult scatter(Message &&in, std::vector<Message> &out, UserError &error) override;
    bool hasGather() const override;
    CallResult gather(Message &&in, std::vector<Message> &out, UserError &error) override;
    bool hasHandleStream() const override;
    CallResult handleStream(Message &message, std::string &topic, UserError &error) override;

private:
    ServerContext &m_context;
    std::shared_ptr<const NativeHandlers> m_handlers;
};

// Tries a script first and native handlers second, so both share one dispatch.
class CompositeDispatcher final : public Dispatcher
{
public:
    void append(std::unique_ptr<Dispatcher> dispatcher)
    {
        m_parts.push_back(std::move(dispatcher));
    }
    bool isEmpty() const { return m_parts.empty(); }

    CallResult call(std::string_view method, const std::string &payload,
                    std::vector<std::string> &results, UserError &error) override;
    bool hasScatter() const override;
    CallResult scatter(Message &&in, std::vector<Message> &out, UserError &error) override;
    bool hasGather() const override;
    CallResult gather(Message &&in, std::vector<Message> &out, UserError &error) override;
    bool hasHandleStream() const override;
    CallResult handleStream(Message &message, std::string &topic, UserError &error) override;
    bool reload(const ScriptSource &script, QString *errorText) override;
    void interrupt() override;

private:
    std::vector<std::unique_ptr<Dispatcher>> m_parts;
};

// "TypeName: what()" and a short traceback for the exception being handled.
UserError describeCurrentException(std::string_view where);

} // namespace qpalm
