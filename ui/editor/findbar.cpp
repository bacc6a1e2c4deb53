// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "findbar.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QCheckBox>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

namespace qpalm {

namespace {
QToolButton *textButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setAutoRaise(true);
    return button;
}
} // namespace

FindBar::FindBar(QWidget *parent) : QWidget(parent)
{
    m_find = new QLineEdit(this);
    m_find->setObjectName(QStringLiteral("findText"));
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    m_replace = new QLineEdit(this);
    m_replace->setObjectName(QStringLiteral("replaceText"));
    m_replace->setPlaceholderText(tr("Replace with (\\1 for a group)"));
    m_goto = new QLineEdit(this);
    m_goto->setObjectName(QStringLiteral("goToLineText"));
    m_goto->setPlaceholderText(tr("Line number"));
    m_goto->setValidator(new QIntValidator(1, 99999999, m_goto));
    m_regex = new QCheckBox(tr("Re&gex"), this);
    m_regex->setToolTip(tr("ECMAScript regular expression"));
    m_case = new QCheckBox(tr("C&ase"), this);
    m_word = new QCheckBox(tr("&Whole word"), this);
    m_wrap = new QCheckBox(tr("Wra&p"), this);
    m_wrap->setChecked(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("findStatus"));

    auto *previous = textButton(tr("◀"), tr("Find previous (Shift+F3)"), this);
    auto *next = textButton(tr("▶"), tr("Find next (F3)"), this);
    auto *close = textButton(QStringLiteral("✕"), tr("Close (Escape)"), this);
    auto *replaceOne = textButton(tr("Replace"), tr("Replace this match and find the next"), this);
    auto *replaceEvery =
        textButton(tr("Replace All"), tr("Replace every match (one undo step)"), this);
    replaceEvery->setObjectName(QStringLiteral("replaceAll"));
    auto *go = textButton(tr("Go"), tr("Go to the line (Return)"), this);

    m_findRow = new QWidget(this);
    auto *findLayout = new QHBoxLayout(m_findRow);
    findLayout->setContentsMargins(0, 0, 0, 0);
    findLayout->addWidget(m_find, 1);
    findLayout->addWidget(previous);
    findLayout->addWidget(next);
    for (QCheckBox *box : {m_regex, m_case, m_word, m_wrap})
        findLayout->addWidget(box);
    findLayout->addWidget(m_status);
    findLayout->addWidget(close);
    m_replaceRow = new QWidget(this);
    auto *replaceLayout = new QHBoxLayout(m_replaceRow);
    replaceLayout->setContentsMargins(0, 0, 0, 0);
    replaceLayout->addWidget(m_replace, 1);
    replaceLayout->addWidget(replaceOne);
    replaceLayout->addWidget(replaceEvery);
    m_gotoRow = new QWidget(this);
    auto *gotoLayout = new QHBoxLayout(m_gotoRow);
    gotoLayout->setContentsMargins(0, 0, 0, 0);
    gotoLayout->addWidget(new QLabel(tr("Go to line:"), m_gotoRow));
    gotoLayout->addWidget(m_goto);
    gotoLayout->addWidget(go);
    gotoLayout->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addWidget(m_findRow);
    layout->addWidget(m_replaceRow);
    layout->addWidget(m_gotoRow);

    connect(next, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(previous, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(close, &QToolButton::clicked, this, &FindBar::closeBar);
    connect(replaceOne, &QToolButton::clicked, this, &FindBar::replaceCurrent);
    connect(replaceEvery, &QToolButton::clicked, this, &FindBar::replaceAll);
    connect(go, &QToolButton::clicked, this, [this] { goToLine(m_goto->text().toInt()); });
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(true); });
    connect(m_replace, &QLineEdit::returnPressed, this, &FindBar::replaceCurrent);
    connect(m_goto, &QLineEdit::returnPressed, this, [this] {
        if (goToLine(m_goto->text().toInt()))
            closeBar();
    });
    for (QLineEdit *edit : {m_find, m_replace, m_goto})
        edit->installEventFilter(this);
    hide();
}

void FindBar::setEditor(QsciScintilla *editor)
{
    if (m_editor)
        disconnect(m_editor, &QObject::destroyed, this, nullptr);
    m_editor = editor;
    if (editor)
        connect(editor, &QObject::destroyed, this, [this] { setEditor(nullptr); });
    if (!editor)
        hide();
}

