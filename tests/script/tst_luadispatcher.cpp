// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The Lua script runtime: script API, sandbox, limits, reload, against a fake server context.
#include "logger.h"
#include "script/luadispatcher.h"
#include "serverconfig.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <thread>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {

// A server context with an in-memory cache and a logger whose records are kept.
class FakeContext final : public ServerContext
{
public:
    FakeContext() : m_logger(m_name, LogLevel::Info)
    {
        m_logger.setSink([this](LogRecord &&record) { records.push_back(std::move(record)); });
    }

    const QString &serverName() const override { return m_name; }
    Logger &logger() override { return m_logger; }
    std::optional<std::string> cacheGet(const std::string &key) override
    {
        const auto found = cache.find(key);
        if (found == cache.end())
            return std::nullopt;
        return found->second;
    }
    std::string cacheSet(const std::string &value, const std::string &key) override
    {
        const std::string actual = key.empty() ? "generated-" + std::to_string(++m_generated) : key;
        cache[actual] = value;
        return actual;
    }
    void cacheDelete(const std::string &key) override { cache.erase(key); }

    QStringList texts(LogLevel level) const
    {
        QStringList list;
        for (const LogRecord &record : records) {
            if (record.level == level)
                list << record.text;
        }
        return list;
    }

    std::map<std::string, std::string> cache;
    QList<LogRecord> records;

private:
    QString m_name = QStringLiteral("lua_test");
    Logger m_logger;
    int m_generated = 0;
};

struct Outcome
{
    CallResult result = CallResult::NotFound;
    std::vector<std::string> results;
    UserError error;
};

Outcome call(Dispatcher &dispatcher, std::string_view method, const std::string &payload = {})
{
    Outcome outcome;
    outcome.result = dispatcher.call(method, payload, outcome.results, outcome.error);
    return outcome;
}

Message sampleMessage()
{
    Message message;
    message.pipeline = "pipe-1";
    message.client = "client-7";
    message.stage = 2;
    message.function = "master.work";
    message.cache = "cache-key";
    message.payload = std::string("in\0put", 6);
    return message;
}

const char *resultName(CallResult result)
{
    switch (result) {
    case CallResult::Ok:
        return "Ok";
    case CallResult::NotFound:
        return "NotFound";
    case CallResult::Failed:
        return "Failed";
    }
    return "?";
}

} // namespace

#define QCOMPARE_RESULT(actual, expected)                                                          \
    QCOMPARE(QString::fromLatin1(resultName(actual)), QString::fromLatin1(resultName(expected)))

class TestLuaDispatcher : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeScript(const QString &name, const QByteArray &source)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(source);
        return path;
    }

    std::unique_ptr<Dispatcher> load(FakeContext &context, const QByteArray &source,
                                     const QString &name = QStringLiteral("script.lua"),
                                     const ScriptLimits &limits = {}, QString *error = nullptr)
    {
        ServerConfig config;
        config.name = context.serverName();
        config.script = readScriptSource(writeScript(name, source));
        config.limits = limits;
        QString ignored;
        return createLuaDispatcher(context, config, error ? error : &ignored);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void handlersByName()
    {
        FakeContext context;
        QString error;
        auto dispatcher = load(context, R"lua(
function echo(payload) return payload end
function upper(payload) return payload:upper() end
local function hidden(payload) return "no" end
counter = 5
)lua",
                               QStringLiteral("handlers.lua"), {}, &error);
        QVERIFY2(dispatcher, qPrintable(error));

        Outcome outcome = call(*dispatcher, "upper", "abc");
        QCOMPARE_RESULT(outcome.result, CallResult::Ok);
        QCOMPARE(outcome.results, std::vector<std::string>{"ABC"});
        outcome = call(*dispatcher, "echo", "x");
        QCOMPARE(outcome.results, std::vector<std::string>{"x"});

        for (const char *name :
             {"missing", "hidden", "counter", "", "print", "yield", "self", "scatter", "gather",
              "handle_stream", "tostring", "string", "_G", "load", "pcall"}) {
            outcome = call(*dispatcher, name, "x");
            QVERIFY2(outcome.result == CallResult::NotFound, name);
            QVERIFY(outcome.results.empty());
        }
        // Repeated calls go through the cached lookup.
        for (int i = 0; i < 3; ++i)
            QCOMPARE_RESULT(call(*dispatcher, "print", "x").result, CallResult::NotFound);
        QCOMPARE(call(*dispatcher, "upper", "q").results, std::vector<std::string>{"Q"});
    }

    void bytesRoundTrip()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function echo(payload) return payload end
function size(payload) return #payload end
function reverse(payload) return payload:reverse() end
)lua");
        QVERIFY(dispatcher);
        std::string bytes("a\0b\xff\x00\x01z", 7);
        QCOMPARE(call(*dispatcher, "echo", bytes).results, std::vector<std::string>{bytes});
        QCOMPARE(call(*dispatcher, "size", bytes).results, std::vector<std::string>{"7"});
        std::string reversed(bytes.rbegin(), bytes.rend());
        QCOMPARE(call(*dispatcher, "reverse", bytes).results, std::vector<std::string>{reversed});
        QCOMPARE(call(*dispatcher, "echo", "").results, std::vector<std::string>{""});
    }

    void multipleResults()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function three(p) return p .. "1", p .. "2", p .. "3" end
