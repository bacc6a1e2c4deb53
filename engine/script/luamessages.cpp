// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LuaRuntime values: message tables and handler results, between Lua and C++.

#include "luaapi.h"

namespace qpalm {

using namespace luadetail;

// ---------------------------------------------------------------- values

const char *LuaRuntime::appendResult(lua_State *L, int index)
{
    const int type = lua_type(L, index);
    if (type != LUA_TSTRING && type != LUA_TNUMBER)
        return lua_typename(L, type);
    std::size_t length = 0;
    const char *text = lua_tolstring(L, index, &length);
    try {
        m_results->emplace_back(text, length);
    } catch (...) {
        return "string too large for memory";
    }
    return nullptr;
}

LuaRuntime::FieldProblem LuaRuntime::appendMessage(lua_State *L, int index)
{
    try {
        m_messages->emplace_back();
    } catch (...) {
        return {"payload", "a string", "out of memory"};
    }
    const FieldProblem problem = readMessage(L, index, m_messages->back(), m_defaults);
    if (problem.field)
        m_messages->pop_back();
    return problem;
}

void LuaRuntime::pushMessage(lua_State *L, const Message &message)
{
    lua_createtable(L, 0, FieldCount);
    const std::string *texts[FieldCount] = {&message.pipeline, &message.client, nullptr,
                                            &message.function, &message.cache,  &message.payload};
    for (int field = 0; field < FieldCount; ++field) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, m_fieldKeys[field]);
        if (field == Stage)
            lua_pushinteger(L, lua_Integer(message.stage));
        else
            lua_pushlstring(L, texts[field]->data(), texts[field]->size());
        lua_rawset(L, -3);
    }
}

LuaRuntime::FieldProblem LuaRuntime::readMessage(lua_State *L, int index, Message &message,
                                                 const Message *defaults)
{
    index = lua_absindex(L, index);
    std::string *texts[FieldCount] = {&message.pipeline, &message.client, nullptr,
                                      &message.function, &message.cache,  &message.payload};
    for (int field = 0; field < FieldCount; ++field) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, m_fieldKeys[field]);
        int type = lua_rawget(L, index);
        if (type == LUA_TNIL && field == Function) {
            lua_pop(L, 1);
            lua_pushliteral(L, "function");
            type = lua_rawget(L, index);
        }
        if (type == LUA_TNIL) {
            lua_pop(L, 1);
            if (!defaults)
                continue;
            try {
                if (field == Stage)
                    message.stage = defaults->stage;
                else
                    *texts[field] = field == Pipeline   ? defaults->pipeline
                                    : field == Client   ? defaults->client
                                    : field == Function ? defaults->function
                                    : field == Cache    ? defaults->cache
                                                        : defaults->payload;
            } catch (...) {
                return {kFieldNames[field], "a string", "out of memory"};
            }
            continue;
        }
        if (field == Stage) {
            int isInteger = 0;
            const lua_Integer stage = lua_tointegerx(L, -1, &isInteger);
            lua_pop(L, 1);
            if (!isInteger)
                return {kFieldNames[field], "an integer",
                        type == LUA_TNUMBER ? "a fraction" : lua_typename(L, type)};
            message.stage = std::int64_t(stage);
            continue;
        }
        if (type != LUA_TSTRING && type != LUA_TNUMBER) {
            lua_pop(L, 1);
            return {kFieldNames[field], "a string", lua_typename(L, type)};
        }
        std::size_t length = 0;
        const char *text = lua_tolstring(L, -1, &length);
        try {
            texts[field]->assign(text, length);
        } catch (...) {
            lua_pop(L, 1);
            return {kFieldNames[field], "a string", "out of memory"};
        }
        lua_pop(L, 1);
    }
    return {};
}

} // namespace qpalm
