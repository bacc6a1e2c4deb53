// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class QByteArray;

namespace qpalm {

// A key that appears twice in one JSON object (QJsonDocument silently keeps only one).
struct DuplicateJsonKey
{
    QString key;
    int line = 0;   // 1-based line of the second occurrence
    int entry = -1; // index in the root object's list it lies in (a cluster file's "servers")
};

// The first duplicate key in json, which must already be valid JSON.
std::optional<DuplicateJsonKey> findDuplicateKey(const QByteArray &json);

// The 1-based line where the value at path starts in json (valid JSON), e.g. {"servers", "#2",
// "attach", "control"} (array items as "#index", from 0); the line of the deepest part of the path
// found when the rest is not there; 0 when not even the first part is.
int jsonKeyLine(const QByteArray &json, const QStringList &path);

} // namespace qpalm
