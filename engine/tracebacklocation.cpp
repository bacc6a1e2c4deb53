// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tracebacklocation.h"

#include <QRegularExpression>

#include <algorithm>

namespace qpalm {

namespace {

bool hasLetterExtension(QStringView file)
{
    const qsizetype dot = file.lastIndexOf(QLatin1Char('.'));
    if (dot < 0 || dot + 1 >= file.size() || !file.at(dot + 1).isLetter())
        return false;
    for (qsizetype i = dot + 1; i < file.size(); ++i) {
        const QChar c = file.at(i);
        if (!c.isLetterOrNumber() && c != QLatin1Char('_'))
            return false;
    }
    return true;
}

// Digits at s[from..), returned as a line number (0 when none or too large); `end` past them.
int parseLineNumber(QStringView s, qsizetype from, qsizetype *end)
{
    qsizetype j = from;
    while (j < s.size() && s.at(j).isDigit() && s.at(j).unicode() < 128)
        ++j;
    *end = j;
    if (j == from || j - from > 9)
        return 0;
    return s.mid(from, j - from).toInt();
}

} // namespace

SourceLocation parseSourceLocation(QStringView line)
{
    const QStringView s = line.trimmed();
    qsizetype end = 0;

    // Python: File "path.py", line 12, in foo
    if (s.startsWith(u"File \"")) {
        const qsizetype q = s.indexOf(QLatin1Char('"'), 6);
        if (q > 6 && s.mid(q).startsWith(u"\", line ")) {
            const int n = parseLineNumber(s, q + 8, &end);
            if (n > 0)
                return {s.mid(6, q - 6).toString(), n};
        }
        return {};
    }

    // Lua chunk loaded from a string: [string "name"]:3:
    if (s.startsWith(u"[string \"")) {
        const qsizetype q = s.indexOf(u"\"]:", 9);
        if (q >= 9) {
            const int n = parseLineNumber(s, q + 3, &end);
            if (n > 0 && (end == s.size() || s.at(end) == QLatin1Char(':')))
                return {s.mid(9, q - 9).toString(), n};
        }
        return {};
    }

    // file:line: (Lua, compilers); file:line at the end of the line only with an extension.
    for (qsizetype i = 1; i + 1 < s.size(); ++i) {
        if (s.at(i) != QLatin1Char(':') || !s.at(i + 1).isDigit())
            continue;
        const int n = parseLineNumber(s, i + 1, &end);
        const bool colonAfter = end < s.size() && s.at(end) == QLatin1Char(':');
        if (!colonAfter && end != s.size())
            continue;
        const QStringView file = s.left(i);
        if (n <= 0 || file.startsWith(QLatin1Char('[')) || file.startsWith(QLatin1Char('<')))
            return {};
        bool hasSpace = false;
        for (QChar c : file) {
            if (c.isSpace()) {
                hasSpace = true;
                break;
            }
        }
        const bool hasSeparator =
            file.contains(QLatin1Char('/')) || file.contains(QLatin1Char('\\'));
        if ((!colonAfter || hasSpace) && !hasLetterExtension(file))
            return {};
        if (hasSpace && !hasSeparator)
            return {};
        return {file.toString(), n};
    }
    return {};
}

SourceLocation firstFrame(const QString &traceback)
{
    const QList<QStringView> lines = QStringView(traceback).split(QLatin1Char('\n'));
    bool python = false;
    qsizetype header = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QStringView t = lines.at(i).trimmed();
        if (t == u"Traceback (most recent call last):")
            python = true;
        else if (header < 0 && t == u"stack traceback:")
            header = i;
    }
    if (python) {
        // The innermost frame is the last "File" line.
        for (qsizetype i = lines.size() - 1; i >= 0; --i) {
            if (lines.at(i).trimmed().startsWith(u"File \"")) {
                const SourceLocation loc = parseSourceLocation(lines.at(i));
                if (loc.isValid())
                    return loc;
            }
        }
        return {};
    }
    for (qsizetype i = header + 1; i < lines.size(); ++i) {
        const SourceLocation loc = parseSourceLocation(lines.at(i));
        if (loc.isValid())
            return loc;
    }
    for (qsizetype i = 0; i < header; ++i) {
        const SourceLocation loc = parseSourceLocation(lines.at(i));
        if (loc.isValid())
            return loc;
    }
    return {};
}

QList<SourceLocation> sourceLocations(const QString &text)
{
    // Lua writes "chunk:line:" where chunk is the script path, shortened to "...tail" when long.
    static const QRegularExpression pattern(
        QStringLiteral(R"((?:^|(?<=[\s'"(\[<]))((?:\.\.\.)?[^\s:'"()\[\]<>]*?\.lua):(\d+)\b)"));
    // Python writes 'File "path.py", line 12, in foo' (pylm workers run under qpalm).
    static const QRegularExpression python(QStringLiteral(R"re(File "([^"\n]+)", line (\d+))re"));
    QList<std::pair<qsizetype, SourceLocation>> found;
    for (const QRegularExpression *re : {&pattern, &python}) {
        auto it = re->globalMatch(text);
        while (it.hasNext()) {
            const auto match = it.next();
            found.append({match.capturedStart(), {match.captured(1), match.captured(2).toInt()}});
        }
    }
    std::sort(found.begin(), found.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<SourceLocation> out;
    for (const auto &[offset, location] : std::as_const(found)) {
        if (location.line > 0 && !out.contains(location))
            out.append(location);
    }
    return out;
}

int firstLineNumber(const QString &text)
{
    // A chunk name that is not a path, e.g. [string "handlers"]:7: ...
    static const QRegularExpression anyLine(QStringLiteral(R"(\]?:(\d+):)"));
    const auto match = anyLine.match(text);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

} // namespace qpalm