function nothing(p) end
function explicit_nil(p) return nil end
function numbers(p) return 42, 1.5 end
function yields(p)
  for i = 1, 3 do yield(p .. i) end
  return "last"
end
function co_yields(p)
  coroutine.yield("a")
  coroutine.yield("b")
end
function yield_in_callback(p)
  local out = p:gsub(".", function(c) yield(c) end)
end
function bad_return(p) return {} end
function bad_yield(p) yield(true) end
)lua");
        QVERIFY(dispatcher);
        QCOMPARE(call(*dispatcher, "three", "x").results,
                 (std::vector<std::string>{"x1", "x2", "x3"}));
        Outcome outcome = call(*dispatcher, "nothing", "x");
        QCOMPARE_RESULT(outcome.result, CallResult::Ok);
        QVERIFY(outcome.results.empty());
        outcome = call(*dispatcher, "explicit_nil", "x");
        QCOMPARE_RESULT(outcome.result, CallResult::Ok);
        QVERIFY(outcome.results.empty());
        QCOMPARE(call(*dispatcher, "numbers").results, (std::vector<std::string>{"42", "1.5"}));
        QCOMPARE(call(*dispatcher, "yields", "y").results,
                 (std::vector<std::string>{"y1", "y2", "y3", "last"}));
        QCOMPARE(call(*dispatcher, "co_yields").results, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(call(*dispatcher, "yield_in_callback", "ab").results,
                 (std::vector<std::string>{"a", "b"}));

        outcome = call(*dispatcher, "bad_return", "x");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY(outcome.results.empty());
        QVERIFY2(outcome.error.text.contains(u"table"), qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.contains(u"bad_return"), qPrintable(outcome.error.text));

        outcome = call(*dispatcher, "bad_yield", "x");
        QCOMPARE_RESULT(outcome.result, CallResult::Failed);
        QVERIFY2(outcome.error.text.startsWith(u"script.lua:18:"), qPrintable(outcome.error.text));
        QVERIFY2(outcome.error.text.contains(u"boolean"), qPrintable(outcome.error.text));

        // A failed call leaves the results vector as it was.
        std::vector<std::string> results{"kept"};
        UserError error;
        dispatcher->call("bad_return", "x", results, error);
        QCOMPARE(results, std::vector<std::string>{"kept"});
    }

    void scatterEmitsEachYield()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function scatter(message)
  local payload = message.payload
  for i = 1, 3 do
    -- as in pylm, change_payload changes the message itself and returns it
    yield(self.change_payload(message, payload .. "/" .. i))
  end
end
)lua");
        QVERIFY(dispatcher);
        QVERIFY(dispatcher->hasScatter());
        QVERIFY(!dispatcher->hasGather());
        QVERIFY(!dispatcher->hasHandleStream());
        std::vector<Message> out;
        UserError error;
        const Message in = sampleMessage();
        QCOMPARE_RESULT(dispatcher->scatter(Message(in), out, error), CallResult::Ok);
        QCOMPARE(out.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            Message expected = in;
            expected.payload = in.payload + "/" + std::to_string(i + 1);
            QVERIFY2(out[std::size_t(i)] == expected, out[std::size_t(i)].payload.c_str());
        }
        // No gather function: messages pass through unchanged.
        out.clear();
        QCOMPARE_RESULT(dispatcher->gather(Message(in), out, error), CallResult::Ok);
        QCOMPARE(out.size(), std::size_t(1));
        QVERIFY(out[0] == in);
    }

    void scatterReturnsAndBuildsMessages()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function scatter(message)
  yield({payload = "fresh", stage = 5})
  yield({payload = "other", func = "a.b c.d", client = "someone"})
  local copy = {}
  for k, v in pairs(message) do copy[k] = v end
  copy.payload = "returned"
  return copy
end
function gather(message)
  return 12
end
)lua");
        QVERIFY(dispatcher);
        std::vector<Message> out;
        UserError error;
        const Message in = sampleMessage();
        QCOMPARE_RESULT(dispatcher->scatter(Message(in), out, error), CallResult::Ok);
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[0].payload, std::string("fresh"));
        QCOMPARE(out[0].stage, std::int64_t(5));
        QCOMPARE(out[0].client, in.client); // absent fields come from the incoming message
        QCOMPARE(out[0].function, in.function);
        QCOMPARE(out[1].function, std::string("a.b c.d"));
        QCOMPARE(out[1].client, std::string("someone"));
        QCOMPARE(out[2].payload, std::string("returned"));
        QCOMPARE(out[2].pipeline, in.pipeline);

        out.clear();
        QCOMPARE_RESULT(dispatcher->gather(Message(in), out, error), CallResult::Failed);
        QVERIFY(out.empty());
        QVERIFY2(error.text.contains(u"number"), qPrintable(error.text));
    }

    void gatherKeepsState()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
