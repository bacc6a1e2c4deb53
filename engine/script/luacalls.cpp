// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LuaRuntime calls: handlers, scatter/gather, handle_stream, and how a failed call is described.

#include "luaapi.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace qpalm {

using namespace luadetail;

namespace {

// "file:line: " of the innermost function with a line number, or "".
std::string whereOf(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); ++level) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
            return std::string(ar.short_src) + ':' + std::to_string(ar.currentline) + ": ";
    }
    return {};
}

} // namespace

// ---------------------------------------------------------------- calls

bool LuaRuntime::resumeDriver(int nargs, int &resultCount, UserError &error)
{
    m_enforceLimit = true;
    int status = lua_resume(m_driver, m_L, nargs, &resultCount);
    while (status == LUA_YIELD) {
        // coroutine.yield at the top of a handler: same as yield().
        m_enforceLimit = false;
        lua_checkstack(m_driver, LUA_MINSTACK);
        if (!acceptYielded(resultCount, error)) {
            closeThread(m_driver, m_L);
            replaceDriver();
            return false;
        }
        lua_pop(m_driver, resultCount);
        m_enforceLimit = true;
        status = lua_resume(m_driver, m_L, 0, &resultCount);
    }
    m_enforceLimit = false;
    if (status == LUA_OK) {
        lua_checkstack(m_driver, LUA_MINSTACK); // room to read the results
        // Depth is probed when a stack grows: give the next call a small one again.
        if (m_wentDeep && lua_checkstack(m_L, resultCount)) {
            lua_xmove(m_driver, m_L, resultCount);
            replaceDriver();
            lua_xmove(m_L, m_driver, resultCount);
        }
        return true;
    }

    describeFailure(status, error);
    // A thread whose error came from the hook has hooks disabled for good: never reuse it,
    // and skip its __close handlers, which no time limit could stop.
    if (!m_hookRaised) {
        m_enforceLimit = true;
        closeThread(m_driver, m_L);
        m_enforceLimit = false;
    }
    replaceDriver();
    if (m_memoryExceeded) {
        lua_gc(m_L, LUA_GCRESTART);
        collectGarbage();
    }
    return false;
}

// Near the cap, garbage must go before a call: Lua retries a failed allocation after an
// emergency collection, but not the buffers of string.rep, table.concat and friends.
void LuaRuntime::collectGarbage()
{
    lua_gc(m_L, LUA_GCCOLLECT);
    m_collectAbove = std::max(m_memoryLimit - m_memoryLimit / 8, m_used + m_memoryLimit / 16);
}

void LuaRuntime::replaceDriver()
{
    // The old thread stays referenced until nobody can arm it any more.
    lua_State *fresh = lua_newthread(m_L);
    const int freshRef = luaL_ref(m_L, LUA_REGISTRYINDEX);
    {
        std::lock_guard lock(m_hookMutex);
        m_driver = fresh;
        m_running.store(fresh, std::memory_order_relaxed);
    }
    luaL_unref(m_L, LUA_REGISTRYINDEX, m_driverRef);
    m_driverRef = freshRef;
}

bool LuaRuntime::acceptYielded(int count, UserError &error)
{
    lua_State *co = m_driver;
    const int first = lua_gettop(co) - count + 1;
    for (int index = first; index < first + count; ++index) {
        const int type = lua_type(co, index);
        if (type == LUA_TNIL)
            continue;
        if (m_mode == Mode::Handler) {
            if (const char *got = appendResult(co, index)) {
                fail(error,
                     std::string("coroutine.yield got a ") + got + "; yield strings or numbers");
                return false;
            }
        } else if (m_mode == Mode::FanOut) {
            if (type != LUA_TTABLE) {
                fail(error, std::string("coroutine.yield got a ") + lua_typename(co, type) +
                                "; yield message tables");
                return false;
            }
            const FieldProblem problem = appendMessage(co, index);
            if (problem.field) {
                fail(error, std::string("yielded message field '") + problem.field + "' must be " +
                                problem.expected + ", not " + problem.got);
                return false;
            }
        } else {
            fail(error, m_mode == Mode::Load ? "the script yielded while loading"
                                             : "handle_stream cannot yield");
            return false;
        }
    }
    return true;
}

std::string LuaRuntime::memoryLimitText() const
{
    char amount[64];
    const double mib = double(m_memoryLimit) / (1024.0 * 1024.0);
    if (m_memoryLimit % (1024 * 1024) == 0)
        std::snprintf(amount, sizeof amount, "%.0f MiB", mib);
    else
        std::snprintf(amount, sizeof amount, "%.3g MiB", mib);
    return std::string("memory limit of ") + amount + " exceeded";
}

