// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The Lua script runtime's sandbox and limits against a fake server context: libraries, load and
// runtime errors, time, memory and recursion limits, interrupts, reload, finalizers.
#include "luatestutil.h"

#include <QElapsedTimer>

#include <thread>

using namespace qpalm;
using namespace luatest;
using namespace Qt::StringLiterals;

class TestLuaLimits : public LuaScriptTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void unsafeLibrariesAbsent()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function probe()
  local names = {}
  for _, name in ipairs({"io", "os", "package", "debug", "require", "dofile", "loadfile"}) do
    names[#names + 1] = name .. "=" .. tostring(_G[name])
  end
  names[#names + 1] = "string.dump=" .. tostring(string.dump)
  return table.concat(names, " ")
end
function binary()
  local f, err = load("\27Lua\84\0\25\147\13\10\26\10", "chunk", "b")
  return tostring(f) .. " " .. tostring(err)
end
function text() return load("return 20 + 22")() end
function safe()
  return type(string.rep) .. type(table.concat) .. type(math.floor) .. type(utf8.char)
         .. type(coroutine.wrap)
end
)lua");
        QVERIFY(dispatcher);
        QCOMPARE(
            call(*dispatcher, "probe").results,
            std::vector<std::string>{"io=nil os=nil package=nil debug=nil require=nil dofile=nil "
                                     "loadfile=nil string.dump=nil"});
        const Outcome binary = call(*dispatcher, "binary");
        QCOMPARE(binary.results.size(), std::size_t(1));
        QVERIFY2(binary.results[0].find("nil attempt to load a binary chunk") == 0,
                 binary.results[0].c_str());
        QCOMPARE(call(*dispatcher, "text").results, std::vector<std::string>{"42"});
        QCOMPARE(call(*dispatcher, "safe").results,
                 std::vector<std::string>{"functionfunctionfunctionfunctionfunction"});
    }

    void loadErrors()
    {
        FakeContext context;
        QString error;
        QVERIFY(!load(context, "function ok() end\n\nfunction broken(\n  x = \n",
                      QStringLiteral("syntax.lua"), {}, &error));
        QVERIFY2(error.startsWith(u"syntax.lua:4:"), qPrintable(error));

        QVERIFY(!load(context, "local x = 1\nundefined_function()\n",
                      QStringLiteral("toplevel.lua"), {}, &error));
        QVERIFY2(error.startsWith(
                     u"toplevel.lua:2: attempt to call a nil value (global 'undefined_function')"),
                 qPrintable(error));

        QVERIFY(!load(context, "error('plain', 0)\n", QStringLiteral("plain.lua"), {}, &error));
        QCOMPARE(error, u"plain.lua: plain"_s);

        ServerConfig config;
        config.script =
            readScriptSource(m_dir.filePath(QStringLiteral("does-not-exist.lua")), &error);
        QVERIFY(config.script.isEmpty());
        QVERIFY2(error.contains(u"does-not-exist.lua"), qPrintable(error));
        error.clear();
        QVERIFY(!createLuaDispatcher(context, config, &error));
        QVERIFY(!error.isEmpty());

        // A script travels as name + content: the name is what tracebacks show, no file needed.
        config.script =
            ScriptSource{QStringLiteral("worker.lua"), "local a = 1\nreturn nil + a\n", {}};
        QVERIFY(!createLuaDispatcher(context, config, &error));
        QVERIFY2(error.startsWith(u"worker.lua:2:"), qPrintable(error));

        ScriptLimits limits;
        limits.timeLimitMs = 100;
        QVERIFY(!load(context, "while true do end\n", QStringLiteral("spin_at_load.lua"), limits,
                      &error));
        QVERIFY2(error.startsWith(u"spin_at_load.lua:1: time limit of 100 ms exceeded"),
                 qPrintable(error));

        // A shebang line and a byte order mark are skipped, line numbers kept.
        auto dispatcher =
            load(context, "\xEF\xBB\xBF#!/usr/bin/env lua\nfunction f() return x + 1 end\n",
                 QStringLiteral("shebang.lua"), {}, &error);
        QVERIFY2(dispatcher, qPrintable(error));
        QVERIFY(call(*dispatcher, "f").error.text.startsWith(u"shebang.lua:2:"));
    }

    void runtimeErrorTraceback()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
