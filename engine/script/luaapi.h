// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to engine/script: what the parts of LuaRuntime share (never included elsewhere).

#include "luaruntime.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <cstddef>
#include <string>
#include <string_view>

namespace qpalm {

namespace luadetail {

inline constexpr int kGlobalsIndex = 1; // on the main thread's stack, between calls too
inline constexpr std::size_t kMaxTextBytes = 1000;
inline constexpr std::size_t kMaxCachedMethods = 1024;
// Longer method names never resolve (documented in docs/scripting limits).
inline constexpr std::size_t kMaxMethodNameBytes = 1024;
inline constexpr std::size_t kScratchKeepBytes = 64 * 1024;
inline constexpr int kHookMask = LUA_MASKCALL | LUA_MASKCOUNT;

inline const char *const kFieldNames[] = {"pipeline", "client", "stage",
                                          "func",     "cache",  "payload"};
inline const char *const kGlobalNames[] = {"scatter", "gather", "handle_stream"};

inline LuaRuntime *runtimeOf(lua_State *L)
{
    return *static_cast<LuaRuntime **>(lua_getextraspace(L));
}

inline int closeThread(lua_State *thread, lua_State *from)
{
#if LUA_VERSION_RELEASE_NUM >= 50406
    return lua_closethread(thread, from);
#else
    (void)from;
    return lua_resetthread(thread);
#endif
}

// Error texts go into log lines and table rows: one line, bounded.
inline std::string oneLine(std::string_view text)
{
    std::string line(text.substr(0, kMaxTextBytes));
    for (char &c : line) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    if (text.size() > kMaxTextBytes)
        line += "...";
    return line;
}

} // namespace luadetail

// The functions Lua calls: allocator, hook, and the script API. Each one keeps C++ objects
// with destructors out of scope whenever it may raise a Lua error (a longjmp).
struct LuaApi
{
    static void *allocate(void *ud, void *ptr, std::size_t osize, std::size_t nsize);
    static int panic(lua_State *L);
    static void warn(void *ud, const char *message, int toContinue);
    static void hook(lua_State *L, lua_Debug *ar);
    static int raiseStop(lua_State *L, LuaRuntime *rt);
    static int setup(lua_State *L);
    static int print(lua_State *L);
    static int log(lua_State *L);
    static int logArguments(lua_State *L, LogLevel level, int first);
    static int yield(lua_State *L);
    static void skipSelf(lua_State *L);
    static int cacheGet(lua_State *L);
    static int cacheSet(lua_State *L);
    static int cacheDelete(lua_State *L);
    static int changePayload(lua_State *L);
    static int load(lua_State *L);
    static int setMetatable(lua_State *L);
    static int toString(lua_State *L);
    static int resumeTracked(lua_State *L, lua_State *co, int nargs, int *nresults);
    static int closeTracked(lua_State *L, lua_State *co);
    static int auxResume(lua_State *L, lua_State *co, int nargs);
    static int coResume(lua_State *L);
    static int coWrap(lua_State *L);
    static int coWrapped(lua_State *L);
    static int coClose(lua_State *L);
    static const char *takeException(LuaRuntime *rt);
    // Raises the time-limit (or interrupt) error if the running call was stopped.
    static void checkStop(lua_State *L);
    // Library functions that would loop in C past the time limit (lualibguard.cpp,
    // luapattern.cpp), installed over the stock ones.
    static void installGuards(lua_State *L);
    static int strRep(lua_State *L);
    static int strFind(lua_State *L);
    static int strMatch(lua_State *L);
    static int strGmatch(lua_State *L);
    static int strGsub(lua_State *L);
    static int tabMove(lua_State *L);
    static int tabInsert(lua_State *L);
    static int tabRemove(lua_State *L);
    static void releaseScratch(LuaRuntime *rt);
};

// Marks one call (sequence odd) for the watchdog and the hook; cleans the hook up after.
class LuaRuntime::CallScope
{
public:
    explicit CallScope(LuaRuntime &runtime) : m_runtime(runtime)
    {
        m_runtime.m_hookRaised = false;
        m_runtime.m_wentDeep = false;
        m_runtime.m_memoryExceeded = false;
        m_runtime.m_collectWanted = false;
        const std::uint64_t sequence = m_runtime.m_sequence.load(std::memory_order_relaxed) + 1;
        m_runtime.m_sequence.store(sequence, std::memory_order_seq_cst);
        if (m_runtime.m_interruptPending.load(std::memory_order_seq_cst)) {
            m_runtime.m_interruptPending.store(false, std::memory_order_relaxed);
            m_runtime.stopCall(StopReason::Interrupted, sequence);
        }
        if (m_runtime.m_used > m_runtime.m_collectAbove)
            m_runtime.collectGarbage();
    }
    ~CallScope()
    {
        m_runtime.m_mode = Mode::Idle;
        m_runtime.m_sequence.store(m_runtime.m_sequence.load(std::memory_order_relaxed) + 1,
                                   std::memory_order_release);
        if (m_runtime.m_hookArmed.load(std::memory_order_acquire))
            m_runtime.disarm();
    }
    CallScope(const CallScope &) = delete;
    CallScope &operator=(const CallScope &) = delete;

private:
    LuaRuntime &m_runtime;
};

} // namespace qpalm