void LuaRuntime::describeFailure(int status, UserError &error)
{
    lua_State *co = m_driver;
    lua_checkstack(co, 2);
    std::string text;
    const int type = lua_type(co, -1);
    const bool memory =
        status == LUA_ERRMEM || (m_memoryExceeded && type == LUA_TSTRING &&
                                 std::strcmp(lua_tostring(co, -1), "not enough memory") == 0);
    if (memory) {
        text = whereOf(co) + memoryLimitText();
    } else if (type == LUA_TSTRING || type == LUA_TNUMBER) {
        std::size_t length = 0;
        const char *message = lua_tolstring(co, -1, &length);
        text = oneLine(std::string_view(message, length));
    } else if (luaL_getmetafield(co, -1, "__tostring") != LUA_TNIL) {
        // As lua.c: an error object with __tostring, run in protected mode under the limits,
        // on a thread of its own (never on the main thread, whose stack holds the globals).
        lua_pop(co, 1);
        lua_State *thread = lua_newthread(m_L);
        lua_pushcfunction(thread, &LuaApi::toString);
        lua_pushvalue(co, -1);
        lua_xmove(co, thread, 1);
        {
            std::lock_guard lock(m_hookMutex);
            m_running.store(thread, std::memory_order_relaxed);
        }
        m_enforceLimit = true;
        const int converted = lua_pcall(thread, 1, 1, 0);
        m_enforceLimit = false;
        {
            std::lock_guard lock(m_hookMutex);
            m_running.store(m_driver, std::memory_order_relaxed);
        }
        std::size_t length = 0;
        const char *message = converted == LUA_OK ? lua_tolstring(thread, -1, &length) : nullptr;
        text = message ? oneLine(std::string_view(message, length))
                       : std::string("(error object is a ") + lua_typename(co, type) + " value)";
        lua_pop(m_L, 1); // the thread
    } else {
        text = std::string("(error object is a ") + lua_typename(co, type) + " value)";
    }
    luaL_traceback(m_L, co, text.c_str(), 0);
    error.text = QString::fromStdString(text);
    error.traceback = QString::fromUtf8(lua_tostring(m_L, -1));
    lua_pop(m_L, 1);
}

void LuaRuntime::fail(UserError &error, const std::string &text)
{
    error.text = QString::fromStdString(m_fileName + ": " + oneLine(text));
    error.traceback = error.text;
}

// Pushes the key of method when it may name a handler. Only names found as global functions
// are cached, at most kMaxCachedMethods of them: names sent by peers never fill the cache or the
// script's memory, and names longer than kMaxMethodNameBytes are never looked up at all.
bool LuaRuntime::pushMethodKey(std::string_view method)
{
    if (method.size() > kMaxMethodNameBytes)
        return false;
    const auto found = m_methodKeys.find(method);
    if (found != m_methodKeys.end()) {
        lua_rawgeti(m_L, LUA_REGISTRYINDEX, found->second);
        return true;
    }
    if (m_reserved.find(method) != m_reserved.end())
        return false;
    lua_pushlstring(m_L, method.data(), method.size());
    if (m_methodKeys.size() >= kMaxCachedMethods)
        return true;
    lua_pushvalue(m_L, -1);
    if (lua_rawget(m_L, kGlobalsIndex) == LUA_TFUNCTION) {
        lua_pop(m_L, 1);
        lua_pushvalue(m_L, -1);
        m_methodKeys.emplace(std::string(method), luaL_ref(m_L, LUA_REGISTRYINDEX));
    } else {
        lua_pop(m_L, 1);
    }
    return true;
}

void LuaRuntime::pushGlobal(Global global)
{
    lua_rawgeti(m_L, LUA_REGISTRYINDEX, m_globalKeys[int(global)]);
    lua_rawget(m_L, kGlobalsIndex);
}

bool LuaRuntime::hasGlobalFunction(Global global)
{
    pushGlobal(global);
    const bool isFunction = lua_type(m_L, -1) == LUA_TFUNCTION;
    lua_pop(m_L, 1);
    return isFunction;
}

CallResult LuaRuntime::call(std::string_view method, const std::string &payload,
                            std::vector<std::string> &results, UserError &error)
{
    setCallName(method);
    CallScope scope(*this);
    if (!pushMethodKey(method))
        return CallResult::NotFound;
    if (lua_rawget(m_L, kGlobalsIndex) != LUA_TFUNCTION) {
        lua_settop(m_L, kGlobalsIndex);
        return CallResult::NotFound;
    }
    lua_pushlstring(m_L, payload.data(), payload.size());
    lua_xmove(m_L, m_driver, 2);

    const std::size_t base = results.size();
    m_mode = Mode::Handler;
    m_results = &results;
    int count = 0;
    if (!resumeDriver(1, count, error)) {
        results.resize(base);
        return CallResult::Failed;
    }
    lua_State *co = m_driver;
    for (int index = 1; index <= count; ++index) {
        if (lua_type(co, index) == LUA_TNIL)
            continue;
        if (const char *got = appendResult(co, index)) {
            results.resize(base);
            fail(error, "function '" + std::string(method) + "' returned a " + got +
                            "; handlers return strings, numbers or nil");
            lua_settop(co, 0);
            return CallResult::Failed;
        }
    }
    lua_settop(co, 0);
    return CallResult::Ok;
}