local function helper(p)
  local y = x + 1
  return y
end
function boom(p)
  local result = helper(p)
  return result
end
function raise(p) error("custom failure") end
function raise_table(p) error({code = 1}) end
function echo(p) return p end
)lua",
                               QStringLiteral("error.lua"));
        QVERIFY(dispatcher);
        Outcome outcome = call(*dispatcher, "boom", "x");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QCOMPARE(outcome.error.text,
                 u"error.lua:3: attempt to perform arithmetic on a nil value (global 'x')"_s);
        QVERIFY2(outcome.error.traceback.contains(u"stack traceback:"),
                 qPrintable(outcome.error.traceback));
        QVERIFY2(outcome.error.traceback.contains(u"error.lua:3:"),
                 qPrintable(outcome.error.traceback));
        QVERIFY2(outcome.error.traceback.contains(u"error.lua:7:"),
                 qPrintable(outcome.error.traceback));
        QVERIFY2(outcome.error.traceback.contains(u"boom"), qPrintable(outcome.error.traceback));

        outcome = call(*dispatcher, "raise");
        QCOMPARE(outcome.error.text, u"error.lua:10: custom failure"_s);
        outcome = call(*dispatcher, "raise_table");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"table"), qPrintable(outcome.error.text));
        QCOMPARE(call(*dispatcher, "echo", "after").results, std::vector<std::string>{"after"});
    }

    void timeLimitStopsLoops_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::newRow("plain loop") << QByteArray("spin");
        QTest::newRow("numeric for") << QByteArray("count");
        QTest::newRow("loop around pcall") << QByteArray("stubborn");
        QTest::newRow("inside a coroutine") << QByteArray("in_coroutine");
        QTest::newRow("inside coroutine.resume") << QByteArray("in_resume");
    }

    void timeLimitStopsLoops()
    {
        QFETCH(QByteArray, method);
        FakeContext context;
        ScriptLimits limits;
        limits.timeLimitMs = 200;
        auto dispatcher = load(context, R"lua(
function spin(p) while true do end end
function count(p) local n = 0 for i = 1, math.maxinteger do n = n + i end end
function stubborn(p)
  while true do pcall(function() while true do end end) end
end
function in_coroutine(p)
  coroutine.wrap(function() while true do end end)()
end
function in_resume(p)
  local co = coroutine.create(function() while true do end end)
  while true do coroutine.resume(co) end
end
function echo(p) return p end
)lua",
                               QStringLiteral("spin.lua"), limits);
        QVERIFY(dispatcher);
        QElapsedTimer timer;
        timer.start();
        const Outcome outcome = call(*dispatcher, method.toStdString());
        const qint64 elapsed = timer.elapsed();
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"time limit of 200 ms exceeded"),
                 qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.startsWith(u"spin.lua:"), qPrintable(outcome.error.text));
        QVERIFY2(elapsed >= 190 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        // The same state goes on, and a quick call is not hit by the old deadline.
        for (int i = 0; i < 100; ++i)
            QCOMPARE(call(*dispatcher, "echo", "ok").results, std::vector<std::string>{"ok"});
    }

    void callsUnderTheLimitPass()
    {
        FakeContext context;
        ScriptLimits limits;
        limits.timeLimitMs = 300;
        auto dispatcher = load(context, R"lua(
function busy(p)
  local n = 0
  for i = 1, tonumber(p) do n = n + i end
  return n
end
)lua",
                               QStringLiteral("busy.lua"), limits);
        QVERIFY(dispatcher);
        // Many short calls whose total is far past the limit.
        QElapsedTimer timer;
        timer.start();
        int calls = 0;
        while (timer.elapsed() < 700) {
            const Outcome outcome = call(*dispatcher, "busy", "20000");
            QVERIFY2(outcome.result == CallResult::Ok, qPrintable(outcome.error.text));
            ++calls;
        }
        QVERIFY(calls > 10);
    }

    void memoryLimit_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::newRow("string.rep") << QByteArray("rep");
        QTest::newRow("doubling concat") << QByteArray("doubling");
        QTest::newRow("table growth") << QByteArray("table_growth");
        QTest::newRow("kept in a global") << QByteArray("hoard");
    }

    void memoryLimit()
    {
        QFETCH(QByteArray, method);
        FakeContext context;
        ScriptLimits limits;
        limits.memoryLimitBytes = 16LL * 1024 * 1024;
        auto dispatcher = load(context, R"lua(
function rep(p) return string.rep("x", 100 * 1024 * 1024) end
function doubling(p) local s = "0123456789abcdef" while true do s = s .. s end end
function table_growth(p) local t = {} for i = 1, math.maxinteger do t[i] = i end end
function hoard(p)
  hoarded = {}
  for i = 1, math.maxinteger do hoarded[i] = string.rep("y", 1000) .. i end
end
function release(p) hoarded = nil end
function echo(p) return p .. string.rep("z", 1024 * 1024):sub(1, 1) end
)lua",
                               QStringLiteral("memory.lua"), limits);
        QVERIFY(dispatcher);
        const Outcome outcome = call(*dispatcher, method.toStdString());
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"memory limit of 16 MiB exceeded"),
                 qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.startsWith(u"memory.lua:"), qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.traceback.contains(u"memory.lua:"),
                 qPrintable(outcome.error.traceback));
        if (method == "hoard") // a global keeps the memory: the script must let go of it
            QCOMPARE_RESULT(call(*dispatcher, "release").result, CallResult::Ok);
        for (int i = 0; i < 3; ++i) {
            const Outcome after = call(*dispatcher, "echo", "ok");
            QVERIFY2(after.result == CallResult::Ok, qPrintable(after.error.text));
            QCOMPARE(after.results, std::vector<std::string>{"okz"});
        }
    }

    void recursionLimits()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
