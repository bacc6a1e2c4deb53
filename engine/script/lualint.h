// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace qpalm {

// The first syntax error of a Lua chunk, as Lua's own parser reports it.
struct LuaSyntaxError
{
    int line = 0;     // 1-based; 0 when there is no error
    QString message;  // without the "name:line:" prefix, e.g. "unexpected symbol near 'end'"
    QString fullText; // as Lua words it, e.g. "worker.lua:3: unexpected symbol near 'end'"
    bool isError() const { return line > 0 || !fullText.isEmpty(); }
};

// Compiles source as a Lua 5.4 text chunk named chunkName (binary chunks are refused) without
// running anything, in a fresh state with no libraries; any thread.
LuaSyntaxError lintLua(const QByteArray &source, const QString &chunkName);

} // namespace qpalm
