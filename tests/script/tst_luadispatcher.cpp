// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The Lua script runtime's API against a fake server context: handlers, bytes, yields, scatter,
// gather, handle_stream, the cache, print and the logger.
#include "luatestutil.h"

using namespace qpalm;
using namespace luatest;
using namespace Qt::StringLiterals;

class TestLuaDispatcher : public LuaScriptTest
{
    Q_OBJECT

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
};

QTEST_GUILESS_MAIN(TestLuaDispatcher)
#include "tst_luadispatcher.moc"
