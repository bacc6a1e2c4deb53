// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The script API: the sandboxed libraries, self, logging, yield and the cache.

#include "luaapi.h"

#include "logger.h"

#include <optional>
#include <utility>

namespace qpalm {

using namespace luadetail;

int LuaApi::setup(lua_State *L)
{
    LuaRuntime *rt = runtimeOf(L);
    static const luaL_Reg libraries[] = {
        {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
    };
    for (const luaL_Reg &library : libraries) {
        luaL_requiref(L, library.name, library.func, 1);
        lua_pop(L, 1);
    }
    installGuards(L);

    // No files, no bytecode.
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_getglobal(L, "load");
    lua_pushcclosure(L, &LuaApi::load, 1);
    lua_setglobal(L, "load");
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    // Finalizers run with hooks off, where no time limit reaches: none from scripts.
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, &LuaApi::setMetatable, 1);
    lua_setglobal(L, "setmetatable");

    // Coroutines that the time limit can follow.
    lua_getglobal(L, LUA_COLIBNAME);
    lua_pushcfunction(L, &LuaApi::coResume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, &LuaApi::coWrap);
    lua_setfield(L, -2, "wrap");
    lua_pushcfunction(L, &LuaApi::coClose);
    lua_setfield(L, -2, "close");
    lua_pop(L, 1);

    lua_pushcfunction(L, &LuaApi::print);
    lua_setglobal(L, "print");
    lua_pushcfunction(L, &LuaApi::yield);
    lua_setglobal(L, "yield");

    // self: name, logger, get, set, delete, change_payload.
    lua_createtable(L, 0, 8);
    const int self = lua_gettop(L);
    lua_pushlstring(L, rt->m_scratch.data(), rt->m_scratch.size());
    lua_setfield(L, self, "name");
    lua_createtable(L, 0, 5);
    const int logger = lua_gettop(L);
    static const std::pair<const char *, LogLevel> levels[] = {
        {"debug", LogLevel::Debug},       {"info", LogLevel::Info},
        {"warning", LogLevel::Warning},   {"error", LogLevel::Error},
        {"critical", LogLevel::Critical},
    };
    for (const auto &[name, level] : levels) {
        lua_pushvalue(L, logger);
        lua_pushinteger(L, int(level));
        lua_pushcclosure(L, &LuaApi::log, 2);
        lua_setfield(L, logger, name);
    }
    lua_setfield(L, self, "logger");
    static const luaL_Reg methods[] = {
        {"get", &LuaApi::cacheGet},
        {"set", &LuaApi::cacheSet},
        {"delete", &LuaApi::cacheDelete},
        {"change_payload", &LuaApi::changePayload},
    };
    for (const luaL_Reg &method : methods) {
        lua_pushvalue(L, self);
        lua_pushcclosure(L, method.func, 1);
        lua_setfield(L, self, method.name);
    }
    lua_setglobal(L, "self");

    for (int field = 0; field < LuaRuntime::FieldCount; ++field) {
        lua_pushstring(L, kFieldNames[field]);
        rt->m_fieldKeys[field] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    for (int global = 0; global < 3; ++global) {
        lua_pushstring(L, kGlobalNames[global]);
        rt->m_globalKeys[global] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    rt->m_driver = lua_newthread(L);
    rt->m_driverRef = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

// ---------------------------------------------------------------- script API

const char *LuaApi::takeException(LuaRuntime *rt)
{
    try {
        throw;
    } catch (const std::exception &exception) {
        rt->m_scratch = exception.what();
    } catch (...) {
        rt->m_scratch = "unknown exception";
    }
    return rt->m_scratch.c_str();
}

void LuaApi::releaseScratch(LuaRuntime *rt)
{
    if (rt->m_scratch.capacity() > kScratchKeepBytes)
        std::string().swap(rt->m_scratch);
    else
        rt->m_scratch.clear();
}

int LuaApi::logArguments(lua_State *L, LogLevel level, int first)
{
    LuaRuntime *rt = runtimeOf(L);
    if (!rt->m_context.logger().isEnabled(level))
        return 0;
    const int top = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int index = first; index <= top; ++index) {
        if (index > first)
            luaL_addchar(&buffer, '\t');
        luaL_tolstring(L, index, nullptr);
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    std::size_t length = 0;
    const char *text = lua_tolstring(L, -1, &length);
    const char *failure = nullptr;
    try {
        rt->m_context.logger().log(level, QString::fromUtf8(text, qsizetype(length)));
    } catch (...) {
        failure = takeException(rt);
    }
    if (failure)
        return luaL_error(L, "logging failed: %s", failure);
    return 0;
}

int LuaApi::print(lua_State *L)
{
    return logArguments(L, LogLevel::Info, 1);
}

// self.logger.<level>(...); self.logger:<level>(...) works too.
int LuaApi::log(lua_State *L)
{
    const int first = lua_gettop(L) >= 1 && lua_rawequal(L, 1, lua_upvalueindex(1)) ? 2 : 1;
    return logArguments(L, LogLevel(lua_tointeger(L, lua_upvalueindex(2))), first);
}

int LuaApi::yield(lua_State *L)
{
    LuaRuntime *rt = runtimeOf(L);
    const int top = lua_gettop(L);
    if (rt->m_mode == LuaRuntime::Mode::Handler) {
        for (int index = 1; index <= top; ++index) {
            if (lua_isnil(L, index))
                continue;
            if (const char *got = rt->appendResult(L, index))
                return luaL_error(L, "yield: cannot send a %s; yield strings or numbers", got);
        }
        return 0;
    }
    if (rt->m_mode == LuaRuntime::Mode::FanOut) {
        for (int index = 1; index <= top; ++index) {
            if (lua_isnil(L, index))
                continue;
            if (!lua_istable(L, index))
                return luaL_error(L, "yield: expected a message table, got a %s",
                                  luaL_typename(L, index));
            const LuaRuntime::FieldProblem problem = rt->appendMessage(L, index);
            if (problem.field)
                return luaL_error(L, "yield: message field '%s' must be %s, not %s", problem.field,
                                  problem.expected, problem.got);
        }
        return 0;
    }
    return luaL_error(L, "yield() works only while a handler, scatter or gather runs");
}

// Accepts both self.get(key) and self:get(key).
void LuaApi::skipSelf(lua_State *L)
{
    if (lua_gettop(L) >= 1 && lua_rawequal(L, 1, lua_upvalueindex(1)))
        lua_remove(L, 1);
}

int LuaApi::cacheGet(lua_State *L)
{
    skipSelf(L);
    std::size_t length = 0;
    const char *key = luaL_checklstring(L, 1, &length);
    LuaRuntime *rt = runtimeOf(L);
    const char *failure = nullptr;
    bool found = false;
    try {
        std::optional<std::string> value = rt->m_context.cacheGet(std::string(key, length));
        if (value) {
            rt->m_scratch = std::move(*value);
            found = true;
        }
    } catch (...) {
        failure = takeException(rt);
    }
    if (failure)
        return luaL_error(L, "self.get failed: %s", failure);
    if (!found) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, rt->m_scratch.data(), rt->m_scratch.size());
    releaseScratch(rt);
    return 1;
}

int LuaApi::cacheSet(lua_State *L)
{
    skipSelf(L);
    std::size_t valueLength = 0;
    const char *value = luaL_checklstring(L, 1, &valueLength);
    std::size_t keyLength = 0;
    const char *key = luaL_optlstring(L, 2, "", &keyLength);
    LuaRuntime *rt = runtimeOf(L);
    const char *failure = nullptr;
    try {
        rt->m_scratch =
            rt->m_context.cacheSet(std::string(value, valueLength), std::string(key, keyLength));
    } catch (...) {
        failure = takeException(rt);
    }
    if (failure)
        return luaL_error(L, "self.set failed: %s", failure);
    lua_pushlstring(L, rt->m_scratch.data(), rt->m_scratch.size());
    releaseScratch(rt);
    return 1;
}

int LuaApi::cacheDelete(lua_State *L)
{
    skipSelf(L);
    std::size_t length = 0;
    const char *key = luaL_checklstring(L, 1, &length);
    LuaRuntime *rt = runtimeOf(L);
    const char *failure = nullptr;
    try {
        rt->m_context.cacheDelete(std::string(key, length));
    } catch (...) {
        failure = takeException(rt);
    }
    if (failure)
        return luaL_error(L, "self.delete failed: %s", failure);
    return 0;
}

// As pylm: sets message.payload and returns the same message.
int LuaApi::changePayload(lua_State *L)
{
    skipSelf(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checklstring(L, 2, nullptr);
    lua_settop(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, runtimeOf(L)->m_fieldKeys[LuaRuntime::Payload]);
    lua_pushvalue(L, 2);
    lua_rawset(L, 1);
    lua_settop(L, 1);
    return 1;
}

// load(chunk [, name [, mode [, env]]]) with mode forced to text.
int LuaApi::load(lua_State *L)
{
    if (lua_gettop(L) < 3)
        lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

int LuaApi::setMetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        const bool finalizer = lua_rawget(L, 2) != LUA_TNIL;
        lua_pop(L, 1);
        if (finalizer)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in scripts");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

int LuaApi::toString(lua_State *L)
{
    luaL_tolstring(L, 1, nullptr);
    return 1;
}

} // namespace qpalm
