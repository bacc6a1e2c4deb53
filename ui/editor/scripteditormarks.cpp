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
constexpr int ErrorIndicator = 8; // a squiggle under the marked line's text

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
    editor->indicatorDefine(QsciScintilla::SquiggleIndicator, ErrorIndicator);
    editor->setIndicatorForegroundColor(QColor(0xd0, 0x20, 0x20), ErrorIndicator);
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
    return addLocations(text, fallbackFile, true);
}

int ScriptEditor::countRuntimeError(const QString &text, const QString &fallbackFile)
{
    // The line that raised: the first location named (Lua puts it in the message).
    QList<SourceLocation> locations = sourceLocations(text);
    if (const SourceLocation frame = firstFrame(text); frame.isValid() && locations.isEmpty())
        locations.append(frame);
    QString file;
    int line = 0;
    for (const SourceLocation &location : std::as_const(locations)) {
        file = resolve(location.file, fallbackFile);
        if (!file.isEmpty()) {
            line = location.line;
            break;
        }
    }
    if (file.isEmpty() || line < 1)
        return 0;
    QString message = firstLine(text);
    const QString prefix = QStringLiteral(":%1:").arg(line);
    if (const qsizetype at = message.indexOf(prefix); at >= 0)
        message = message.mid(at + prefix.size()).trimmed();
    auto &marks = m_marks[file];
    auto it = std::find_if(marks.begin(), marks.end(),
                           [line](const Mark &mark) { return mark.line == line; });
    if (it == marks.end())
        it = marks.insert(marks.end(), {line, message, 0});
    it->count += 1;
    it->message = message;
    const int count = it->count;
    if (QsciScintilla *editor = this->editor(file))
        renderMarks(editor, file);
    return count;
}

int ScriptEditor::errorCount(const QString &file, int line) const
{
    for (const Mark &mark : m_marks.value(normalized(file))) {
        if (mark.line == line)
            return mark.count;
    }
    return 0;
}

int ScriptEditor::addLocations(const QString &text, const QString &fallbackFile, bool bareLines)
{
    const QString message = firstLine(text);
    int placed = 0;
    QList<SourceLocation> locations = sourceLocations(text);
    if (const SourceLocation frame = firstFrame(text); locations.isEmpty() && frame.isValid())
        locations.append(frame); // a Python traceback: File "x.py", line N

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
    if (placed == 0 && bareLines && !fallbackFile.isEmpty()) {
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
    editor->clearIndicatorRange(0, 0, std::max(0, editor->lines() - 1),
                                editor->text(std::max(0, editor->lines() - 1)).size(),
                                ErrorIndicator);
    const auto marks = m_marks.value(file);
    for (const Mark &mark : marks) {
        const int line = std::min(mark.line, std::max(1, editor->lines())) - 1;
        editor->markerAdd(line, ErrorSymbolMarker);
        editor->markerAdd(line, ErrorLineMarker);
        const QString text = editor->text(line);
        int first = 0;
        while (first < text.size() && text.at(first).isSpace())
            ++first;
        int end = int(text.size());
        while (end > 0 && text.at(end - 1).isSpace())
            --end;
        if (end > first)
            editor->fillIndicatorRange(line, first, line, end, ErrorIndicator);
        QString note = mark.message;
        if (mark.count > 0)
            note = (mark.count == 1 ? tr("1 error") : tr("%1 errors").arg(mark.count)) +
                   (note.isEmpty() ? QString() : QStringLiteral(": ") + note);
        if (!note.isEmpty())
            editor->annotate(line, note, annotationStyle());
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