CallResult LuaRuntime::fanOut(Global global, Message &&in, std::vector<Message> &out,
                              UserError &error)
{
    setCallName(kGlobalNames[int(global)]);
    CallScope scope(*this);
    pushGlobal(global);
    if (lua_type(m_L, -1) != LUA_TFUNCTION) {
        lua_settop(m_L, kGlobalsIndex);
        return CallResult::NotFound;
    }
    pushMessage(m_L, in);
    lua_xmove(m_L, m_driver, 2);

    const std::size_t base = out.size();
    m_mode = Mode::FanOut;
    m_messages = &out;
    m_defaults = &in;
    int count = 0;
    if (!resumeDriver(1, count, error)) {
        out.erase(out.begin() + std::ptrdiff_t(base), out.end());
        return CallResult::Failed;
    }
    lua_State *co = m_driver;
    for (int index = 1; index <= count; ++index) {
        const int type = lua_type(co, index);
        if (type == LUA_TNIL)
            continue;
        std::string problemText;
        if (type != LUA_TTABLE) {
            problemText = std::string(kGlobalNames[int(global)]) + " returned a " +
                          lua_typename(co, type) + "; return message tables or nil";
        } else if (const FieldProblem problem = appendMessage(co, index); problem.field) {
            problemText = std::string(kGlobalNames[int(global)]) +
                          " returned a message whose field '" + problem.field + "' is not " +
                          problem.expected + " but " + problem.got;
        }
        if (!problemText.empty()) {
            out.erase(out.begin() + std::ptrdiff_t(base), out.end());
            fail(error, problemText);
            lua_settop(co, 0);
            return CallResult::Failed;
        }
    }
    lua_settop(co, 0);
    return CallResult::Ok;
}

CallResult LuaRuntime::handleStream(Message &message, std::string &topic, UserError &error)
{
    setCallName(kGlobalNames[int(Global::HandleStream)]);
    CallScope scope(*this);
    pushGlobal(Global::HandleStream);
    if (lua_type(m_L, -1) != LUA_TFUNCTION) {
        lua_settop(m_L, kGlobalsIndex);
        return CallResult::NotFound;
    }
    pushMessage(m_L, message);
    lua_pushvalue(m_L, -1);
    lua_insert(m_L,
               kGlobalsIndex + 1); // kept: edits made in place count when no message is returned
    lua_xmove(m_L, m_driver, 2);

    m_mode = Mode::Stream;
    int count = 0;
    if (!resumeDriver(1, count, error)) {
        lua_settop(m_L, kGlobalsIndex);
        return CallResult::Failed;
    }
    lua_State *co = m_driver;
    std::string problemText;
    const int topicType = count >= 1 ? lua_type(co, 1) : LUA_TNIL;
    const int messageType = count >= 2 ? lua_type(co, 2) : LUA_TNIL;
    if (topicType != LUA_TSTRING && topicType != LUA_TNUMBER) {
        problemText = topicType == LUA_TNIL
                          ? std::string("handle_stream returned no topic; return topic, message")
                          : std::string("handle_stream returned a ") + lua_typename(co, topicType) +
                                " as topic; return topic, message";
    } else if (messageType != LUA_TNIL && messageType != LUA_TTABLE) {
        problemText = std::string("handle_stream returned a ") + lua_typename(co, messageType) +
                      " as message; return topic, message";
    } else {
        std::size_t length = 0;
        const char *text = lua_tolstring(co, 1, &length);
        topic.assign(text, length);
        const FieldProblem problem = messageType == LUA_TTABLE
                                         ? readMessage(co, 2, message, nullptr)
                                         : readMessage(m_L, kGlobalsIndex + 1, message, nullptr);
        if (problem.field) {
            problemText = std::string("handle_stream message field '") + problem.field +
                          "' is not " + problem.expected + " but " + problem.got;
        }
    }
    lua_settop(co, 0);
    lua_settop(m_L, kGlobalsIndex);
    if (!problemText.empty()) {
        fail(error, problemText);
        return CallResult::Failed;
    }
    return CallResult::Ok;
}

} // namespace qpalm