function recurse(p) return depth(tonumber(p)) end
local function forever(n) return 1 + forever(n + 1) end
function runaway(p) return forever(0) end
local function fat(n, a, b, c, d, e, f, g, h)
  if n == 0 then return 0 end
  return 1 + fat(n - 1, a, b, c, d, e, f, g, h)
end
function fat_recurse(p) return fat(tonumber(p), 1, 2, 3, 4, 5, 6, 7, 8) end
function echo(p) return p end
)lua",
                               QStringLiteral("recursion.lua"));
        QVERIFY(dispatcher);
        QCOMPARE(call(*dispatcher, "recurse", "150").results, std::vector<std::string>{"150"});
        QCOMPARE(call(*dispatcher, "fat_recurse", "150").results, std::vector<std::string>{"150"});

        Outcome outcome = call(*dispatcher, "runaway");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"stack depth limit of 200 calls exceeded"),
                 qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.startsWith(u"recursion.lua:4:"),
                 qPrintable(outcome.error.text));
        QCOMPARE(call(*dispatcher, "echo", "ok").results, std::vector<std::string>{"ok"});

        outcome = call(*dispatcher, "recurse", "250");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"stack depth limit"), qPrintable(outcome.error.text));
        outcome = call(*dispatcher, "fat_recurse", "250");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QCOMPARE(call(*dispatcher, "recurse", "150").results, std::vector<std::string>{"150"});

        // Without a depth limit Lua's own stack overflow is caught the same way.
        ScriptLimits unlimited;
        unlimited.stackDepth = 0;
        auto deep = load(context, R"lua(
local function forever(n) return 1 + forever(n + 1) end
function runaway(p) return forever(0) end
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
function recurse(p) return depth(tonumber(p)) end
)lua",
                         QStringLiteral("overflow.lua"), unlimited);
        QVERIFY(deep);
        QCOMPARE(call(*deep, "recurse", "5000").results, std::vector<std::string>{"5000"});
        outcome = call(*deep, "runaway");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"stack overflow"), qPrintable(outcome.error.text));
        QCOMPARE(call(*deep, "recurse", "100").results, std::vector<std::string>{"100"});
    }

    void interruptFromAnotherThread()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function spin(p) while true do end end
