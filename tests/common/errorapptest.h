// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared setup of the app-level error suites (ui_errorflow, tst_ui_log_errorcount): Lua scripts
// and a cluster file of servers on ephemeral loopback ports in a temporary folder, and the app's
// MainWindow (its own settings file, asking nothing) that opens and starts it.

#include "appsettings.h"
#include "mainwindow.h"

#include <QByteArrayList>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace errorapptest {

inline bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// One cluster-file entry: a standalone server running script (a file in the cluster's folder);
// extra is more JSON members (e.g. "\"limits\": {\"time_ms\": 1500}").
inline QByteArray serverEntry(const QByteArray &name, const QByteArray &script,
                              const QByteArray &extra = {})
{
    return "{\"kind\": \"server\", \"name\": \"" + name + "\", \"script\": \"" + script + "\", " +
           (extra.isEmpty() ? QByteArray() : extra + ", ") +
           "\"db_address\": \"tcp://127.0.0.1:*\", \"pull_address\": \"tcp://127.0.0.1:*\", "
           "\"pub_address\": \"tcp://127.0.0.1:*\"}";
}

// A main window over a temporary folder; declare it first in a test, use window, then open().
struct App
{
    QTemporaryDir dir;
    qpalm::AppSettings settings{dir.filePath(QStringLiteral("settings.ini"))};
    qpalm::MainWindow window{&settings};

    App() { window.setInteractive(false); }
    QString path(const QString &name) const { return dir.filePath(name); }
    // Writes a file into the folder; false when it could not.
    bool write(const QString &name, const QByteArray &data) const
    {
        return writeFile(path(name), data);
    }
    // Writes cluster.json with these entries, shows the window when asked, opens the file and
    // starts its servers; false with the reason in window.lastError() (or "not exposed").
    bool open(const QByteArrayList &entries, bool show = true)
    {
        const QString cluster = path(QStringLiteral("cluster.json"));
        if (!writeFile(cluster, "{\"servers\": [" + entries.join(", ") + "]}"))
            return false;
        if (show) {
            window.show();
            if (!QTest::qWaitForWindowExposed(&window))
                return false;
        }
        return window.openClusterFile(cluster, true);
    }
};

} // namespace errorapptest
