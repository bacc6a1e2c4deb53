// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "luadispatcher.h"

#include "luaruntime.h"
#include "serverconfig.h"

#include <mutex>

namespace qpalm {

namespace {

// Runs one server's script; reload swaps in a new Lua state only once it has loaded.
class LuaDispatcher final : public Dispatcher
{
public:
    LuaDispatcher(ServerContext &context, const ScriptLimits &limits)
        : m_context(context), m_limits(limits)
    {
    }

    CallResult call(std::string_view method, const std::string &payload,
                    std::vector<std::string> &results, UserError &error) override
    {
        return m_runtime->call(method, payload, results, error);
    }
    bool hasScatter() const override
    {
        return m_runtime->hasGlobalFunction(LuaRuntime::Global::Scatter);
    }
    CallResult scatter(Message &&in, std::vector<Message> &out, UserError &error) override
    {
        // Without a scatter function the message passes through, as in Dispatcher.
        const CallResult result =
            m_runtime->fanOut(LuaRuntime::Global::Scatter, std::move(in), out, error);
        if (result == CallResult::Failed)
            attachFailedMessage(error, in, FailedCall::Scatter); // fanOut never moves from `in`
        return result == CallResult::NotFound ? Dispatcher::scatter(std::move(in), out, error)
                                              : result;
    }
    bool hasGather() const override
    {
        return m_runtime->hasGlobalFunction(LuaRuntime::Global::Gather);
    }
    CallResult gather(Message &&in, std::vector<Message> &out, UserError &error) override
    {
        const CallResult result =
            m_runtime->fanOut(LuaRuntime::Global::Gather, std::move(in), out, error);
        if (result == CallResult::Failed)
            attachFailedMessage(error, in, FailedCall::Gather);
        return result == CallResult::NotFound ? Dispatcher::gather(std::move(in), out, error)
                                              : result;
    }
    bool hasHandleStream() const override
    {
        return m_runtime->hasGlobalFunction(LuaRuntime::Global::HandleStream);
    }
    CallResult handleStream(Message &message, std::string &topic, UserError &error) override
    {
        const CallResult result = m_runtime->handleStream(message, topic, error);
        if (result == CallResult::Failed)
            attachFailedMessage(error, message, FailedCall::HandleStream);
        return result;
    }

    bool reload(const ScriptSource &script, QString *errorText) override
    {
        QString ignored;
        if (!errorText)
            errorText = &ignored;
        if (script.name.isEmpty()) {
            *errorText = QStringLiteral("no script given");
            return false;
        }
        std::unique_ptr<LuaRuntime> fresh =
            LuaRuntime::create(m_context, m_limits, script.name, errorText);
        if (!fresh)
            return false;
        {
            std::lock_guard lock(m_mutex);
            m_loading = fresh.get();
        }
        const bool loaded = fresh->loadSource(script.content, errorText);
        {
            std::lock_guard lock(m_mutex);
            m_loading = nullptr;
            if (loaded)
                m_runtime.swap(fresh);
        }
        fresh.reset(); // closes the replaced state, or the one that failed to load
        return loaded;
    }

    void interrupt() override
    {
        std::lock_guard lock(m_mutex);
        if (m_runtime)
            m_runtime->interrupt();
        if (m_loading)
            m_loading->interrupt();
    }

private:
    ServerContext &m_context;
    const ScriptLimits m_limits;
    std::unique_ptr<LuaRuntime> m_runtime; // never null once created by createLuaDispatcher
    LuaRuntime *m_loading = nullptr;
    std::mutex m_mutex; // guards the two pointers against interrupt() from other threads
};

} // namespace

std::unique_ptr<Dispatcher> createLuaDispatcher(ServerContext &context, const ServerConfig &config,
                                                QString *errorText)
{
    auto dispatcher = std::make_unique<LuaDispatcher>(context, config.limits);
    if (!dispatcher->reload(config.script, errorText))
        return nullptr;
    return dispatcher;
}

} // namespace qpalm