local count = 0
local parts = {}
function gather(message)
  count = count + 1
  parts[#parts + 1] = message.payload
  if count == 3 then
    local joined = table.concat(parts, ",")
    count, parts = 0, {}
    return self.change_payload(message, joined)
  end
end
)lua");
        QVERIFY(dispatcher);
        QVERIFY(dispatcher->hasGather());
        for (int round = 0; round < 2; ++round) {
            std::vector<Message> out;
            UserError error;
            for (int i = 1; i <= 3; ++i) {
                Message in = sampleMessage();
                in.payload = "p" + std::to_string(i);
                QCOMPARE_RESULT(dispatcher->gather(std::move(in), out, error), CallResult::Ok);
                QCOMPARE(out.size(), std::size_t(i == 3 ? 1 : 0));
            }
            QCOMPARE(out[0].payload, std::string("p1,p2,p3"));
            QCOMPARE(out[0].client, std::string("client-7"));
        }
    }

    void handleStream()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
function handle_stream(message)
  if message.payload == "edit" then
    message.payload = "edited in place"
    return "in-place"
  elseif message.payload == "none" then
    return nil
  end
  return message.client .. "-topic", self.change_payload(message, "changed")
end
)lua");
        QVERIFY(dispatcher);
        QVERIFY(dispatcher->hasHandleStream());
        Message message = sampleMessage();
        std::string topic;
        UserError error;
        QCOMPARE_RESULT(dispatcher->handleStream(message, topic, error), CallResult::Ok);
        QCOMPARE(topic, std::string("client-7-topic"));
        QCOMPARE(message.payload, std::string("changed"));
        QCOMPARE(message.stage, std::int64_t(2));

        message = sampleMessage();
        message.payload = "edit";
        QCOMPARE_RESULT(dispatcher->handleStream(message, topic, error), CallResult::Ok);
        QCOMPARE(topic, std::string("in-place"));
        QCOMPARE(message.payload, std::string("edited in place"));

        message.payload = "none";
        QCOMPARE_RESULT(dispatcher->handleStream(message, topic, error), CallResult::Failed);
        QVERIFY2(error.text.contains(u"topic"), qPrintable(error.text));
    }

    void cacheApi()
    {
        FakeContext context;
        context.cache["preset"] = std::string("v\0v", 3);
        auto dispatcher = load(context, R"lua(
function get(key) return self.get(key) or "<nil>" end
function set(value) return self.set(value, "k1") end
function set_generated(value) return self.set(value) end
function delete(key) self.delete(key) end
function colon(value) return self:set(value, "k2") .. ":" .. self:get("k2") end
function name() return self.name end
)lua");
        QVERIFY(dispatcher);
        QCOMPARE(call(*dispatcher, "get", "preset").results,
                 std::vector<std::string>{std::string("v\0v", 3)});
        QCOMPARE(call(*dispatcher, "get", "absent").results, std::vector<std::string>{"<nil>"});
        QCOMPARE(call(*dispatcher, "set", "value-1").results, std::vector<std::string>{"k1"});
        QCOMPARE(context.cache["k1"], std::string("value-1"));
        QCOMPARE(call(*dispatcher, "set_generated", "value-2").results,
                 std::vector<std::string>{"generated-1"});
        QCOMPARE(context.cache["generated-1"], std::string("value-2"));
        QCOMPARE_RESULT(call(*dispatcher, "delete", "k1").result, CallResult::Ok);
        QVERIFY(!context.cache.count("k1"));
        QCOMPARE(call(*dispatcher, "colon", "c").results, std::vector<std::string>{"k2:c"});
        QCOMPARE(call(*dispatcher, "name").results, std::vector<std::string>{"lua_test"});
    }

    void printAndLogger()
    {
        FakeContext context;
        auto dispatcher = load(context, R"lua(
print("loaded")
function talk(p)
  print("a", 1, nil, true)
  self.logger.debug("hidden")
  self.logger.info("info " .. p)
  self.logger.warning("careful")
  self.logger:error("bad")
  self.logger.critical("worse")
end
)lua");
        QVERIFY(dispatcher);
        QCOMPARE_RESULT(call(*dispatcher, "talk", "p").result, CallResult::Ok);
        QCOMPARE(context.texts(LogLevel::Info),
                 (QStringList{u"loaded"_s, u"a\t1\tnil\ttrue"_s, u"info p"_s}));
        QCOMPARE(context.texts(LogLevel::Debug), QStringList());
        QCOMPARE(context.texts(LogLevel::Warning), QStringList{u"careful"_s});
        QCOMPARE(context.texts(LogLevel::Error), QStringList{u"bad"_s});
        QCOMPARE(context.texts(LogLevel::Critical), QStringList{u"worse"_s});
        for (const LogRecord &record : std::as_const(context.records))
            QCOMPARE(record.server, u"lua_test"_s);
    }

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

QTEST_GUILESS_MAIN(TestLuaDispatcher)
#include "tst_luadispatcher.moc"
