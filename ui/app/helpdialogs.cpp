// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "helpdialogs.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QSet>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace qpalm {

QList<ShortcutEntry> collectShortcuts(const QWidget *root)
{
    QList<ShortcutEntry> entries;
    QSet<QString> seen;
    const QList<QAction *> actions = root->findChildren<QAction *>();
    for (const QAction *action : actions) {
        const QList<QKeySequence> keys = action->shortcuts();
        if (keys.isEmpty() || action->text().isEmpty())
            continue;
        QStringList texts;
        for (const QKeySequence &key : keys) {
            if (!key.isEmpty())
                texts.append(key.toString(QKeySequence::NativeText));
        }
        if (texts.isEmpty())
            continue;
        QString name = action->text();
        name.remove(QLatin1Char('&')).remove(QStringLiteral("…")).remove(QStringLiteral("..."));
        const QString key = name + QLatin1Char('\t') + texts.join(QLatin1String(", "));
        if (seen.contains(key))
            continue;
        seen.insert(key);
        QString tip = action->statusTip();
        if (tip.isEmpty() && action->toolTip() != QString(action->text()).remove(QLatin1Char('&')))
            tip = action->toolTip();
        entries.append({name, texts.join(QLatin1String(", ")), tip});
    }
    std::sort(entries.begin(), entries.end(), [](const ShortcutEntry &a, const ShortcutEntry &b) {
        return a.action.compare(b.action, Qt::CaseInsensitive) < 0;
    });
    return entries;
}

ShortcutsDialog::ShortcutsDialog(const QWidget *root, QWidget *parent)
    : QDialog(parent), m_filter(new QLineEdit(this)), m_list(new QTreeWidget(this))
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    setObjectName(QStringLiteral("shortcutsDialog"));
    m_filter->setPlaceholderText(tr("Filter by action or key"));
    m_filter->setClearButtonEnabled(true);
    m_list->setObjectName(QStringLiteral("shortcutsList"));
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    const QList<ShortcutEntry> entries = collectShortcuts(root);
    for (const ShortcutEntry &entry : entries) {
        auto *item = new QTreeWidgetItem(m_list, {entry.action, entry.shortcuts});
        item->setToolTip(0, entry.tip);
    }
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = m_list->topLevelItem(i);
            item->setHidden(!item->text(0).contains(text, Qt::CaseInsensitive) &&
                            !item->text(1).contains(text, Qt::CaseInsensitive));
        }
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(520, 560);
}

QString UserGuideDialog::html()
{
    return tr(
        "<h2>qpalm in six steps</h2>"
        "<ol>"
        "<li><b>Open.</b> <i>File &gt; Open</i> (Ctrl+O) reads a cluster file: one entry per "
        "server (server, master, hub, worker, pipeline, sink), with its addresses and Lua script. "
        "Without a file, qpalm runs the demo. Opening asks whether to start the servers "
        "(<i>Settings &gt; Preferences</i> changes that). <i>Start All</i> (F5) starts them "
        "in order: what binds first, workers last.</li>"
        "<li><b>Watch.</b> The <i>Cluster</i> panel shows each server's state, uptime, restarts, "
        "message rates, backlog and errors; workers sit under their entry. The <i>Topology</i> "
        "shows who talks to whom. The <i>Log</i> holds every server's records; double-click a "
        "server to see only its log.</li>"
        "<li><b>Send work.</b> The <i>Client</i> panel sends jobs to an entry server, as a pylm "
        "client does (function, payload, count, rate), and shows the replies and latencies. The "
        "<i>Cache</i> panel reads and writes a master's cache, and saves or restores all of it "
        "(<i>Snapshot</i>) so a test starts from a known state.</li>"
        "<li><b>Break.</b> A script error does not stop a server: the message is answered with "
        "an error, and the <i>Errors</i> panel groups it with its traceback. A server that cannot "
        "start says why in its State column.</li>"
        "<li><b>Fix and Apply.</b> Click a traceback line: the script opens at that line. Edit it "
        "and press <i>Apply</i> (Ctrl+Return): the running servers swap scripts between two "
        "messages, and the cluster keeps serving. <i>Save</i> (Ctrl+S) only writes the file. "
        "<i>Edit Server</i> (Ctrl+E) changes an entry; replicas change without a restart. "
        "Then select the error and press <i>Replay</i> to check the fix on the input that "
        "failed: after a handler or scatter error its message goes in again as a client's and "
        "the answer is shown; after a gather or handle_stream error the server runs its current "
        "gather or handle_stream on the recorded input and the panel shows what it gave (or the "
        "new traceback), sending nothing on. Where that cannot be done (a server in another "
        "process) Replay is off and its tooltip says why.</li>"
        "<li><b>Export.</b> <i>File &gt; Save</i> writes the cluster file; the log exports from "
        "its panel; run the same file headless with <tt>qpalm-server</tt>.</li>"
        "</ol>"
        "<p><i>Help &gt; Keyboard Shortcuts</i> lists every key.</p>");
}

UserGuideDialog::UserGuideDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("qpalm User Guide"));
    setObjectName(QStringLiteral("userGuideDialog"));
    auto *text = new QTextBrowser(this);
    text->setObjectName(QStringLiteral("userGuideText"));
    text->setHtml(html());
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(buttons);
    resize(640, 560);
}

QString aboutText()
{
    return QDialog::tr(
               "<h3>qpalm %1</h3>"
               "<p>A desktop cluster manager and a native engine for PALM message clusters, "
               "wire-compatible with pylm: servers, masters with workers, hubs, pipelines and "
               "sinks over ZeroMQ, scripted in Lua, watched and fixed while they run.</p>"
               "<p>Copyright © 2026 The qpalm developers.<br>"
               "qpalm is free software: you can redistribute it and/or modify it under the terms "
               "of the GNU General Public License, version 3 or (at your option) any later "
               "version (GPL-3.0-or-later). It comes with no warranty.</p>"
               "<p>Built with Qt %2, ZeroMQ, Lua 5.4, Protocol Buffers and QScintilla.</p>")
        .arg(QStringLiteral(QPALM_VERSION), QString::fromLatin1(qVersion()));
}

} // namespace qpalm
