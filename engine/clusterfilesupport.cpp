// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterfilesupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonValue>

#include <cmath>

namespace qpalm {

std::optional<QString> nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("must not be empty");
    for (QChar c : name) {
        if (c.isSpace() || c == u'.' || c == u'\'' || c == u'"' || !c.isPrint())
            return QStringLiteral("'%1' must not contain spaces, dots or quotes").arg(name);
    }
    return std::nullopt;
}

std::optional<QString> scriptProblem(const QString &path)
{
    QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("script '%1' does not exist").arg(path);
    if (!info.isFile())
        return QStringLiteral("script '%1' is not a file").arg(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read script '%1': %2").arg(path, file.errorString());
    return std::nullopt;
}

namespace {

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

} // namespace

QString expected(const QString &what, const QJsonValue &value)
{
    return QStringLiteral("expected %1, got %2").arg(what, typeName(value));
}

std::optional<qint64> integerValue(const QJsonValue &value, qint64 min, qint64 max,
                                   QString *problem)
{
    if (!value.isDouble()) {
        *problem = expected(QStringLiteral("a whole number"), value);
        return std::nullopt;
    }
    const double d = value.toDouble();
    if (std::floor(d) != d || d < double(min) || d > double(max)) {
        *problem = QStringLiteral("expected a whole number from %1 to %2, got %3")
                       .arg(min)
                       .arg(max)
                       .arg(d);
        return std::nullopt;
    }
    return qint64(d);
}

} // namespace qpalm
