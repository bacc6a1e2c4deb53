// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Library functions that loop in C with no Lua call in between, where no time limit reaches:
// string.rep, table.move, table.insert and table.remove, rebuilt to check their sizes and the
// call's stop flag. The pattern functions are in luapattern.cpp.

#include "luaapi.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace qpalm {

using namespace luadetail;

namespace {

constexpr lua_Integer kCheckEvery = 4096; // element moves between two checks of the stop flag
constexpr int kRead = 1;
constexpr int kWrite = 2;
constexpr int kLength = 4;

// A table, or something whose metatable gives it the table operations it needs.
void checkTable(lua_State *L, int arg, int needs)
{
    if (lua_type(L, arg) == LUA_TTABLE)
        return;
    int pushed = 1;
    bool ok = lua_getmetatable(L, arg);
    const char *fields[] = {"__index", "__newindex", "__len"};
    for (int i = 0; ok && i < 3; ++i) {
        if (!(needs & (1 << i)))
            continue;
        lua_pushstring(L, fields[i]);
        ++pushed;
        ok = lua_rawget(L, -pushed) != LUA_TNIL;
    }
    if (!ok)
        luaL_checktype(L, arg, LUA_TTABLE);
    lua_pop(L, pushed);
}

// Copies t[from + i] to t[to + i] for i in [0, n), from the end when backwards.
void moveElements(lua_State *L, int source, int target, lua_Integer from, lua_Integer to,
                  lua_Integer n, bool backwards)
{
    for (lua_Integer done = 0; done < n; ++done) {
        if (done % kCheckEvery == kCheckEvery - 1)
            LuaApi::checkStop(L);
        const lua_Integer i = backwards ? n - 1 - done : done;
        lua_geti(L, source, from + i);
        lua_seti(L, target, to + i);
    }
}

} // namespace

void LuaApi::checkStop(lua_State *L)
{
    LuaRuntime *rt = runtimeOf(L);
    if (rt->isStopped())
        raiseStop(L, rt);
}

// string.rep(s, n [, sep]): the result is built by doubling, and an empty result is returned at
// once (the stock one loops n times to build it).
int LuaApi::strRep(lua_State *L)
{
    std::size_t length = 0;
    std::size_t sepLength = 0;
    const char *s = luaL_checklstring(L, 1, &length);
    const lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &sepLength);
    if (n <= 0 || (length == 0 && sepLength == 0) || (length == 0 && n == 1)) {
        lua_pushliteral(L, "");
        return 1;
    }
    const std::size_t unit = length + sepLength;
    const std::size_t most = INT_MAX; // as the stock string.rep: results under 2 GiB
    if (unit < length || unit > most / std::size_t(n))
        return luaL_error(L, "resulting string too large");
    const std::size_t total = std::size_t(n) * unit - sepLength;
    luaL_Buffer buffer;
    char *out = luaL_buffinitsize(L, &buffer, total); // fails cleanly past the memory cap
    std::size_t filled = std::min(length, total);
    std::memcpy(out, s, filled);
    if (filled < total) {
        const std::size_t more = std::min(sepLength, total - filled);
        std::memcpy(out + filled, sep, more);
        filled += more;
    }
    while (filled < total) { // out is periodic with period unit: copy what is there
        const std::size_t more = std::min(filled - filled % unit, total - filled);
        std::memcpy(out + filled, out, more);
        filled += more;
    }
    luaL_pushresultsize(&buffer, total);
    return 1;
}

int LuaApi::tabMove(lua_State *L)
{
    const lua_Integer from = luaL_checkinteger(L, 2);
    const lua_Integer end = luaL_checkinteger(L, 3);
    const lua_Integer to = luaL_checkinteger(L, 4);
    const int target = lua_isnoneornil(L, 5) ? 1 : 5;
    checkTable(L, 1, kRead);
    checkTable(L, target, kWrite);
    if (end >= from) {
        luaL_argcheck(L, from > 0 || end < LUA_MAXINTEGER + from, 3, "too many elements to move");
        const lua_Integer n = end - from + 1;
        luaL_argcheck(L, to <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        const bool backwards =
            !(to > end || to <= from || (target != 1 && !lua_compare(L, 1, target, LUA_OPEQ)));
        moveElements(L, 1, target, from, to, n, backwards);
    }
    lua_pushvalue(L, target);
    return 1;
}

int LuaApi::tabInsert(lua_State *L)
{
    checkTable(L, 1, kRead | kWrite | kLength);
    const lua_Integer end = luaL_len(L, 1) + 1; // first empty slot
    lua_Integer position = end;
    switch (lua_gettop(L)) {
    case 2:
        break;
    case 3:
        position = luaL_checkinteger(L, 2);
        // position in [1, end], unsigned to also catch what wraps around
        luaL_argcheck(L, lua_Unsigned(position) - 1u < lua_Unsigned(end), 2,
                      "position out of bounds");
        moveElements(L, 1, 1, position, position + 1, end - position, true);
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, position);
    return 0;
}

int LuaApi::tabRemove(lua_State *L)
{
    checkTable(L, 1, kRead | kWrite | kLength);
    const lua_Integer size = luaL_len(L, 1);
    lua_Integer position = luaL_optinteger(L, 2, size);
    if (position != size) // position in [1, size + 1]; argument #1 as Lua 5.4.4 reports it
        luaL_argcheck(L, lua_Unsigned(position) - 1u <= lua_Unsigned(size), 1,
                      "position out of bounds");
    lua_geti(L, 1, position);
    if (position < size) {
        moveElements(L, 1, 1, position + 1, position, size - position, false);
        position = size;
    }
    lua_pushnil(L);
    lua_seti(L, 1, position);
    return 1;
}

// Replaces the library functions above in the opened string and table libraries.
void LuaApi::installGuards(lua_State *L)
{
    static const luaL_Reg stringFunctions[] = {
        {"rep", &LuaApi::strRep},       {"find", &LuaApi::strFind}, {"match", &LuaApi::strMatch},
        {"gmatch", &LuaApi::strGmatch}, {"gsub", &LuaApi::strGsub}, {nullptr, nullptr},
    };
    static const luaL_Reg tableFunctions[] = {
        {"move", &LuaApi::tabMove},
        {"insert", &LuaApi::tabInsert},
        {"remove", &LuaApi::tabRemove},
        {nullptr, nullptr},
    };
    lua_getglobal(L, LUA_STRLIBNAME);
    luaL_setfuncs(L, stringFunctions, 0);
    lua_getglobal(L, LUA_TABLIBNAME);
    luaL_setfuncs(L, tableFunctions, 0);
    lua_pop(L, 2);
}

} // namespace qpalm
