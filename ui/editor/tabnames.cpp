// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tabnames.h"

#include <QDir>
#include <QHash>

namespace qpalm {

namespace {
// The last depth + 1 parts, joined by '/' (the whole path when there are fewer).
QString tail(const QStringList &parts, qsizetype depth, const QString &path)
{
    if (depth + 1 > parts.size())
        return QDir::toNativeSeparators(path);
    return QDir::toNativeSeparators(parts.mid(parts.size() - depth - 1).join(QLatin1Char('/')));
}
} // namespace

QStringList distinctTabNames(const QStringList &files)
{
    QList<QStringList> parts;
    QHash<QString, int> perName;
    for (const QString &file : files) {
        const QString clean = QDir::cleanPath(QDir::fromNativeSeparators(file));
        parts.append(clean.split(QLatin1Char('/'), Qt::SkipEmptyParts));
        if (parts.last().isEmpty())
            parts.last().append(clean);
        ++perName[parts.last().last()];
    }
    QStringList names;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QStringList &mine = parts.at(i);
        if (perName.value(mine.last()) < 2) {
            names.append(mine.last());
            continue;
        }
        // The shortest tail no other file of that name ends with (else the whole path).
        QString name = QDir::toNativeSeparators(files.at(i));
        for (qsizetype depth = 1; depth + 1 <= mine.size(); ++depth) {
            const QString candidate = tail(mine, depth, files.at(i));
            bool shared = false;
            for (qsizetype j = 0; j < files.size() && !shared; ++j)
                shared = j != i && parts.at(j).last() == mine.last() &&
                         tail(parts.at(j), depth, files.at(j)) == candidate;
            if (!shared) {
                name = candidate;
                break;
            }
        }
        names.append(name);
    }
    return names;
}

} // namespace qpalm
