// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace qpalm {

// A script as plain data: what runs is name + content, wherever the server runs.
struct ScriptSource
{
    QString name;       // what tracebacks show, e.g. worker.lua
    QByteArray content; // the Lua source
    QString path;       // where the editing side keeps the file; may be empty

    bool isEmpty() const { return name.isEmpty() && content.isEmpty(); }
    bool operator==(const ScriptSource &) const = default;
};

// Reads a script file into a source named after the file; nullopt-like empty source with the
// reason in errorText when it cannot be read.
ScriptSource readScriptSource(const QString &path, QString *errorText = nullptr);

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::ScriptSource)