void FindBar::showFind(bool withReplace)
{
    if (!m_editor)
        return;
    if (m_editor->hasSelectedText() && !m_editor->selectedText().contains(QLatin1Char('\n')))
        m_find->setText(m_editor->selectedText());
    m_findRow->show();
    m_replaceRow->setVisible(withReplace);
    m_gotoRow->hide();
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindBar::showGoToLine()
{
    if (!m_editor)
        return;
    int line = 0;
    int index = 0;
    m_editor->getCursorPosition(&line, &index);
    m_findRow->hide();
    m_replaceRow->hide();
    m_gotoRow->show();
    m_goto->setText(QString::number(line + 1));
    m_goto->setPlaceholderText(tr("1 to %1").arg(m_editor->lines()));
    show();
    m_goto->setFocus();
    m_goto->selectAll();
}

void FindBar::setPattern(const QString &pattern)
{
    m_find->setText(pattern);
}

void FindBar::setReplacement(const QString &text)
{
    m_replace->setText(text);
}

void FindBar::setOptions(bool regex, bool caseSensitive, bool wholeWord, bool wrap)
{
    m_regex->setChecked(regex);
    m_case->setChecked(caseSensitive);
    m_word->setChecked(wholeWord);
    m_wrap->setChecked(wrap);
}

QString FindBar::statusText() const
{
    return m_status->text();
}

void FindBar::setStatus(const QString &text, bool isError)
{
    m_status->setText(text);
    m_status->setStyleSheet(isError ? QStringLiteral("color: #a01010;") : QString());
}

bool FindBar::findFrom(int line, int index, bool forward, bool wrap, bool show)
{
    const bool regex = m_regex->isChecked();
    return m_editor->findFirst(m_find->text(), regex, m_case->isChecked(), m_word->isChecked(),
                               wrap, forward, line, index, show, false, regex);
}

bool FindBar::findNext(bool forward)
{
    if (!m_editor || m_find->text().isEmpty())
        return false;
    if (m_regex->isChecked() && !QRegularExpression(m_find->text()).isValid()) {
        setStatus(tr("Invalid regular expression"), true);
        return false;
    }
    int lineFrom = 0, indexFrom = 0, lineTo = 0, indexTo = 0;
    if (m_editor->hasSelectedText()) {
        m_editor->getSelection(&lineFrom, &indexFrom, &lineTo, &indexTo);
    } else {
        m_editor->getCursorPosition(&lineFrom, &indexFrom);
        lineTo = lineFrom;
        indexTo = indexFrom;
    }
    const bool found = forward ? findFrom(lineTo, indexTo, true, m_wrap->isChecked(), true)
                               : findFrom(lineFrom, indexFrom, false, m_wrap->isChecked(), true);
    setStatus(found ? QString() : tr("No match for '%1'").arg(m_find->text()), !found);
    return found;
}

bool FindBar::selectionIsMatch() const
{
    if (!m_editor || !m_editor->hasSelectedText())
        return false;
    const QString selected = m_editor->selectedText();
    const QString pattern = m_find->text();
    if (m_regex->isChecked()) {
        QRegularExpression re(QRegularExpression::anchoredPattern(pattern),
                              m_case->isChecked() ? QRegularExpression::NoPatternOption
                                                  : QRegularExpression::CaseInsensitiveOption);
        return re.match(selected).hasMatch();
    }
    return selected.compare(pattern,
                            m_case->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive) == 0;
}

bool FindBar::replaceCurrent()
{
    if (!m_editor || m_find->text().isEmpty() || m_editor->isReadOnly())
        return false;
    if (selectionIsMatch()) {
        // Re-find the selected match so QScintilla's replace knows it (and its regex groups).
        int lineFrom = 0, indexFrom = 0, lineTo = 0, indexTo = 0;
        m_editor->getSelection(&lineFrom, &indexFrom, &lineTo, &indexTo);
        if (findFrom(lineFrom, indexFrom, true, false, true))
            m_editor->replace(m_replace->text());
    }
    return findNext(true);
}

int FindBar::replaceAll()
{
    if (!m_editor || m_find->text().isEmpty() || m_editor->isReadOnly())
        return 0;
    if (m_regex->isChecked() && !QRegularExpression(m_find->text()).isValid()) {
        setStatus(tr("Invalid regular expression"), true);
        return 0;
    }
    int line = 0;
    int index = 0;
    m_editor->getCursorPosition(&line, &index);
    int count = 0;
    bool emptyMatch = false;
    m_editor->beginUndoAction();
    for (bool found = findFrom(0, 0, true, false, false); found; found = m_editor->findNext()) {
        if (!m_editor->hasSelectedText()) {
            emptyMatch = true; // "^" or "x*": replacing would never advance
            break;
        }
        m_editor->replace(m_replace->text());
        if (++count > 10'000'000)
            break;
    }
    m_editor->endUndoAction();
    m_editor->setCursorPosition(std::min(line, m_editor->lines() - 1), 0);
    if (emptyMatch && count == 0)
        setStatus(tr("'%1' matches empty text; nothing replaced").arg(m_find->text()), true);
    else
        setStatus(count == 0 ? tr("No match for '%1'").arg(m_find->text())
                             : tr("%n replaced", nullptr, count),
                  count == 0);
    return count;
}

bool FindBar::goToLine(int line)
{
    if (!m_editor || line < 1)
        return false;
    const int target = std::min(line, std::max(1, m_editor->lines())) - 1;
    m_editor->setCursorPosition(target, 0);
    m_editor->ensureLineVisible(target);
    return true;
}

void FindBar::closeBar()
{
    hide();
    if (m_editor)
        m_editor->setFocus();
    Q_EMIT closed();
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            closeBar();
            return true;
        }
        if (watched == m_find && key->key() == Qt::Key_F3) {
            findNext(!(key->modifiers() & Qt::ShiftModifier));
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace qpalm
