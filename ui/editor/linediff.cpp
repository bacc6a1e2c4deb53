// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "linediff.h"

#include <QList>

#include <vector>

namespace qpalm {

namespace {

enum class Op { Same, Remove, Add };
struct Step
{
    Op op;
    int a; // 0-based line in before (Same, Remove)
    int b; // 0-based line in after (Same, Add)
};

QStringList linesOf(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // the final newline ends the last line
    return lines;
}

// The edit script from a to b: common prefix and suffix, an LCS table for the middle (a middle too
// large for the table is shown as replaced whole).
QList<Step> diffSteps(const QStringList &a, const QStringList &b)
{
    QList<Step> steps;
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    for (int i = 0; i < prefix; ++i)
        steps.append({Op::Same, i, i});
    const int n = int(a.size()) - prefix - suffix;
    const int m = int(b.size()) - prefix - suffix;
    if (qint64(n) * m <= 16'000'000) {
        // lcs[i][j]: the LCS length of a[prefix+i..] and b[prefix+j..].
        std::vector<int> lcs(size_t(n + 1) * size_t(m + 1), 0);
        auto at = [&lcs, m](int i, int j) -> int & { return lcs[size_t(i) * size_t(m + 1) + j]; };
        for (int i = n - 1; i >= 0; --i)
            for (int j = m - 1; j >= 0; --j)
                at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1
                                                          : std::max(at(i + 1, j), at(i, j + 1));
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
                steps.append({Op::Same, prefix + i++, prefix + j++});
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                steps.append({Op::Remove, prefix + i++, prefix + j}); // "-" before "+"
            } else {
                steps.append({Op::Add, prefix + i, prefix + j++});
            }
        }
    } else {
        for (int i = 0; i < n; ++i)
            steps.append({Op::Remove, prefix + i, prefix});
        for (int j = 0; j < m; ++j)
            steps.append({Op::Add, prefix + n, prefix + j});
    }
    for (int k = 0; k < suffix; ++k)
        steps.append({Op::Same, int(a.size()) - suffix + k, int(b.size()) - suffix + k});
    return steps;
}

} // namespace

QString unifiedDiff(const QString &before, const QString &after, const QString &beforeName,
                    const QString &afterName, int context)
{
    const QStringList a = linesOf(before);
    const QStringList b = linesOf(after);
    const QList<Step> steps = diffSteps(a, b);
    QString out;
    int k = 0;
    while (k < steps.size()) {
        // Find the next change, then grow the hunk while changes are within 2 * context lines.
        while (k < steps.size() && steps[k].op == Op::Same)
            ++k;
        if (k == steps.size())
            break;
        const int start = std::max(0, k - context);
        int end = k;
        int sameRun = 0;
        for (int s = k; s < steps.size(); ++s) {
            if (steps[s].op == Op::Same) {
                if (++sameRun > 2 * context)
                    break;
            } else {
                sameRun = 0;
                end = s;
            }
        }
        const int stop = std::min(int(steps.size()), end + 1 + context);
        int aCount = 0;
        int bCount = 0;
        QString body;
        for (int s = start; s < stop; ++s) {
            switch (steps[s].op) {
            case Op::Same:
                body += QLatin1Char(' ') + a[steps[s].a] + QLatin1Char('\n');
                ++aCount;
                ++bCount;
                break;
            case Op::Remove:
                body += QLatin1Char('-') + a[steps[s].a] + QLatin1Char('\n');
                ++aCount;
                break;
            case Op::Add:
                body += QLatin1Char('+') + b[steps[s].b] + QLatin1Char('\n');
                ++bCount;
                break;
            }
        }
        if (out.isEmpty())
            out = QStringLiteral("--- %1\n+++ %2\n").arg(beforeName, afterName);
        // Unified diff numbering: an empty side names the line before it.
        const int aStart = aCount == 0 ? steps[start].a : steps[start].a + 1;
        const int bStart = bCount == 0 ? steps[start].b : steps[start].b + 1;
        out +=
            QStringLiteral("@@ -%1,%2 +%3,%4 @@\n").arg(aStart).arg(aCount).arg(bStart).arg(bCount);
        out += body;
        k = stop;
    }
    return out;
}

} // namespace qpalm
