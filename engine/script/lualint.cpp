// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "lualint.h"

#include <lauxlib.h>
#include <lua.h>

#include <QRegularExpression>

#include <memory>

namespace qpalm {

LuaSyntaxError lintLua(const QByteArray &source, const QString &chunkName)
{
    LuaSyntaxError result;
    const std::unique_ptr<lua_State, decltype(&lua_close)> state(luaL_newstate(), &lua_close);
    if (!state) {
        result.fullText =
            QStringLiteral("%1: out of memory while checking the syntax").arg(chunkName);
        result.message = result.fullText;
        return result;
    }
    // "=name": Lua prints the name as given, so messages read "name:line: ...".
    const QByteArray name = "=" + chunkName.toUtf8();
    const int status = luaL_loadbufferx(state.get(), source.constData(), size_t(source.size()),
                                        name.constData(), "t");
    if (status == LUA_OK)
        return result;
    const char *text = lua_tostring(state.get(), -1);
    result.fullText =
        text ? QString::fromUtf8(text) : QStringLiteral("%1: cannot load").arg(chunkName);
    const QString prefix = chunkName + QLatin1Char(':');
    if (result.fullText.startsWith(prefix)) {
        static const QRegularExpression lineAt(QStringLiteral("^(\\d+):\\s*"));
        const QRegularExpressionMatch match = lineAt.match(result.fullText.mid(prefix.size()));
        if (match.hasMatch()) {
            result.line = match.captured(1).toInt();
            result.message = result.fullText.mid(prefix.size() + match.capturedLength());
            return result;
        }
    }
    result.message = result.fullText;
    return result;
}

} // namespace qpalm
