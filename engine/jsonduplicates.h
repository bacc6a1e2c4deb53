// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

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

} // namespace qpalm
