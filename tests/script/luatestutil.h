// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the Lua runtime suites: a server context with an in-memory cache and kept records,
// a call helper, and a fixture that writes and loads scripts.
#pragma once

#include "logger.h"
#include "script/luadispatcher.h"
#include "serverconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

namespace luatest {

using namespace qpalm;

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

inline Outcome call(Dispatcher &dispatcher, std::string_view method,
                    const std::string &payload = {})
{
    Outcome outcome;
    outcome.result = dispatcher.call(method, payload, outcome.results, outcome.error);
    return outcome;
}

inline Message sampleMessage()
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

inline const char *resultName(CallResult result)
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

// Writes scripts into a temporary folder and loads them against a FakeContext.
class LuaScriptTest : public QObject
{
protected:
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
};

} // namespace luatest

#define QCOMPARE_RESULT(actual, expected)                                                          \
    QCOMPARE(QString::fromLatin1(resultName(actual)), QString::fromLatin1(resultName(expected)))
