// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Memory, time and depth limits of LuaRuntime: the allocator, the hook and the stop signals.

#include "luaapi.h"

#include "logger.h"

#include <QtGlobal>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace qpalm {

using namespace luadetail;

namespace {

// Same as whereOf, pushed on L (safe right before raising an error).
void pushWhere(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); ++level) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

} // namespace

// ---------------------------------------------------------------- allocator, hook, warnings

void *LuaApi::allocate(void *ud, void *ptr, std::size_t osize, std::size_t nsize)
{
    auto *rt = static_cast<LuaRuntime *>(ud);
    if (nsize == 0) {
        if (ptr) {
            // lua_close frees the block holding the main thread last: stop the watchdog
            // from arming it first.
            if (rt->m_closing && static_cast<void *>(rt->m_L) >= ptr &&
                static_cast<void *>(rt->m_L) < static_cast<char *>(ptr) + osize) {
                std::lock_guard lock(rt->m_hookMutex);
                rt->m_running.store(nullptr, std::memory_order_relaxed);
            }
            rt->m_used -= osize;
            std::free(ptr);
        }
        return nullptr;
    }
    const std::size_t old = ptr ? osize : 0;
    if (nsize > old) {
        const std::size_t grow = nsize - old;
        const std::size_t used = rt->m_used;
        const std::size_t limit = rt->m_memoryLimit;
        if (rt->m_enforceLimit && (used >= limit || grow > limit - used)) {
            // Past the cap: allowed up to a slack, and the hook collects garbage at the next
            // instruction (then raises if still past). Beyond the slack: refused, and Lua
            // collects, retries, then raises "not enough memory".
            const std::size_t ceiling = limit + rt->m_memorySlack;
            if (used >= ceiling || grow > ceiling - used) {
                rt->m_memoryExceeded = true;
                return nullptr;
            }
            if (!rt->m_collectWanted) {
                rt->m_collectWanted = true;
                rt->requestHook();
            }
        } else if (nsize >= rt->m_probeBytes && rt->m_enforceLimit) {
            // A thread's stack only grows through large blocks: the time to check the depth.
            rt->requestHook();
        }
    }
    void *block = std::realloc(ptr, nsize);
    if (!block)
        return nullptr;
    rt->m_used += nsize;
    rt->m_used -= old;
    return block;
}

int LuaApi::panic(lua_State *L)
{
    const char *message = lua_tostring(L, -1);
    qCritical("qpalm: unprotected error in a Lua state: %s", message ? message : "(no message)");
    return 0; // Lua aborts
}

void LuaApi::warn(void *ud, const char *message, int toContinue)
{
    auto *rt = static_cast<LuaRuntime *>(ud);
    try {
        if (rt->m_warning.empty() && !toContinue && message[0] == '@') {
            if (std::strcmp(message, "@on") == 0)
                rt->m_warningsOn = true;
            else if (std::strcmp(message, "@off") == 0)
                rt->m_warningsOn = false;
            return;
        }
        rt->m_warning += message;
        if (toContinue)
            return;
        if (rt->m_warningsOn)
            rt->m_context.logger().warning(QString::fromStdString(rt->m_warning));
        rt->m_warning.clear();
    } catch (...) {
        rt->m_warning.clear();
    }
}

// Installed only after something asked for it: a stop (watchdog, interrupt), a depth probe
// after a large allocation, or, in deep recursion, on every call until the stack is shallow.
void LuaApi::hook(lua_State *L, lua_Debug *)
{
    LuaRuntime *rt = runtimeOf(L);
    if (rt->isStopped())
        raiseStop(L, rt);
    if (rt->m_collectWanted) {
        rt->m_collectWanted = false;
        lua_gc(L, LUA_GCCOLLECT);
        if (rt->m_used > rt->m_memoryLimit) {
            rt->m_memoryExceeded = true;
            rt->m_hookRaised = true;
            pushWhere(L);
            rt->m_scratch = rt->memoryLimitText();
            lua_pushlstring(L, rt->m_scratch.data(), rt->m_scratch.size());
            lua_concat(L, 2);
            lua_error(L);
        }
    }

    bool deep = false;
    const int limit = rt->m_limits.stackDepth;
    if (limit > 0 && (rt->m_sequence.load(std::memory_order_relaxed) & 1)) {
        lua_Debug probe;
        if (lua_getstack(L, limit, &probe)) {
            rt->m_hookRaised = true;
            pushWhere(L);
            lua_pushfstring(L, "stack depth limit of %d calls exceeded", limit);
            lua_concat(L, 2);
            lua_error(L);
        }
        deep = lua_getstack(L, limit / 2, &probe) != 0;
        rt->m_wentDeep = rt->m_wentDeep || deep;
    }
    if (deep && lua_gethookmask(L) == LUA_MASKCALL)
        return;
    bool stopped = false;
    {
        std::lock_guard lock(rt->m_hookMutex);
        stopped = rt->isStopped();
        if (!stopped) {
            if (deep) {
                lua_sethook(L, &LuaApi::hook, LUA_MASKCALL, 0);
            } else {
                lua_sethook(L, nullptr, 0, 0);
                if (L == rt->m_driver) // other threads' hooks clear themselves like this one
                    rt->m_hookArmed.store(false, std::memory_order_relaxed);
            }
        }
    }
    if (stopped)
        raiseStop(L, rt);
}

