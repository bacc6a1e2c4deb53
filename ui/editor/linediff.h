// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace qpalm {

// A unified diff ("--- a", "+++ b", "@@ -l,n +l,n @@" hunks with context lines) of two texts
// compared line by line (longest common subsequence); empty when they are equal.
QString unifiedDiff(const QString &before, const QString &after, const QString &beforeName,
                    const QString &afterName, int context = 3);

} // namespace qpalm
