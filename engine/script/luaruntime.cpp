// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "luaapi.h"

#include "luawatchdog.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <limits>
#include <mutex>

namespace qpalm {

using namespace luadetail;

// ---------------------------------------------------------------- state setup

LuaRuntime::LuaRuntime(ServerContext &context, const ScriptLimits &limits,
                       const QString &scriptPath)
    : m_context(context), m_limits(limits), m_scriptPath(scriptPath),
      m_fileName(QFileInfo(scriptPath).fileName().toStdString()),
      m_memoryLimit(limits.memoryLimitBytes > 0
                        ? std::min(std::size_t(limits.memoryLimitBytes),
                                   std::numeric_limits<std::size_t>::max() / 4)
                        : std::numeric_limits<std::size_t>::max()),
      m_memorySlack(limits.memoryLimitBytes > 0 ? m_memoryLimit / 8 + 64 * 1024 : 0),
      m_collectAbove(m_memoryLimit - m_memoryLimit / 8),
      m_probeBytes(limits.stackDepth > 0
                       ? std::clamp<std::size_t>(std::size_t(limits.stackDepth) * 16, 512, 4096)
                       : std::numeric_limits<std::size_t>::max())
{
}

std::unique_ptr<LuaRuntime> LuaRuntime::create(ServerContext &context, const ScriptLimits &limits,
                                               const QString &scriptPath, QString *errorText)
{
    std::unique_ptr<LuaRuntime> runtime(new LuaRuntime(context, limits, scriptPath));
    if (!runtime->open()) {
        if (errorText)
            *errorText =
                QStringLiteral("%1: cannot create a Lua state (out of memory)").arg(scriptPath);
        return nullptr;
    }
    return runtime;
}

bool LuaRuntime::open()
{
    m_L = lua_newstate(&LuaApi::allocate, this);
    if (!m_L)
        return false;
    *static_cast<LuaRuntime **>(lua_getextraspace(m_L)) = this;
    lua_atpanic(m_L, &LuaApi::panic);
    lua_setwarnf(m_L, &LuaApi::warn, this);
    m_scratch = m_context.serverName().toStdString();
    lua_pushcfunction(m_L, &LuaApi::setup);
    if (lua_pcall(m_L, 0, 0, 0) != LUA_OK)
        return false;
    LuaApi::releaseScratch(this);

    // Names that are never methods: everything global before the script runs, and the hooks.
    lua_pushglobaltable(m_L);
    lua_pushnil(m_L);
    while (lua_next(m_L, -2)) {
        if (lua_type(m_L, -2) == LUA_TSTRING) {
            std::size_t length = 0;
            const char *name = lua_tolstring(m_L, -2, &length);
            m_reserved.emplace(name, length);
        }
        lua_pop(m_L, 1);
    }
    for (const char *name : kGlobalNames)
        m_reserved.emplace(name);
    lua_settop(m_L, 0);
    lua_pushglobaltable(m_L); // kGlobalsIndex

    m_running.store(m_driver, std::memory_order_relaxed);
    if (m_limits.timeLimitMs > 0) {
        m_watchId = LuaWatchdog::instance().watch(
            &m_sequence, m_limits.timeLimitMs,
            [this](std::uint64_t sequence) { stopCall(StopReason::TimeLimit, sequence); },
            m_limits.timeLimitMs + kStuckBoundMs,
            [this](std::uint64_t sequence) { reportStuck(sequence); });
    }
    return true;
}

LuaRuntime::~LuaRuntime()
{
    if (m_L) {
        // Finalizers run in lua_close: as a call, under the time limit.
        m_probeBytes = std::numeric_limits<std::size_t>::max();
        m_enforceLimit = false;
        {
            std::lock_guard lock(m_hookMutex);
            m_running.store(m_L, std::memory_order_relaxed);
        }
        m_sequence.store((m_sequence.load(std::memory_order_relaxed) + 1) | 1,
                         std::memory_order_release);
        m_closing = true;
        lua_close(m_L);
        m_L = nullptr;
        m_sequence.store(m_sequence.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    if (m_watchId)
        LuaWatchdog::instance().unwatch(m_watchId);
}

bool LuaRuntime::loadScript(QString *errorText)
{
    QFile file(m_scriptPath);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorText)
            *errorText = QStringLiteral("%1: cannot read the script: %2")
                             .arg(m_scriptPath, file.errorString());
        return false;
    }
    return loadSource(file.readAll(), errorText);
}

bool LuaRuntime::loadSource(QByteArray source, QString *errorText)
{
    // As luaL_loadfile does: skip a UTF-8 byte order mark and a first line starting with '#'.
    if (source.startsWith("\xEF\xBB\xBF"))
        source.remove(0, 3);
    if (source.startsWith('#')) {
        const qsizetype end = source.indexOf('\n');
        source.remove(0, end < 0 ? source.size() : end);
    }

    setCallName("(script body)");
    CallScope scope(*this);
    m_mode = Mode::Load;
    const std::string chunkName = '@' + m_fileName;
    m_enforceLimit = true;
    const int status = luaL_loadbufferx(m_driver, source.constData(), std::size_t(source.size()),
                                        chunkName.c_str(), "t");
    m_enforceLimit = false;
    UserError error;
    bool loaded = false;
    if (status != LUA_OK) {
        std::string text;
        if (status == LUA_ERRMEM)
            text = memoryLimitText();
        else
            text =
                oneLine(lua_tostring(m_driver, -1) ? lua_tostring(m_driver, -1) : "cannot compile");
        lua_settop(m_driver, 0);
        error.text = QString::fromStdString(text);
    } else {
        int results = 0;
        loaded = resumeDriver(0, results, error);
        lua_settop(m_driver, 0);
    }
    if (!loaded && errorText) {
        const QString prefix = QString::fromStdString(m_fileName) + QLatin1Char(':');
        *errorText =
            error.text.startsWith(prefix) ? error.text : prefix + QLatin1Char(' ') + error.text;
    }
    return loaded;
}

} // namespace qpalm
