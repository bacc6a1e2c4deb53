// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QJsonValue;

namespace qpalm {

struct ClusterError;
struct ServerConfig;

// Reads one entry of a cluster file's "servers" list strictly (unknown keys, keys the kind does not
// take and missing required keys are errors); label names the entry until its name is known.
bool parseClusterEntry(const QJsonValue &entry, const QString &label, const QString &baseDir,
                       ServerConfig *config, ClusterError *error);

} // namespace qpalm
