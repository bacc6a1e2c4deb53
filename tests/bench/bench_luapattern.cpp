// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The cost of the guarded pattern functions (our matcher with a step budget) against the stock
// Lua 5.4 string library, on a find/gmatch/gsub-heavy handler. Prints ms per 10k handler runs.
#include "logger.h"
#include "script/luadispatcher.h"
#include "serverconfig.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace qpalm;

namespace {

const char *const kScript = R"lua(
local payload = {}
for i = 1, 20 do payload[#payload + 1] = "key" .. i .. " = value " .. i * 7 .. " ;" end
payload = table.concat(payload, " ")
local function handler(p)
  local out = {}
  for key, value in p:gmatch("(%w+)%s*=%s*([^;]+)") do
    out[#out + 1] = key:upper() .. "=" .. value:gsub("%s+$", "")
  end
  local s = table.concat(out, ";")
  s = s:gsub("%d+", function(d) return tostring(tonumber(d) * 2) end)
  local a, b = s:find("KEY1[0-9]*=", 1)
  local first = s:match("^(%u+)")
  local plain = s:find("VALUE 14", 1, true)
  return s:gsub("%f[%w]%w+", "<%0>"):len() + (a or 0) + #first + (plain or 0)
end
-- The same amount of strings and tables without patterns: what the runtime itself costs.
local function control(p)
  local out = {}
  for i = 1, 20 do out[#out + 1] = ("key" .. i):upper() .. "=" .. p:sub(i, i + 8) end
  local s = table.concat(out, ";")
  for i = 1, 20 do s = s .. tostring(i * 2) end
  return #s + #s:upper() + #s:lower()
end
function bench(n)
  local total = 0
  for i = 1, tonumber(n) do total = total + handler(payload) end
  return tostring(total)
end
function bench_control(n)
  local total = 0
  for i = 1, tonumber(n) do total = total + control(payload) end
  return tostring(total)
end
)lua";

class Context final : public ServerContext
{
public:
    const QString &serverName() const override { return m_name; }
    Logger &logger() override { return m_logger; }
    std::optional<std::string> cacheGet(const std::string &) override { return std::nullopt; }
    std::string cacheSet(const std::string &, const std::string &key) override { return key; }
    void cacheDelete(const std::string &) override {}

private:
    QString m_name = QStringLiteral("bench");
    Logger m_logger{m_name, LogLevel::Warning};
};

constexpr int kRuns = 10000;

double stockMs(const char *function, std::string &result)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_loadbuffer(L, kScript, std::strlen(kScript), "=bench");
    lua_pcall(L, 0, 0, 0);
    QElapsedTimer timer;
    timer.start();
    lua_getglobal(L, function);
    lua_pushinteger(L, kRuns);
    lua_pcall(L, 1, 1, 0);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    result = lua_tostring(L, -1);
    lua_close(L);
    return ms;
}

double guardedMs(Dispatcher &dispatcher, const char *function, std::string &result)
{
    std::vector<std::string> results;
    UserError error;
    QElapsedTimer timer;
    timer.start();
    dispatcher.call(function, std::to_string(kRuns), results, error);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    result = results.empty() ? error.text.toStdString() : results.front();
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Context context;
    ServerConfig config;
    config.name = context.serverName();
    config.script.name = QStringLiteral("bench.lua");
    config.script.content = kScript;
    config.limits.timeLimitMs = 600000;
    QString error;
    auto dispatcher = createLuaDispatcher(context, config, &error);
    if (!dispatcher) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    for (const char *function : {"bench", "bench_control"}) {
        std::vector<double> stock, guarded;
        std::string stockResult, guardedResult;
        for (int round = 0; round < 7; ++round) {
            stock.push_back(stockMs(function, stockResult));
            guarded.push_back(guardedMs(*dispatcher, function, guardedResult));
        }
        if (stockResult != guardedResult) {
            std::fprintf(stderr, "results differ: %s vs %s\n", stockResult.c_str(),
                         guardedResult.c_str());
            return 1;
        }
        std::sort(stock.begin(), stock.end());
        std::sort(guarded.begin(), guarded.end());
        std::printf("%s: %d runs, median of 7: stock %.1f ms, qpalm runtime %.1f ms (%.2fx)\n",
                    function == std::string("bench") ? "find/gmatch/gsub handler"
                                                     : "same work without patterns",
                    kRuns, stock[3], guarded[3], guarded[3] / stock[3]);
    }
    return 0;
}