int LuaApi::raiseStop(lua_State *L, LuaRuntime *rt)
{
    rt->m_hookRaised = true;
    pushWhere(L);
    if (rt->m_stopReason.load(std::memory_order_relaxed) ==
        int(LuaRuntime::StopReason::Interrupted))
        lua_pushliteral(L, "call interrupted");
    else
        lua_pushfstring(L, "time limit of %d ms exceeded", rt->m_limits.timeLimitMs);
    lua_concat(L, 2);
    return lua_error(L);
}

bool LuaRuntime::isStopped() const
{
    const std::uint64_t sequence = m_sequence.load(std::memory_order_relaxed);
    return (sequence & 1) && m_stoppedSequence.load(std::memory_order_acquire) == sequence;
}

void LuaRuntime::armLocked(lua_State *L)
{
    lua_sethook(L, &LuaApi::hook, kHookMask, 1);
    m_hookArmed.store(true, std::memory_order_release);
}

void LuaRuntime::interrupt()
{
    // Pending first, then the sequence: the call starting now sees one or the other.
    m_interruptPending.store(true, std::memory_order_seq_cst);
    stopCall(StopReason::Interrupted, 0);
}

void LuaRuntime::stopCall(StopReason reason, std::uint64_t sequence)
{
    std::lock_guard lock(m_hookMutex);
    const std::uint64_t current = m_sequence.load(std::memory_order_seq_cst);
    if (!(current & 1) || (sequence != 0 && sequence != current))
        return;
    m_stopReason.store(int(reason), std::memory_order_relaxed);
    m_stoppedSequence.store(current, std::memory_order_release);
    // Another thread arming the running thread: the documented asynchronous use of lua_sethook.
    if (lua_State *running = m_running.load(std::memory_order_relaxed))
        armLocked(running);
}

void LuaRuntime::requestHook()
{
    if (!(m_sequence.load(std::memory_order_relaxed) & 1))
        return;
    std::lock_guard lock(m_hookMutex);
    lua_State *running = m_running.load(std::memory_order_relaxed);
    if (running && lua_gethookmask(running) != kHookMask)
        armLocked(running);
}

void LuaRuntime::disarm()
{
    std::lock_guard lock(m_hookMutex);
    lua_sethook(m_driver, nullptr, 0, 0);
    lua_sethook(m_L, nullptr, 0, 0);
    m_hookArmed.store(false, std::memory_order_relaxed);
}

void LuaRuntime::setCallName(std::string_view name)
{
    std::lock_guard lock(m_hookMutex);
    m_callName.assign(name.substr(0, 200));
}

// On the watchdog thread: the call told to stop at its time limit still runs.
void LuaRuntime::reportStuck(std::uint64_t sequence)
{
    QString name;
    {
        std::lock_guard lock(m_hookMutex);
        if (m_sequence.load(std::memory_order_acquire) != sequence)
            return;
        name = QString::fromUtf8(m_callName.data(), qsizetype(m_callName.size()));
    }
    m_context.reportStuckCall(
        QStringLiteral("Stuck call: %1 function '%2' still runs %3 ms past its time limit of "
                       "%4 ms; it loops where the limit cannot reach (native code)")
            .arg(QString::fromStdString(m_fileName), name)
            .arg(kStuckBoundMs)
            .arg(m_limits.timeLimitMs));
}

} // namespace qpalm