function echo(p) return p end
)lua",
                               QStringLiteral("interrupt.lua"));
        QVERIFY(dispatcher);
        QElapsedTimer timer;
        timer.start();
        std::thread stopper([&dispatcher] {
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            dispatcher->interrupt();
        });
        const Outcome outcome = call(*dispatcher, "spin");
        const qint64 elapsed = timer.elapsed();
        stopper.join();
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.contains(u"interrupted"), qPrintable(outcome.error.text));
        QVERIFY2(elapsed < 2000, qPrintable(QString::number(elapsed))); // the time limit is 5 s
        // interrupt() also stops the next call at its start (the server is stopping) ...
        QCOMPARE_RESULT(call(*dispatcher, "echo", "x").result, CallResult::Failed);
        // ... and only that one.
        QCOMPARE(call(*dispatcher, "echo", "x").results, std::vector<std::string>{"x"});
        // When idle, it stops the call about to start.
        dispatcher->interrupt();
        const Outcome stopped = call(*dispatcher, "echo", "x");
        QCOMPARE_RESULT(stopped.result, CallResult::Failed);
        QVERIFY2(stopped.error.text.contains(u"interrupted"), qPrintable(stopped.error.text));
        QCOMPARE(call(*dispatcher, "echo", "x").results, std::vector<std::string>{"x"});
    }

    void reload()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
local calls = 0
function count(p) calls = calls + 1 return calls end
function old(p) return "old" end
)lua",
                               QStringLiteral("first.lua"));
        QVERIFY(dispatcher);
        QCOMPARE(call(*dispatcher, "count").results, std::vector<std::string>{"1"});
        QCOMPARE(call(*dispatcher, "count").results, std::vector<std::string>{"2"});

        QString error;
        const QString bad =
            writeScript(QStringLiteral("bad.lua"), "function new(p) return 'new' end\nlocal = 3\n");
        QVERIFY(!dispatcher->reload(readScriptSource(bad), &error));
        QVERIFY2(error.startsWith(u"bad.lua:2:"), qPrintable(error));
        QCOMPARE(call(*dispatcher, "count").results,
                 std::vector<std::string>{"3"}); // old state kept
        QCOMPARE_RESULT(call(*dispatcher, "new").result, CallResult::NotFound);

        const QString good = writeScript(QStringLiteral("good.lua"), R"lua(
local calls = 100
function count(p) calls = calls + 1 return calls end
function new(p) return "new" end
function scatter(m) yield(m) yield(m) end
)lua");
        QVERIFY2(dispatcher->reload(readScriptSource(good), &error), qPrintable(error));
        QCOMPARE(call(*dispatcher, "count").results, std::vector<std::string>{"101"});
        QCOMPARE(call(*dispatcher, "new").results, std::vector<std::string>{"new"});
        QCOMPARE_RESULT(call(*dispatcher, "old").result, CallResult::NotFound);
        QVERIFY(dispatcher->hasScatter());

        QVERIFY(!dispatcher->reload(readScriptSource(m_dir.filePath(QStringLiteral("missing.lua"))),
                                    &error));
        QCOMPARE(call(*dispatcher, "new").results, std::vector<std::string>{"new"});
    }

    void finalizersRefusedAndWarningsLogged()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function finalizer(p)
  setmetatable({}, {__gc = function() while true do end end})
end
function plain_metatable(p)
  local t = setmetatable({}, {__index = function(_, k) return k .. "!" end})
  return t.hello
end
function warns(p)
  warn("careful ", "now")
  warn("@off")
  warn("not logged")
  warn("@on")
end
function tostring_error(p)
  error(setmetatable({}, {__tostring = function() return "custom text" end}))
end
)lua",
                               QStringLiteral("meta.lua"));
        QVERIFY(dispatcher);
        const Outcome outcome = call(*dispatcher, "finalizer");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.startsWith(u"meta.lua:3:"), qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.contains(u"__gc"), qPrintable(outcome.error.text));
        QCOMPARE(call(*dispatcher, "plain_metatable").results, std::vector<std::string>{"hello!"});
        QCOMPARE_RESULT(call(*dispatcher, "warns").result, CallResult::Ok);
        QCOMPARE(context.texts(LogLevel::Warning), QStringList{u"careful now"_s});
        QCOMPARE(call(*dispatcher, "tostring_error").error.text, u"custom text"_s);
    }
};

QTEST_GUILESS_MAIN(TestLuaLimits)
#include "tst_lualimits.moc"
