// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>
#include <QList>

class QLineEdit;
class QTreeWidget;

namespace qpalm {

// One action with a shortcut, as Help > Keyboard Shortcuts lists it.
struct ShortcutEntry
{
    QString action;    // its text without mnemonics ("Start All")
    QString shortcuts; // native text, several joined by ", "
    QString tip;       // its tool tip or status tip
};

// Every action under root that has a shortcut, sorted by name (taken from the actions themselves,
// so the list never drifts from what the keys do).
QList<ShortcutEntry> collectShortcuts(const QWidget *root);

// Help > Keyboard Shortcuts: a filterable list of collectShortcuts().
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(const QWidget *root, QWidget *parent = nullptr);
    QTreeWidget *list() const { return m_list; }

private:
    QLineEdit *m_filter;
    QTreeWidget *m_list;
};

// Help > User Guide: the path through the app (open, watch, break, fix, Apply, export).
class UserGuideDialog : public QDialog
{
    Q_OBJECT
public:
    explicit UserGuideDialog(QWidget *parent = nullptr);
    // The guide as HTML.
    static QString html();
};

// Help > About: what qpalm is, its version and licence.
QString aboutText();

} // namespace qpalm
