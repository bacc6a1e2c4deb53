// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "scripteditor.h"

#include <memory>

#include "findbar.h"
#include "serverfollower.h"
#include "serverhandle.h"
#include "tabnames.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexerlua.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qsciscintilla.h>
#undef signals
#undef slots

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSaveFile>
#include <QStringDecoder>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace qpalm {

ScriptEditor::ScriptEditor(QWidget *parent) : QWidget(parent)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);

    m_saveAction = new QAction(tr("&Save Script"), this);
    m_saveAction->setIconText(tr("Save"));
    m_saveAction->setObjectName(QStringLiteral("saveScript"));
    m_saveAction->setToolTip(tr("Save the script (Ctrl+S in the editor)"));
    m_applyAction = new QAction(tr("&Apply Script"), this);
    m_applyAction->setIconText(tr("Apply"));
    m_applyAction->setObjectName(QStringLiteral("applyScript"));
    m_applyAction->setToolTip(
        tr("Save and hot-reload into every running server that uses this script "
           "(Ctrl+Return in the editor); on error they keep the old script"));
    m_revertAction = new QAction(tr("&Revert Script"), this);
    m_revertAction->setIconText(tr("Revert"));
    m_revertAction->setObjectName(QStringLiteral("revertScript"));
    m_revertAction->setToolTip(tr("Drop the edits and reload the file from disk"));
    connect(m_saveAction, &QAction::triggered, this, [this] { save(); });
    connect(m_applyAction, &QAction::triggered, this, [this] { apply(); });
    connect(m_revertAction, &QAction::triggered, this, [this] { revert(); });

    auto *bar = new QHBoxLayout;
    for (QAction *action : {m_saveAction, m_applyAction, m_revertAction}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
    }
    m_serversLabel = new QLabel(this);
    m_serversLabel->setObjectName(QStringLiteral("usedBy"));
    bar->addSpacing(12);
    bar->addWidget(m_serversLabel, 1);

    m_findBar = new FindBar(this);
    m_findBar->setObjectName(QStringLiteral("findBar"));
    createEditActions();
    const QList<QLineEdit *> fields = m_findBar->findChildren<QLineEdit *>();
    for (QLineEdit *field : fields)
        field->installEventFilter(this);
    for (QAction *action : {m_diffAction}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->insertWidget(3, button);
    }

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_findBar);
    layout->addWidget(m_status);

    m_servers = new ServerFollower(this);
    connect(m_servers, &ServerFollower::serversChanged, this, &ScriptEditor::updateServersLabel);
    connect(m_servers, &ServerFollower::serverStateChanged, this,
            &ScriptEditor::onServerStateChanged);
    connect(m_servers, &ServerFollower::serversChanged, this, &ScriptEditor::followServers);

    m_watcher = new QFileSystemWatcher(this);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &ScriptEditor::onFileChangedOnDisk);

    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        auto *editor = qobject_cast<QsciScintilla *>(m_tabs->widget(index));
        if (!editor)
            return;
        const QString file = fileOf(editor);
        if (editor->isModified()) {
            const auto answer = QMessageBox::question(
                this, tr("Close Script"),
                tr("%1 has unsaved changes.").arg(QFileInfo(file).fileName()),
                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
            if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !save(file)))
                return;
        }
        closeFile(file, true);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        m_findBar->setEditor(qobject_cast<QsciScintilla *>(m_tabs->currentWidget()));
        updateActions();
        updateServersLabel();
        Q_EMIT currentFileChanged(currentFile());
    });
    updateActions();
}

ScriptEditor::~ScriptEditor() = default;

