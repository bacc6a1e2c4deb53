// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the cluster-file reader, checker and writer (not public API).

#include <QString>

#include <optional>

class QJsonValue;

namespace qpalm {

// Names become topics and "name.method" entries: no whitespace, dots or quotes.
std::optional<QString> nameProblem(const QString &name);
// Why a script path cannot be read, or nullopt.
std::optional<QString> scriptProblem(const QString &path);
// "expected a list, got a number".
QString expected(const QString &what, const QJsonValue &value);
// A whole number in [min, max], or nullopt with the reason in problem.
std::optional<qint64> integerValue(const QJsonValue &value, qint64 min, qint64 max,
                                   QString *problem);

} // namespace qpalm
