// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverbinary.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStringList>

namespace qpalm {

QString findServerBinary(QString *problem)
{
    const QString name = QStringLiteral("qpalm-server");
    QStringList tried;
    auto usable = [&tried](const QString &path) {
        tried << path;
        const QFileInfo info(path);
        return info.isFile() && info.isExecutable();
    };
    const QString fromEnv = qEnvironmentVariable("QPALM_SERVER");
    if (!fromEnv.isEmpty()) {
        if (usable(fromEnv))
            return QFileInfo(fromEnv).absoluteFilePath();
        *problem =
            QStringLiteral("$QPALM_SERVER is %1, which is not an executable file").arg(fromEnv);
        return {};
    }
    const QString here = QCoreApplication::applicationDirPath();
    QStringList candidates{here + u'/' + name};
#ifdef QPALM_BUILD_ROOT
    candidates << QStringLiteral(QPALM_BUILD_ROOT "/app/server/") + name;
#endif
    candidates << here + QStringLiteral("/../app/server/") + name
               << here + QStringLiteral("/../../app/server/") + name;
    for (const QString &candidate : std::as_const(candidates)) {
        if (usable(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    }
    const QString onPath = QStandardPaths::findExecutable(name);
    if (!onPath.isEmpty())
        return onPath;
    tried << QStringLiteral("PATH");
    *problem = QStringLiteral("cannot find qpalm-server to run it in a child process (looked at "
                              "%1; set QPALM_SERVER to its path)")
                   .arg(tried.join(QStringLiteral(", ")));
    return {};
}

} // namespace qpalm