QString ScriptEditor::normalized(const QString &file)
{
    if (file.isEmpty())
        return {};
    const QFileInfo info(file);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

QsciScintilla *ScriptEditor::createEditor(const QString &file)
{
    auto *editor = new QsciScintilla;
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    // Python for the tracebacks of Python peers; Lua for everything else.
    QsciLexer *lexer = nullptr;
    if (file.endsWith(QLatin1String(".py"), Qt::CaseInsensitive))
        lexer = new QsciLexerPython(editor);
    else
        lexer = new QsciLexerLua(editor);
    lexer->setDefaultFont(font);
    lexer->setFont(font);
    editor->setLexer(lexer);
    editor->setUtf8(true);
    editor->setFont(font);
    editor->setMarginsFont(font);
    editor->setAutoIndent(true);
    editor->setIndentationsUseTabs(false);
    editor->setTabWidth(4);
    editor->setIndentationGuides(true);
    editor->setBraceMatching(QsciScintilla::SloppyBraceMatch);
    editor->setCaretLineVisible(true);
    editor->setCaretLineBackgroundColor(QColor(0xf4, 0xf4, 0xf8));
    editor->setEolMode(QsciScintilla::EolUnix);
    editor->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTH, 1);
    editor->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTHTRACKING, 1);

    defineMargins(editor);

    auto fitLineNumbers = [editor] { // margin 0 holds the line numbers
        editor->setMarginWidth(0, QStringLiteral("0%1").arg(std::max(100, editor->lines())));
    };
    fitLineNumbers();
    connect(editor, &QsciScintilla::linesChanged, editor, fitLineNumbers);
    connect(editor, &QsciScintilla::modificationChanged, this, [this, editor] {
        updateTabTitles();
        updateActions();
    });
    connect(editor, &QsciScintilla::textChanged, this, [this, editor] {
        if (!m_loading)
            clearMarkers(fileOf(editor));
    });
    editor->installEventFilter(this);
    return editor;
}

