#include "scripteditor.h"

#include <memory>

#include <QPointer>

#include "cluster.h"
#include "serverhandle.h"

// QScintilla's headers use the signals/slots keywords that QT_NO_KEYWORDS removes.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexerlua.h>
#include <Qsci/qsciscintilla.h>
#include <Qsci/qscistyle.h>
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
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStringDecoder>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

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

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_status);

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

QsciScintilla *ScriptEditor::createEditor()
{
    auto *editor = new QsciScintilla;
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto *lexer = new QsciLexerLua(editor);
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

    auto fitLineNumbers = [editor] {
        editor->setMarginWidth(LineNumberMargin,
                               QStringLiteral("0%1").arg(std::max(100, editor->lines())));
    };
    fitLineNumbers();
    connect(editor, &QsciScintilla::linesChanged, editor, fitLineNumbers);
    connect(editor, &QsciScintilla::modificationChanged, this, [this, editor] {
        updateTabTitle(editor);
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
    auto *editor = qobject_cast<QsciScintilla *>(watched);
    if (editor &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
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
        editor = createEditor();
        m_files.insert(editor, path);
        if (!load(editor, path)) {
            m_files.remove(editor);
            delete editor;
            return false;
        }
        const int index = m_tabs->addTab(editor, QFileInfo(path).fileName());
        m_tabs->setTabToolTip(index, QDir::toNativeSeparators(path));
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
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return fail(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
    out.write(editor->text().toUtf8());
    if (!out.commit())
        return fail(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
    editor->setModified(false);
    // QSaveFile replaces the file, which drops it from the watcher.
    if (!m_watcher->files().contains(path))
        m_watcher->addPath(path);
    setStatus(tr("Saved %1.").arg(QFileInfo(path).fileName()), false);
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

bool ScriptEditor::apply(const QString &file)
{
    const QString path = file.isEmpty() ? currentFile() : normalized(file);
    if (!save(path))
        return false;
    clearMarkers();
    const QList<ServerHandle *> servers = serversForFile(path);
    const QString name = QFileInfo(path).fileName();
    if (servers.isEmpty()) {
        setStatus(tr("Saved %1; no running server uses it.").arg(name), false);
        updateServersLabel();
        Q_EMIT scriptApplied(path);
        return true;
    }
    if (m_applying.contains(path))
        return fail(tr("An Apply of %1 is still under way.").arg(name));
    // Each server swaps between two messages on its own thread; the answers come back queued,
    // so a server busy in a long handler never freezes the editor.
    struct Outcome
    {
        int pending = 0;
        QSet<const ServerHandle *> answered;
        QStringList reloaded;
        QStringList errors;
    };
    auto outcome = std::make_shared<Outcome>();
    outcome->pending = int(servers.size());
    auto *batch = new QObject(this);
    m_applying.insert(path);
    setStatus(tr("Applying %1...").arg(name), false);
    auto finishOne = [this, path, name, outcome, batch](const ServerHandle *server) {
        // One answer per server: a stop after its reload, or a late second signal, is ignored.
        if (outcome->pending <= 0 || outcome->answered.contains(server))
            return;
        outcome->answered.insert(server);
        if (--outcome->pending > 0)
            return;
        m_applying.remove(path);
        batch->deleteLater();
        if (!outcome->errors.isEmpty()) {
            QString message = tr("Apply of %1 failed; the old script keeps running.\n%2")
                                  .arg(name, outcome->errors.join(QLatin1Char('\n')));
            if (!outcome->reloaded.isEmpty())
                message += QLatin1Char('\n') +
                           tr("Reloaded on: %1").arg(outcome->reloaded.join(QStringLiteral(", ")));
            fail(message);
            Q_EMIT scriptApplyFailed(path, outcome->errors.join(QLatin1Char('\n')));
            return;
        }
        setStatus(tr("Applied %1 to %2.").arg(name, outcome->reloaded.join(QStringLiteral(", "))),
                  false);
        Q_EMIT scriptApplied(path);
    };
    for (ServerHandle *server : servers) {
        const QPointer<ServerHandle> guarded(server);
        connect(server, &ServerHandle::scriptReloaded, batch,
                [outcome, finishOne, guarded, path](const QString &reloadedPath) {
                    if (reloadedPath != path)
                        return;
                    if (!guarded || outcome->answered.contains(guarded.data()))
                        return;
                    outcome->reloaded.append(guarded->name());
                    finishOne(guarded.data());
                });
        connect(server, &ServerHandle::scriptReloadFailed, batch,
                [this, outcome, finishOne, guarded, path](const QString &reason) {
                    if (!guarded || outcome->answered.contains(guarded.data()))
                        return;
                    const QString error =
                        reason.isEmpty() ? tr("the reload failed without a reason") : reason;
                    outcome->errors.append(tr("%1: %2").arg(guarded->name(), error));
                    markLocations(error, path);
                    finishOne(guarded.data());
                });
        // A server that stops or goes away before it answers counts as failed.
        connect(server, &ServerHandle::stopped, batch, [this, outcome, finishOne, guarded] {
            if (!guarded || outcome->answered.contains(guarded.data()))
                return;
            outcome->errors.append(tr("%1: stopped before the reload").arg(guarded->name()));
            finishOne(guarded.data());
        });
    }
    for (ServerHandle *server : servers)
        server->requestScriptReload(path);
    return true;
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
    if (m_cluster)
        disconnect(m_cluster, nullptr, this, nullptr);
    m_cluster = nullptr;
    for (const auto &server : std::as_const(m_servers)) {
        if (server)
            disconnect(server, nullptr, this, nullptr);
    }
    m_servers.clear();
    for (ServerHandle *server : servers) {
        m_servers.append(server);
        connect(server, &ServerHandle::stateChanged, this, &ScriptEditor::updateServersLabel);
    }
    updateServersLabel();
}

void ScriptEditor::setCluster(Cluster *cluster)
{
    setServers(cluster ? cluster->servers() : QList<ServerHandle *>());
    m_cluster = cluster;
    if (!cluster)
        return;
    connect(cluster, &Cluster::serverAdded, this, [this](ServerHandle *server) {
        m_servers.append(server);
        connect(server, &ServerHandle::stateChanged, this, &ScriptEditor::updateServersLabel);
        updateServersLabel();
    });
    connect(cluster, &Cluster::serverAboutToBeRemoved, this, [this](ServerHandle *server) {
        disconnect(server, nullptr, this, nullptr);
        m_servers.removeIf([server](const QPointer<ServerHandle> &p) { return !p || p == server; });
        updateServersLabel();
    });
}

void ScriptEditor::setServerForFile(const QString &file, ServerHandle *server)
{
    auto &list = m_fileServers[normalized(file)];
    list.removeIf([](const QPointer<ServerHandle> &p) { return !p; });
    if (server && !list.contains(server)) {
        list.append(server);
        connect(server, &ServerHandle::stateChanged, this, &ScriptEditor::updateServersLabel,
                Qt::UniqueConnection);
    }
    updateServersLabel();
}

void ScriptEditor::setServerResolver(ServerResolver resolver)
{
    m_resolver = std::move(resolver);
    updateServersLabel();
}

QList<ServerHandle *> ScriptEditor::serversForFile(const QString &file) const
{
    const QString path = normalized(file);
    QList<ServerHandle *> candidates;
    if (m_resolver) {
        candidates = m_resolver(path);
    } else {
        for (const auto &server : m_servers) {
            if (server && !server->config().scriptPath.isEmpty() &&
                normalized(server->config().scriptPath) == path)
                candidates.append(server);
        }
        for (const auto &server : m_fileServers.value(path)) {
            if (server && !candidates.contains(server))
                candidates.append(server);
        }
    }
    QList<ServerHandle *> running;
    for (ServerHandle *server : std::as_const(candidates)) {
        if (server && server->state() == ServerHandle::State::Running)
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

void ScriptEditor::updateTabTitle(QsciScintilla *editor)
{
    const int index = m_tabs->indexOf(editor);
    if (index < 0)
        return;
    const QString name = QFileInfo(fileOf(editor)).fileName();
    m_tabs->setTabText(index, editor->isModified() ? name + QLatin1Char('*') : name);
}

void ScriptEditor::updateActions()
{
    auto *editor = qobject_cast<QsciScintilla *>(m_tabs->currentWidget());
    m_saveAction->setEnabled(editor && editor->isModified());
    m_applyAction->setEnabled(editor != nullptr);
    m_revertAction->setEnabled(editor != nullptr);
}

QList<ScriptEditor::Location> ScriptEditor::parseLocations(const QString &text)
{
    // Lua writes "chunk:line:" where chunk is the script path, shortened to "...tail" when long.
    static const QRegularExpression pattern(
        QStringLiteral(R"((?:^|(?<=[\s'"(\[<]))((?:\.\.\.)?[^\s:'"()\[\]<>]*?\.lua):(\d+)\b)"));
    QList<Location> out;
    auto it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        Location location{match.captured(1), match.captured(2).toInt()};
        if (location.line > 0 && !out.contains(location))
            out.append(location);
    }
    return out;
}

QString ScriptEditor::resolve(const QString &file, const QString &fallbackFile) const
{
    // Lua names a script as it was loaded (often just "name.lua"): match it against the files we
    // know.
    QStringList known = m_files.values();
    if (!fallbackFile.isEmpty())
        known.prepend(normalized(fallbackFile));
    for (const auto &server : m_servers) {
        if (server && !server->config().scriptPath.isEmpty())
            known.append(normalized(server->config().scriptPath));
    }
    known.append(m_fileServers.keys());
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
    const auto locations = parseLocations(text);
    for (const Location &location : locations) {
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
        static const QRegularExpression anyLine(QStringLiteral(R"(\]?:(\d+):)"));
        const auto match = anyLine.match(text);
        if (match.hasMatch()) {
            markError(fallbackFile, match.captured(1).toInt(), message);
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
