// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dispatcher.h"
#include "serverconfig.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct lua_State;

namespace qpalm {

struct LuaApi;

// One Lua 5.4 state running one server's script, with its sandbox and limits.
// Every method but stopCall runs on the thread that created the runtime.
class LuaRuntime
{
public:
    enum class Global { Scatter, Gather, HandleStream };
    enum class StopReason { TimeLimit, Interrupted };

    // A sandboxed state with the script API installed but no script yet; nullptr when out of
    // memory.
    static std::unique_ptr<LuaRuntime> create(ServerContext &context, const ScriptLimits &limits,
                                              const QString &scriptPath, QString *errorText);
    ~LuaRuntime();

    LuaRuntime(const LuaRuntime &) = delete;
    LuaRuntime &operator=(const LuaRuntime &) = delete;

    // Reads, compiles and runs the script file; false with "file:line: message" on failure.
    bool loadScript(QString *errorText);
    // Compiles and runs source under the chunk name given at create (so tracebacks read
    // "worker.lua:4:"); false with "name:line: message" on failure.
    bool loadSource(QByteArray source, QString *errorText);

    // Calls the global function named method with payload; results are appended.
    CallResult call(std::string_view method, const std::string &payload,
                    std::vector<std::string> &results, UserError &error);
    // Whether the script defines scatter, gather or handle_stream.
    bool hasGlobalFunction(Global global);
    // Runs scatter or gather on in; emitted messages are appended to out.
    CallResult fanOut(Global global, Message &&in, std::vector<Message> &out, UserError &error);
    // Runs handle_stream; message takes the returned (or edited) message.
    CallResult handleStream(Message &message, std::string &topic, UserError &error);

    // Makes call number sequence fail soon if it still runs (the watchdog). Any thread.
    void stopCall(StopReason reason, std::uint64_t sequence);
    // Makes the running call fail soon, and the next call fail at its start. Any thread.
    void interrupt();

    // How long past its time limit a call may run before it is reported as stuck: a stopped
    // call returns well within it (the watchdog samples every limit/10, at most 100 ms).
    static constexpr int kStuckBoundMs = 500;

private:
    friend struct LuaApi;
    enum class Mode { Idle, Load, Handler, FanOut, Stream };
    enum MessageField { Pipeline, Client, Stage, Function, Cache, Payload, FieldCount };
    // What was wrong with one field of a message table; field == nullptr when nothing.
    struct FieldProblem
    {
        const char *field = nullptr;
        const char *expected = nullptr;
        const char *got = nullptr;
    };
    class CallScope;

    LuaRuntime(ServerContext &context, const ScriptLimits &limits, const QString &scriptPath);
    bool open();
    bool resumeDriver(int nargs, int &resultCount, UserError &error);
    bool acceptYielded(int count, UserError &error);
    void describeFailure(int status, UserError &error);
    void replaceDriver();
    void collectGarbage();
    void fail(UserError &error, const std::string &text);
    bool pushMethodKey(std::string_view method);
    void pushGlobal(Global global);
    void pushMessage(lua_State *L, const Message &message);
    FieldProblem readMessage(lua_State *L, int index, Message &message, const Message *defaults);
    const char *appendResult(lua_State *L, int index);
    FieldProblem appendMessage(lua_State *L, int index);
    void armLocked(lua_State *L);
    void requestHook();
    void disarm();
    bool isStopped() const;
    void setCallName(std::string_view name);
    void reportStuck(std::uint64_t sequence);
    std::string memoryLimitText() const;

    ServerContext &m_context;
    const ScriptLimits m_limits;
    const QString m_scriptPath;
    const std::string m_fileName;

    lua_State *m_L = nullptr;      // main thread; its stack holds the globals table at index 1
    lua_State *m_driver = nullptr; // thread that runs every call, replaced after a failure
    int m_driverRef = -1;
    int m_fieldKeys[FieldCount] = {};
    int m_globalKeys[3] = {};

    // Memory accounting, touched by the allocator on the owning thread only.
    std::size_t m_used = 0;
    std::size_t m_memoryLimit;
    std::size_t m_memorySlack;
    std::size_t m_collectAbove; // a full collection before the next call past this
    std::size_t m_probeBytes;
    bool m_enforceLimit = false;
    bool m_memoryExceeded = false;
    bool m_collectWanted = false;
    bool m_closing = false;

    // Hook state; m_hookMutex guards hook changes and which thread is running.
    std::atomic<std::uint64_t> m_sequence{0}; // odd while a call runs
    std::atomic<std::uint64_t> m_stoppedSequence{0};
    std::atomic<int> m_stopReason{0};
    std::atomic<bool> m_hookArmed{false};
    std::atomic<bool> m_interruptPending{false};
    std::atomic<lua_State *> m_running{nullptr};
    std::mutex m_hookMutex;
    bool m_hookRaised = false;
    bool m_wentDeep = false; // the call recursed deep: its thread's stack is large now
    int m_watchId = 0;
    std::string m_callName; // what the running call runs, for the stuck report; m_hookMutex

    // The call in progress.
    Mode m_mode = Mode::Idle;
    std::vector<std::string> *m_results = nullptr;
    std::vector<Message> *m_messages = nullptr;
    const Message *m_defaults = nullptr;

    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept
        {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::unordered_map<std::string, int, StringHash, std::equal_to<>> m_methodKeys;
    std::unordered_set<std::string, StringHash, std::equal_to<>> m_reserved;
    std::string m_scratch;
    std::string m_warning;
    bool m_warningsOn = true;
};

} // namespace qpalm