bool ScriptEditor::eventFilter(QObject *watched, QEvent *event)
{
    // The find bar's fields take the editor's find and go-to keys too (Escape is the bar's own).
    if (watched != this && watched->parent() &&
        m_findBar->isAncestorOf(qobject_cast<QWidget *>(watched)) &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() != Qt::Key_Escape &&
            handleEditorKey(key, event->type() == QEvent::KeyPress)) {
            event->accept();
            return true;
        }
    }
    auto *editor = qobject_cast<QsciScintilla *>(watched);
    if (editor &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (handleEditorKey(key, event->type() == QEvent::KeyPress)) {
            event->accept();
            return true;
        }
        const bool isSave = key->matches(QKeySequence::Save);
        const bool isApply = (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
                             key->modifiers() == Qt::ControlModifier;
        if (isSave || isApply) {
            // Claim the key before window shortcuts (a main window may bind Ctrl+S too).
            event->accept();
            if (event->type() == QEvent::KeyPress) {
                const QString file = fileOf(editor);
                if (isSave)
                    save(file);
                else
                    apply(file);
            }
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool ScriptEditor::fail(const QString &error)
{
    m_lastError = error;
    setStatus(error, true);
    return false;
}

QString ScriptEditor::statusText() const
{
    return m_status->text();
}

void ScriptEditor::setStatus(const QString &text, bool isError)
{
    m_status->setText(text);
    m_status->setStyleSheet(isError ? QStringLiteral("color: #a01010;") : QString());
    m_status->setVisible(!text.isEmpty());
}

bool ScriptEditor::load(QsciScintilla *editor, const QString &file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return fail(tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(file), in.errorString()));
    const QByteArray bytes = in.readAll();
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(bytes);
    m_loading = true;
    editor->setText(text);
    editor->setModified(false);
    m_loading = false;
    if (decoder.hasError())
        setStatus(tr("%1 is not valid UTF-8; saving it will replace the bad bytes.")
                      .arg(QDir::toNativeSeparators(file)),
                  true);
    return true;
}

bool ScriptEditor::open(const QString &file, int line)
{
    QString path = normalized(file);
    if (path.isEmpty())
        return fail(tr("No file name given."));
    if (!this->editor(path) && !QFileInfo(path).isFile()) {
        // A name from a traceback ("handlers.lua", "...ong/dir/handlers.lua"): an open or served
        // script.
        if (const QString found = resolve(file, {}); !found.isEmpty())
            path = found;
    }
    QsciScintilla *editor = this->editor(path);
    if (!editor) {
        if (!QFileInfo(path).isFile())
            return fail(tr("Cannot open %1: no such file.").arg(QDir::toNativeSeparators(path)));
        editor = createEditor(path);
        m_files.insert(editor, path);
        if (!load(editor, path)) {
            m_files.remove(editor);
            delete editor;
            return false;
        }
        const int index = m_tabs->addTab(editor, QFileInfo(path).fileName());
        m_tabs->setTabToolTip(index, QDir::toNativeSeparators(path));
        updateTabTitles();
        if (!m_watcher->files().contains(path))
            m_watcher->addPath(path);
        renderMarks(editor, path);
    }
    m_tabs->setCurrentWidget(editor);
    if (line > 0) {
        int last = editor->lines();
        if (last > 1 && editor->text(last - 1).isEmpty())
            --last; // the empty line after a final newline
        const int target = std::min(line, last) - 1;
        editor->setCursorPosition(target, 0);
        editor->ensureLineVisible(target);
    }
    editor->setFocus();
    return true;
}

bool ScriptEditor::closeFile(const QString &file, bool discardChanges)
{
    const QString path = normalized(file);
    QsciScintilla *editor = this->editor(path);
    if (!editor)
        return false;
    if (editor->isModified() && !discardChanges)
        return fail(tr("%1 has unsaved changes.").arg(QDir::toNativeSeparators(path)));
    m_tabs->removeTab(m_tabs->indexOf(editor));
    m_files.remove(editor);
    updateTabTitles();
    m_watcher->removePath(path);
    editor->deleteLater();
    return true;
}

QString ScriptEditor::currentFile() const
{
    return fileOf(qobject_cast<QsciScintilla *>(m_tabs->currentWidget()));
}

QStringList ScriptEditor::openFiles() const
{
    QStringList files;
    for (int i = 0; i < m_tabs->count(); ++i)
        files.append(fileOf(qobject_cast<QsciScintilla *>(m_tabs->widget(i))));
    return files;
}

bool ScriptEditor::isModified(const QString &file) const
{
    const QsciScintilla *editor = this->editor(file);
    return editor && editor->isModified();
}

bool ScriptEditor::hasUnsavedChanges() const
{
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (it.key()->isModified())
            return true;
    }
    return false;
}

bool ScriptEditor::confirmClose()
{
    if (!hasUnsavedChanges())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved Scripts"), tr("Some scripts have unsaved changes."),
        QMessageBox::SaveAll | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::SaveAll);
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || saveAll();
}

QsciScintilla *ScriptEditor::editor(const QString &file) const
{
    const QString path = normalized(file);
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (it.value() == path)
            return it.key();
    }
    return nullptr;
}

QString ScriptEditor::fileOf(const QsciScintilla *editor) const
{
    return editor ? m_files.value(const_cast<QsciScintilla *>(editor)) : QString();
}

bool ScriptEditor::save(const QString &file)
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    QsciScintilla *editor = this->editor(path);
    if (!editor)
        return fail(path.isEmpty() ? tr("No script is open.")
                                   : tr("%1 is not open.").arg(QDir::toNativeSeparators(path)));
    if (!writeScript(path, editor->text().toUtf8()))
        return false;
    editor->setModified(false);
    setStatus(tr("Saved %1.").arg(QFileInfo(path).fileName()), false);
    return true;
}

bool ScriptEditor::writeScript(const QString &path, const QByteArray &bytes)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return fail(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
    out.write(bytes);
    if (!out.commit())
        return fail(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
    if (QsciScintilla *editor = this->editor(path); editor && editor->text().toUtf8() == bytes)
        editor->setModified(false);
    // QSaveFile replaces the file, which drops it from the watcher.
    if (!m_watcher->files().contains(path))
        m_watcher->addPath(path);
    Q_EMIT fileSaved(path);
    return true;
}

bool ScriptEditor::saveAll()
{
    bool ok = true;
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (it.key()->isModified())
            ok = save(it.value()) && ok;
    }
    return ok;
}

