// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// What the ScriptEditor suites share: scratch files in a temporary folder, the cursor line, a live
// Lua server's config and a client to call it, and screenshots under QPALM_SCREENSHOT_DIR.
#pragma once

#include "client.h"
#include "serverconfig.h"
#include "serverhandle.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexer.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include <memory>

namespace editortest {

inline bool writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// "-- line 1\n" ... "-- line count\n".
inline QByteArray numberedLines(int count)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i)
        text += "-- line " + QByteArray::number(i) + "\n";
    return text;
}

// The 1-based line of editor's cursor.
inline int cursorLine(QsciScintilla *editor)
{
    int line = -1;
    int index = -1;
    editor->getCursorPosition(&line, &index);
    return line + 1;
}

// A Lua server on ephemeral loopback ports running script.
inline qpalm::ServerConfig serverConfig(const QString &name, const QString &script)
{
    qpalm::ServerConfig config;
    config.kind = qpalm::ServerKind::Server;
    config.name = name;
    config.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pullAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
    config.scriptPath = script;
    config.logLevel = qpalm::LogLevel::Info;
    return config;
}

// A client of a running server (connected, or null with a test failure noted by the caller).
inline std::unique_ptr<qpalm::Client> clientOf(qpalm::ServerHandle &server, int timeoutMs)
{
    qpalm::Client::Options options;
    options.serverName = server.name().toStdString();
    options.dbAddress = server.address(QStringLiteral("db_address")).toStdString();
    options.timeoutMs = timeoutMs;
    auto client = std::make_unique<qpalm::Client>(options);
    if (!client->connect())
        return nullptr;
    return client;
}

// Under QPALM_SCREENSHOT_DIR (run under xvfb-run), saves widget's grab there as name.
inline void saveShot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("QPALM_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    widget->show();
    QTest::qWait(400);
    QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
}

// A test class's scratch folder: path(name) is a file in it.
class ScratchFolder
{
protected:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    bool scratchIsValid() const { return m_dir.isValid(); }
    QTemporaryDir m_dir;
};

} // namespace editortest
