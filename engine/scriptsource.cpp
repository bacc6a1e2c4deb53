// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scriptsource.h"

#include <QFile>
#include <QFileInfo>

namespace qpalm {

ScriptSource readScriptSource(const QString &path, QString *errorText)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorText)
            *errorText =
                QStringLiteral("%1: cannot read the script: %2").arg(path, file.errorString());
        return {};
    }
    ScriptSource source;
    source.name = QFileInfo(path).fileName();
    source.content = file.readAll();
    source.path = path;
    return source;
}

} // namespace qpalm
