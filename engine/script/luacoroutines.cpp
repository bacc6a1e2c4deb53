// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Coroutines that the time limit follows: resume, wrap and close as lcorolib.c, tracked.

#include "luaapi.h"

#include <mutex>

namespace qpalm {

using namespace luadetail;

namespace {

enum class CoStatus { Running, Suspended, Normal, Dead };

// As coroutine.status computes it.
CoStatus coStatus(lua_State *L, lua_State *co)
{
    if (L == co)
        return CoStatus::Running;
    switch (lua_status(co)) {
    case LUA_YIELD:
        return CoStatus::Suspended;
    case LUA_OK: {
        lua_Debug ar;
        if (lua_getstack(co, 0, &ar))
            return CoStatus::Normal;
        return lua_gettop(co) == 0 ? CoStatus::Dead : CoStatus::Suspended;
    }
    default:
        return CoStatus::Dead;
    }
}

} // namespace

// Resumes co with the time limit following it into co.
int LuaApi::resumeTracked(lua_State *L, lua_State *co, int nargs, int *nresults)
{
    LuaRuntime *rt = runtimeOf(L);
    {
        std::lock_guard lock(rt->m_hookMutex);
        rt->m_running.store(co, std::memory_order_relaxed);
        if (rt->isStopped())
            rt->armLocked(co);
    }
    const int status = lua_resume(co, L, nargs, nresults);
    {
        std::lock_guard lock(rt->m_hookMutex);
        rt->m_running.store(L, std::memory_order_relaxed);
        if (rt->isStopped())
            rt->armLocked(L);
    }
    return status;
}

int LuaApi::closeTracked(lua_State *L, lua_State *co)
{
    LuaRuntime *rt = runtimeOf(L);
    {
        std::lock_guard lock(rt->m_hookMutex);
        rt->m_running.store(co, std::memory_order_relaxed);
        if (rt->isStopped())
            rt->armLocked(co);
    }
    const int status = closeThread(co, L);
    {
        std::lock_guard lock(rt->m_hookMutex);
        rt->m_running.store(L, std::memory_order_relaxed);
        if (rt->isStopped())
            rt->armLocked(L);
    }
    return status;
}

// The rest mirrors lcorolib.c, with resumeTracked and closeTracked.
int LuaApi::auxResume(lua_State *L, lua_State *co, int nargs)
{
    if (!lua_checkstack(co, nargs)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, nargs);
    int nresults = 0;
    const int status = resumeTracked(L, co, nargs, &nresults);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nresults + 1)) {
            lua_pop(co, nresults);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nresults);
        return nresults;
    }
    lua_xmove(co, L, 1);
    return -1;
}

int LuaApi::coResume(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    const int count = auxResume(L, co, lua_gettop(L) - 1);
    if (count < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(count + 1));
    return count + 1;
}

int LuaApi::coWrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, &LuaApi::coWrapped, 1);
    return 1;
}

int LuaApi::coWrapped(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    const int count = auxResume(L, co, lua_gettop(L));
    if (count >= 0)
        return count;
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) {
        status = closeTracked(L, co);
        lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

int LuaApi::coClose(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    switch (coStatus(L, co)) {
    case CoStatus::Dead:
    case CoStatus::Suspended:
        if (closeTracked(L, co) == LUA_OK) {
            lua_pushboolean(L, 1);
            return 1;
        }
        lua_pushboolean(L, 0);
        lua_xmove(co, L, 1);
        return 2;
    case CoStatus::Running:
        return luaL_error(L, "cannot close a running coroutine");
    case CoStatus::Normal:
        break;
    }
    return luaL_error(L, "cannot close a normal coroutine");
}

} // namespace qpalm
