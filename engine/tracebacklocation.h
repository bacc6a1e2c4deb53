// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace qpalm {

// A script position named by an error message or a traceback (file as written there, 1-based line).
struct SourceLocation
{
    QString file;
    int line = 0;
    bool isValid() const { return line > 0 && !file.isEmpty(); }
    bool operator==(const SourceLocation &) const = default;
};

// The position one traceback line points at: "  error.lua:7: in function 'foo'",
// "[string \"x\"]:3:" (file "x"), "/path/to/file.lua:12:", Python's "File \"a.py\", line 3".
SourceLocation parseSourceLocation(QStringView line);
// The first position in a traceback that is a real file (skips "[C]:" and header lines).
SourceLocation firstFrame(const QString &traceback);
// Every "x.lua:N" of a Lua error or traceback and every 'File "x.py", line N' of a Python one,
// in order, without duplicates.
QList<SourceLocation> sourceLocations(const QString &text);
// The line of the first ":N:" in text (a chunk that is not a path); 0 when there is none.
int firstLineNumber(const QString &text);

} // namespace qpalm