bool ScriptEditor::revert(const QString &file)
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    QsciScintilla *editor = this->editor(path);
    if (!editor)
        return fail(path.isEmpty() ? tr("No script is open.")
                                   : tr("%1 is not open.").arg(QDir::toNativeSeparators(path)));
    int line = 0;
    int index = 0;
    editor->getCursorPosition(&line, &index);
    clearMarkers(path);
    if (!load(editor, path))
        return false;
    editor->setCursorPosition(std::min(line, editor->lines() - 1), 0);
    setStatus(tr("Reverted %1 to the file on disk.").arg(QFileInfo(path).fileName()), false);
    return true;
}

void ScriptEditor::onFileChangedOnDisk(const QString &file)
{
    if (QFileInfo::exists(file) && !m_watcher->files().contains(file))
        m_watcher->addPath(file);
    QsciScintilla *editor = this->editor(file);
    if (!editor)
        return;
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return;
    const QByteArray onDisk = in.readAll();
    if (onDisk == editor->text().toUtf8())
        return; // our own save
    if (editor->isModified()) {
        setStatus(tr("%1 changed on disk; Revert loads that version, Save overwrites it.")
                      .arg(QFileInfo(file).fileName()),
                  true);
        return;
    }
    int line = 0;
    int index = 0;
    editor->getCursorPosition(&line, &index);
    if (load(editor, file))
        editor->setCursorPosition(std::min(line, editor->lines() - 1), 0);
}

void ScriptEditor::setServers(const QList<ServerHandle *> &servers)
{
    m_servers->setServers(servers);
}

void ScriptEditor::setCluster(Cluster *cluster)
{
    m_servers->setCluster(cluster);
}

QList<ServerHandle *> ScriptEditor::serversForFile(const QString &file) const
{
    const QString path = normalized(file);
    QList<ServerHandle *> running;
    const QList<ServerHandle *> servers = m_servers->servers();
    for (ServerHandle *server : servers) {
        if (server->state() == ServerHandle::State::Running &&
            !server->config().scriptPath.isEmpty() &&
            normalized(server->config().scriptPath) == path)
            running.append(server);
    }
    return running;
}

void ScriptEditor::updateServersLabel()
{
    const QString file = currentFile();
    if (file.isEmpty()) {
        m_serversLabel->clear();
        return;
    }
    QStringList names;
    const auto servers = serversForFile(file);
    for (ServerHandle *server : servers)
        names.append(server->name());
    m_serversLabel->setText(names.isEmpty()
                                ? tr("No running server uses this script.")
                                : tr("Used by: %1").arg(names.join(QStringLiteral(", "))));
}

void ScriptEditor::updateTabTitles()
{
    // Same-named files (two worker.lua) are told apart by their folders.
    QStringList files;
    for (int i = 0; i < m_tabs->count(); ++i)
        files.append(fileOf(qobject_cast<QsciScintilla *>(m_tabs->widget(i))));
    const QStringList names = distinctTabNames(files);
    for (int i = 0; i < m_tabs->count(); ++i) {
        const auto *editor = qobject_cast<QsciScintilla *>(m_tabs->widget(i));
        const bool modified = editor && editor->isModified();
        m_tabs->setTabText(i, modified ? names.at(i) + QLatin1Char('*') : names.at(i));
    }
}

void ScriptEditor::updateActions()
{
    auto *editor = qobject_cast<QsciScintilla *>(m_tabs->currentWidget());
    m_saveAction->setEnabled(editor && editor->isModified());
    m_applyAction->setEnabled(editor != nullptr);
    m_revertAction->setEnabled(editor != nullptr);
    for (QAction *action :
         {m_findAction, m_replaceAction, m_findNextAction, m_findPreviousAction, m_goToLineAction})
        action->setEnabled(editor != nullptr);
    const bool running = editor && !serversForFile(fileOf(editor)).isEmpty();
    m_diffAction->setEnabled(running);
    m_revertToRunningAction->setEnabled(running);
}

} // namespace qpalm
