// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scripteditor.h"

#include "serverfollower.h"
#include "serverhandle.h"
#include "tracebacklocation.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qsciscintilla.h>
#include <Qsci/qscistyle.h>
#undef signals
#undef slots

#include <QFileInfo>
#include <QFontDatabase>

#include <algorithm>

// Error markers and annotations of the script editor.
namespace qpalm {

namespace {
constexpr int ErrorSymbolMarker = 8;
constexpr int ErrorLineMarker = 9;
constexpr int MarkerMask = (1 << ErrorSymbolMarker) | (1 << ErrorLineMarker);
constexpr int LineNumberMargin = 0;
constexpr int SymbolMargin = 1;

const QsciStyle &annotationStyle()
{
    static const QsciStyle style(-1, QStringLiteral("error annotation"), QColor(0x8b, 0x00, 0x00),
                                 QColor(0xff, 0xec, 0xec),
                                 QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return style;
}

QString firstLine(const QString &text)
{
    const qsizetype end = text.indexOf(QLatin1Char('\n'));
    return (end < 0 ? text : text.left(end)).trimmed();
}
} // namespace

void ScriptEditor::defineMargins(QsciScintilla *editor)
{
    editor->setMarginType(LineNumberMargin, QsciScintilla::NumberMargin);
    editor->setMarginLineNumbers(LineNumberMargin, true);
    editor->setMarginMarkerMask(LineNumberMargin, 0);
    editor->setMarginType(SymbolMargin, QsciScintilla::SymbolMargin);
    editor->setMarginWidth(SymbolMargin, 14);
    editor->setMarginMarkerMask(SymbolMargin, 1 << ErrorSymbolMarker);
    editor->setMarginSensitivity(SymbolMargin, false);
    editor->markerDefine(QsciScintilla::Circle, ErrorSymbolMarker);
    editor->setMarkerBackgroundColor(QColor(0xd0, 0x20, 0x20), ErrorSymbolMarker);
    editor->setMarkerForegroundColor(QColor(0x80, 0x00, 0x00), ErrorSymbolMarker);
    editor->markerDefine(QsciScintilla::Background, ErrorLineMarker);
    editor->setMarkerBackgroundColor(QColor(0xff, 0xd8, 0xd8), ErrorLineMarker);
    editor->setAnnotationDisplay(QsciScintilla::AnnotationBoxed);
}

QString ScriptEditor::resolve(const QString &file, const QString &fallbackFile) const
{
    // Lua names a script as it was loaded (often just "name.lua"): match it against the files we
    // know.
    QStringList known = m_files.values();
    if (!fallbackFile.isEmpty())
        known.prepend(normalized(fallbackFile));
    const QList<ServerHandle *> servers = m_servers->servers();
    for (const ServerHandle *server : servers) {
        if (!server->config().scriptPath.isEmpty())
            known.append(normalized(server->config().scriptPath));
    }
    QString tail = file;
    const bool shortened = tail.startsWith(QLatin1String("..."));
    if (shortened)
        tail = tail.mid(3);
    if (!shortened && QFileInfo(tail).isAbsolute())
        return normalized(tail);
    for (const QString &candidate : std::as_const(known)) {
        if (candidate == tail ||
            (candidate.endsWith(tail) &&
             (shortened || tail.startsWith(QLatin1Char('/')) ||
              candidate.at(candidate.size() - tail.size() - 1) == QLatin1Char('/'))))
            return candidate;
    }
    if (!shortened && QFileInfo::exists(tail))
        return normalized(tail);
    return {};
}

int ScriptEditor::markLocations(const QString &text, const QString &fallbackFile)
{
    clearMarkers();
    const QString message = firstLine(text);
    int placed = 0;
    const QList<SourceLocation> locations = sourceLocations(text);
    for (const SourceLocation &location : locations) {
        const QString file = resolve(location.file, fallbackFile);
        if (file.isEmpty())
            continue;
        // The annotation sits under the line already: drop the "file:line:" prefix.
        QString note = message;
        const QString prefix =
            location.file + QLatin1Char(':') + QString::number(location.line) + QLatin1Char(':');
        if (const qsizetype at = note.indexOf(prefix); at >= 0)
            note = note.mid(at + prefix.size()).trimmed();
        markError(file, location.line, placed == 0 ? note : QString());
        ++placed;
    }
    if (placed == 0 && !fallbackFile.isEmpty()) {
        // A chunk name that is not a path, e.g. [string "handlers"]:7: ...
        if (const int line = firstLineNumber(text); line > 0) {
            markError(fallbackFile, line, message);
            ++placed;
        }
    }
    return placed;
}

void ScriptEditor::markError(const QString &file, int line, const QString &message)
{
    const QString path = normalized(file);
    if (path.isEmpty() || line < 1)
        return;
    auto &marks = m_marks[path];
    for (const Mark &mark : std::as_const(marks)) {
        if (mark.line == line)
            return;
    }
    marks.append({line, message});
    if (QsciScintilla *editor = this->editor(path))
        renderMarks(editor, path);
}

void ScriptEditor::clearMarkers(const QString &file)
{
    if (file.isEmpty()) {
        m_marks.clear();
        for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
            renderMarks(it.key(), it.value());
        return;
    }
    const QString path = normalized(file);
    if (m_marks.remove(path) == 0)
        return;
    if (QsciScintilla *editor = this->editor(path))
        renderMarks(editor, path);
}

void ScriptEditor::renderMarks(QsciScintilla *editor, const QString &file)
{
    const bool wasLoading = m_loading;
    m_loading = true; // annotations do not count as edits
    editor->markerDeleteAll(ErrorSymbolMarker);
    editor->markerDeleteAll(ErrorLineMarker);
    editor->clearAnnotations();
    const auto marks = m_marks.value(file);
    for (const Mark &mark : marks) {
        const int line = std::min(mark.line, std::max(1, editor->lines())) - 1;
        editor->markerAdd(line, ErrorSymbolMarker);
        editor->markerAdd(line, ErrorLineMarker);
        if (!mark.message.isEmpty())
            editor->annotate(line, mark.message, annotationStyle());
    }
    m_loading = wasLoading;
}

QList<int> ScriptEditor::markedLines(const QString &file) const
{
    const QString path = normalized(file);
    QList<int> lines;
    if (const QsciScintilla *editor = this->editor(path)) {
        for (int line = editor->markerFindNext(0, MarkerMask); line >= 0;
             line = editor->markerFindNext(line + 1, MarkerMask))
            lines.append(line + 1);
        return lines;
    }
    for (const Mark &mark : m_marks.value(path))
        lines.append(mark.line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

} // namespace qpalm
