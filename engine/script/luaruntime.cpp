#include "luaruntime.h"

#include "logger.h"
#include "luawatchdog.h"

#include <QFile>
#include <QFileInfo>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace qpalm {

namespace {

constexpr int kGlobalsIndex = 1; // on the main thread's stack, between calls too
constexpr std::size_t kMaxTextBytes = 1000;
constexpr std::size_t kMaxCachedMethods = 1024;
constexpr std::size_t kScratchKeepBytes = 64 * 1024;
constexpr int kHookMask = LUA_MASKCALL | LUA_MASKCOUNT;

const char *const kFieldNames[] = {"pipeline", "client", "stage", "func", "cache", "payload"};
const char *const kGlobalNames[] = {"scatter", "gather", "handle_stream"};

LuaRuntime *runtimeOf(lua_State *L)
{
    return *static_cast<LuaRuntime **>(lua_getextraspace(L));
}

int closeThread(lua_State *thread, lua_State *from)
{
#if LUA_VERSION_RELEASE_NUM >= 50406
    return lua_closethread(thread, from);
#else
    (void)from;
    return lua_resetthread(thread);
#endif
}

// Error texts go into log lines and table rows: one line, bounded.
std::string oneLine(std::string_view text)
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
            [this](std::uint64_t sequence) { stopCall(StopReason::TimeLimit, sequence); });
    }
    return true;
}

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
    QByteArray source = file.readAll();
    // As luaL_loadfile does: skip a UTF-8 byte order mark and a first line starting with '#'.
    if (source.startsWith("\xEF\xBB\xBF"))
        source.remove(0, 3);
    if (source.startsWith('#')) {
        const qsizetype end = source.indexOf('\n');
        source.remove(0, end < 0 ? source.size() : end);
    }

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

bool LuaRuntime::pushMethodKey(std::string_view method)
{
    const auto found = m_methodKeys.find(method);
    if (found != m_methodKeys.end()) {
        if (found->second == LUA_NOREF)
            return false;
        lua_rawgeti(m_L, LUA_REGISTRYINDEX, found->second);
        return true;
    }
    const bool reserved = m_reserved.find(method) != m_reserved.end();
    if (m_methodKeys.size() >= kMaxCachedMethods) {
        if (reserved)
            return false;
        lua_pushlstring(m_L, method.data(), method.size());
        return true;
    }
    int ref = LUA_NOREF;
    if (!reserved) {
        lua_pushlstring(m_L, method.data(), method.size());
        lua_pushvalue(m_L, -1);
        ref = luaL_ref(m_L, LUA_REGISTRYINDEX);
    }
    m_methodKeys.emplace(std::string(method), ref);
    return !reserved;
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
