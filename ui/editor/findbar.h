// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QsciScintilla;
class QToolButton;

namespace qpalm {

// The editor's find/replace and go-to-line bar, as in Qt Creator: searches one QsciScintilla
// with QScintilla's own search (ECMAScript regular expressions, case, whole word, wrap).
class FindBar : public QWidget
{
    Q_OBJECT
public:
    explicit FindBar(QWidget *parent = nullptr);

    // The editor searched (the current tab); nullptr hides the bar.
    void setEditor(QsciScintilla *editor);
    QsciScintilla *editor() const { return m_editor; }

    // Shows the find row (and the replace row), seeded with the selection, focus in the find field.
    void showFind(bool withReplace);
    // Shows the go-to-line field, focus in it.
    void showGoToLine();

    void setPattern(const QString &pattern);
    void setReplacement(const QString &text);
    void setOptions(bool regex, bool caseSensitive, bool wholeWord, bool wrap);

    // Selects the next (or previous) match from the selection; false (status says so) when none.
    bool findNext(bool forward = true);
    // Replaces the selected match (when it is one) and selects the next; false when none.
    bool replaceCurrent();
    // Replaces every match in the document as one undo step; returns how many.
    int replaceAll();
    // Puts the cursor on the 1-based line (clamped); false without an editor.
    bool goToLine(int line);
    // The bar's last outcome, e.g. "No match for 'x'", "3 replaced".
    QString statusText() const;

Q_SIGNALS:
    // GUI thread: the bar closed (Escape or the close button); the editor has the focus back.
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool findFrom(int line, int index, bool forward, bool wrap, bool show);
    bool selectionIsMatch() const;
    void closeBar();
    void setStatus(const QString &text, bool isError);

    QsciScintilla *m_editor = nullptr; // cleared when it is destroyed
    QWidget *m_findRow = nullptr;
    QWidget *m_replaceRow = nullptr;
    QWidget *m_gotoRow = nullptr;
    QLineEdit *m_find = nullptr;
    QLineEdit *m_replace = nullptr;
    QLineEdit *m_goto = nullptr;
    QCheckBox *m_regex = nullptr;
    QCheckBox *m_case = nullptr;
    QCheckBox *m_word = nullptr;
    QCheckBox *m_wrap = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace qpalm
