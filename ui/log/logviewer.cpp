// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logviewer.h"

#include "logexport.h"
#include "logmodel.h"
#include "logview.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QSplitter>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace qpalm {

namespace {

QToolButton *makeToggle(QWidget *parent, const QString &text, const QString &tip)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setCheckable(true);
    b->setAutoRaise(true);
    return b;
}

} // namespace

LogViewer::LogViewer(QWidget *parent)
    : QWidget(parent), m_model(new LogModel(this)), m_view(new LogView(this)),
      m_traceback(new TracebackView(this)), m_serverButton(new QToolButton(this)),
      m_serverMenu(new QMenu(this)), m_levelCombo(new QComboBox(this)),
      m_textEdit(new QLineEdit(this)),
      m_regexButton(makeToggle(this, QStringLiteral(".*"), tr("Regular expression"))),
      m_caseButton(makeToggle(this, QStringLiteral("Aa"), tr("Match case"))),
      m_followButton(makeToggle(this, tr("Follow"), tr("Keep the newest record in view"))),
      m_pauseButton(makeToggle(this, tr("Pause"), tr("Freeze the list; records keep arriving"))),
      m_exportButton(new QToolButton(this)), m_status(new QLabel(this)), m_error(new QLabel(this)),
      m_textDebounce(new QTimer(this))
{
    m_view->setModel(m_model);

    m_serverButton->setMenu(m_serverMenu);
    m_serverButton->setPopupMode(QToolButton::InstantPopup);
    m_serverButton->setToolTip(tr("Servers shown"));
    m_serverButton->setAutoRaise(true);

    for (LogLevel level :
         {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error, LogLevel::Critical})
        m_levelCombo->addItem(levelName(level), static_cast<int>(level));
    m_levelCombo->setToolTip(tr("Minimum level shown"));

    m_textEdit->setObjectName(QStringLiteral("logFilterText"));
    m_textEdit->setPlaceholderText(tr("Filter text"));
    // Room for a useful pattern whatever else the row shows.
    m_textEdit->setMinimumWidth(m_textEdit->fontMetrics().horizontalAdvance(QLatin1Char('x')) *
                                MinimumFilterChars);
    m_textEdit->setClearButtonEnabled(true);
    m_textEdit->setToolTip(tr("Shows records whose message or traceback contains this text"));
    m_textDebounce->setSingleShot(true);
    m_textDebounce->setInterval(150);

    m_followButton->setChecked(m_view->follow());
    createTools();

    auto *clearButton = new QToolButton(this);
    clearButton->setText(tr("Clear"));
    clearButton->setToolTip(tr("Drop every record"));
    clearButton->setAutoRaise(true);
    m_exportButton->setText(tr("Export\u2026"));
    m_exportButton->setToolTip(tr("Save the records shown as .log, .csv or .jsonl"));
    m_exportButton->setAutoRaise(true);

    m_error->setVisible(false);
    m_error->setStyleSheet(QStringLiteral("color: #d01c1c;"));
    m_error->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // Never elided nor squeezed: the layout gives the count its whole text.
    m_status->setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Preferred);

    // Two rows: what is shown (the filter box takes the free width), then the view's tools and
    // the count. One row clipped the count and squeezed the filter box at the dock's width.
    auto *filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(0, 0, 0, 0);
    filterRow->addWidget(m_serverButton);
    filterRow->addWidget(m_levelCombo);
    filterRow->addWidget(m_textEdit, 1);
    filterRow->addWidget(m_regexButton);
    filterRow->addWidget(m_caseButton);
    filterRow->addWidget(m_timeButton);
    filterRow->addWidget(m_savedButton);
    auto *toolRow = new QHBoxLayout;
    toolRow->setContentsMargins(0, 0, 0, 0);
    toolRow->addWidget(m_wrapButton);
    toolRow->addWidget(m_followButton);
    toolRow->addWidget(m_pauseButton);
    toolRow->addWidget(clearButton);
    toolRow->addWidget(m_exportButton);
    toolRow->addStretch(1);
    toolRow->addWidget(m_filterProgress);
    toolRow->addWidget(m_cancelFilterButton);
    toolRow->addWidget(m_status);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_traceback);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(filterRow);
    layout->addLayout(toolRow);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);

    connect(m_levelCombo, &QComboBox::currentIndexChanged, this, &LogViewer::applyFilter);
    connect(m_textEdit, &QLineEdit::textChanged, m_textDebounce, qOverload<>(&QTimer::start));
    connect(m_textDebounce, &QTimer::timeout, this, &LogViewer::applyFilter);
    connect(m_textEdit, &QLineEdit::returnPressed, this, &LogViewer::applyFilter);
    connect(m_regexButton, &QToolButton::toggled, this, &LogViewer::applyFilter);
    connect(m_caseButton, &QToolButton::toggled, this, &LogViewer::applyFilter);
    connect(m_followButton, &QToolButton::toggled, m_view, &LogView::setFollow);
    connect(m_pauseButton, &QToolButton::toggled, m_model, &LogModel::setPaused);
    connect(clearButton, &QToolButton::clicked, this, &LogViewer::clear);
    connect(m_exportButton, &QToolButton::clicked, this, &LogViewer::exportWithDialog);

    connect(m_view, &LogView::followChanged, this, [this](bool on) {
        m_followButton->setChecked(on);
        Q_EMIT followChanged(on);
    });
    connect(m_model, &LogModel::pausedChanged, this, [this](bool on) {
        m_pauseButton->setChecked(on);
        updateStatus();
        Q_EMIT pausedChanged(on);
    });
    connect(m_model, &LogModel::filterErrorChanged, this, [this](const QString &message) {
        m_error->setText(message);
        m_error->setVisible(!message.isEmpty());
        m_textEdit->setStyleSheet(message.isEmpty() ? QString()
                                                    : QStringLiteral("border: 1px solid #d01c1c;"));
        Q_EMIT filterErrorChanged(message);
    });
    connect(m_model, &LogModel::serversChanged, this, &LogViewer::updateServerMenu);
    connect(m_model, &LogModel::flushed, this, &LogViewer::updateStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LogViewer::updateStatus);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogViewer::showCurrentRecord);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LogViewer::showCurrentRecord);
    connect(m_view, &QAbstractItemView::activated, this, &LogViewer::activateRow);
    connect(m_traceback, &TracebackView::locationActivated, this,
            &LogViewer::tracebackLineActivated);
    connect(m_view, &LogView::locationActivated, this, &LogViewer::tracebackLineActivated);

    updateServerMenu();
    updateStatus();
}

LogViewer::~LogViewer()
{
    if (m_exportThread) {
        m_exportCancel->store(true);
        m_exportThread->wait();
        delete m_exportThread;
    }
}

QStringList LogViewer::serverFilter() const
{
    return m_serverFilter;
}

LogLevel LogViewer::minimumLevel() const
{
    return static_cast<LogLevel>(m_levelCombo->currentData().toInt());
}

QString LogViewer::textFilter() const
{
    return m_textEdit->text();
}

bool LogViewer::isRegexFilter() const
{
    return m_regexButton->isChecked();
}

bool LogViewer::follow() const
{
    return m_view->follow();
}

bool LogViewer::isPaused() const
{
    return m_model->isPaused();
}

int LogViewer::capacity() const
{
    return int(m_model->capacity());
}

QString LogViewer::filterError() const
{
    return m_model->filterError();
}

void LogViewer::appendRecords(const LogBatch &records)
{
    m_model->appendRecords(records);
}

void LogViewer::setServerFilter(const QStringList &servers)
{
    m_serverFilter = servers;
    m_serverFilter.removeDuplicates();
    updateServerMenu();
    applyFilter();
}

void LogViewer::setKnownServers(const QStringList &servers)
{
    m_offeredServers = servers;
    updateServerMenu();
}

void LogViewer::setMinimumLevel(LogLevel level)
{
    int index = m_levelCombo->findData(static_cast<int>(level));
    if (index < 0) {
        // Between two named levels: the next one up (Python's numbers allow 25).
        index = 0;
        while (index + 1 < m_levelCombo->count() &&
               m_levelCombo->itemData(index).toInt() < static_cast<int>(level))
            ++index;
    }
    const QSignalBlocker blocker(m_levelCombo);
    m_levelCombo->setCurrentIndex(index);
    applyFilter();
}

void LogViewer::setTextFilter(const QString &text, bool regex)
{
    {
        const QSignalBlocker b1(m_textEdit);
        const QSignalBlocker b2(m_regexButton);
        m_textEdit->setText(text);
        m_regexButton->setChecked(regex);
    }
    m_textDebounce->stop();
    applyFilter();
}

void LogViewer::setCaseSensitive(bool caseSensitive)
{
    {
        const QSignalBlocker blocker(m_caseButton);
        m_caseButton->setChecked(caseSensitive);
    }
    applyFilter();
}

void LogViewer::setFollow(bool follow)
{
    m_view->setFollow(follow);
}

void LogViewer::setPaused(bool paused)
{
    m_model->setPaused(paused);
}

void LogViewer::clear()
{
    m_model->clear();
    m_traceback->setContent({}, {});
}

void LogViewer::setCapacity(int capacity)
{
    m_model->setCapacity(capacity);
    updateStatus();
}

bool LogViewer::exportTo(const QString &path, QString *errorText)
{
    m_model->flush();
    return LogExport::writeFile(*m_model, path, std::nullopt, errorText);
}

void LogViewer::exportInBackground(const QString &path)
{
    if (m_exportThread) {
        Q_EMIT exportFinished(
            path, false,
            tr("Cannot export the log to \"%1\": another export is running").arg(path));
        return;
    }
    m_model->flush();
    auto rows = std::make_shared<const LogExport::Snapshot>(LogExport::snapshot(*m_model));
    auto ok = std::make_shared<bool>(false);
    auto error = std::make_shared<QString>();
    m_exportCancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_exportCancel;
    m_exportThread = QThread::create([rows, path, ok, error, cancel] {
        *ok = LogExport::writeFile(*rows, path, std::nullopt, error.get(), cancel.get());
    });
    connect(m_exportThread, &QThread::finished, this, [this, path, ok, error] {
        m_exportThread->deleteLater();
        m_exportThread = nullptr;
        m_exportButton->setEnabled(true);
        m_exportButton->setText(tr("Export\u2026"));
        Q_EMIT exportFinished(path, *ok, *ok ? QString() : *error);
    });
    m_exportButton->setEnabled(false);
    m_exportButton->setText(tr("Exporting\u2026"));
    m_exportThread->start(QThread::LowPriority);
}

void LogViewer::exportWithDialog()
{
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export log"), QString(),
                                                LogExport::fileDialogFilter(), &selectedFilter);
    if (path.isEmpty())
        return;
    if (!LogExport::formatForPath(path)) {
        if (selectedFilter.contains(u"*.csv"))
            path += QStringLiteral(".csv");
        else if (selectedFilter.contains(u"*.jsonl"))
            path += QStringLiteral(".jsonl");
        else
            path += QStringLiteral(".log");
    }
    connect(
        this, &LogViewer::exportFinished, this,
        [this](const QString &, bool ok, const QString &error) {
            if (!ok)
                QMessageBox::warning(this, tr("Export log"), error);
        },
        Qt::SingleShotConnection);
    exportInBackground(path);
}

void LogViewer::applyFilter()
{
    LogFilter filter;
    filter.setServers(m_serverFilter);
    filter.setMinimumLevel(minimumLevel());
    const Qt::CaseSensitivity cs =
        m_caseButton->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
    filter.setText(m_textEdit->text(), m_regexButton->isChecked(), cs);
    filter.setTimeRange(m_timeFrom, m_timeTo);
    if (filter.isValid())
        m_view->setHighlight(m_textEdit->text(), m_regexButton->isChecked(), cs);
    if (filter == m_model->filter() && m_model->filterError().isEmpty())
        return;

    // Keep the record the user was on (or the nearest one after it) after the rows change.
    const QModelIndex current = m_view->currentIndex();
    const bool hadCurrent = current.isValid();
    const quint64 serial = hadCurrent ? m_model->serialAt(current.row()) : 0;
    if (!m_model->setFilter(filter))
        return;
    const auto restore = [this, hadCurrent, serial] {
        if (!hadCurrent || m_model->rowCount() == 0)
            return;
        const int row = std::min(m_model->lowerBoundRow(serial), m_model->rowCount() - 1);
        const QModelIndex index = m_model->index(row, LogModel::TextColumn);
        m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                             QItemSelectionModel::Rows);
        if (!m_view->follow())
            m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    };
    if (!m_model->isFiltering()) {
        restore();
        return;
    }
    connect(
        m_model, &LogModel::filterFinished, this,
        [restore](bool applied) {
            if (applied)
                restore();
        },
        Qt::SingleShotConnection);
}

void LogViewer::updateServerMenu()
{
    QStringList names = m_model->store().serverNames() + m_offeredServers + m_serverFilter;
    names.sort();
    names.removeDuplicates();
    if (names != m_knownServers || m_serverMenu->isEmpty()) {
        m_knownServers = names;
        m_serverMenu->clear();
        QAction *all = m_serverMenu->addAction(tr("All servers"));
        all->setCheckable(true);
        // Queued: the menu may be rebuilt, deleting the action that is still emitting.
        connect(
            all, &QAction::triggered, this, [this] { setServerFilter({}); }, Qt::QueuedConnection);
        m_serverMenu->addSeparator();
        for (const QString &name : std::as_const(names)) {
            QAction *a = m_serverMenu->addAction(name);
            a->setCheckable(true);
            a->setData(name);
            connect(
                a, &QAction::triggered, this,
                [this, name](bool on) {
                    QStringList servers = m_serverFilter;
                    if (on)
                        servers.append(name);
                    else
                        servers.removeAll(name);
                    setServerFilter(servers);
                },
                Qt::QueuedConnection);
        }
    }
    const QList<QAction *> actions = m_serverMenu->actions();
    for (QAction *a : actions) {
        if (!a->isCheckable())
            continue;
        const QString name = a->data().toString();
        a->setChecked(name.isEmpty() ? m_serverFilter.isEmpty() : m_serverFilter.contains(name));
    }
    updateServerButton();
}

void LogViewer::updateServerButton()
{
    if (m_serverFilter.isEmpty())
        m_serverButton->setText(tr("All servers"));
    else if (m_serverFilter.size() == 1)
        m_serverButton->setText(m_serverFilter.first());
    else
        m_serverButton->setText(tr("%n server(s)", nullptr, int(m_serverFilter.size())));
}

void LogViewer::updateStatus()
{
    const QLocale locale;
    QString text = tr("%1 shown of %2")
                       .arg(locale.toString(m_model->rowCount()),
                            locale.toString(qint64(m_model->store().heldCount())));
    if (m_model->isPaused())
        text += tr(" (paused)");
    if (m_model->isFiltering())
        text += tr(" (filtering\u2026)");
    m_status->setText(text);
    m_status->setToolTip(
        tr("Keeps the newest %1 records, and up to %2 older warnings and errors (%3 now)")
            .arg(locale.toString(qint64(m_model->capacity())),
                 locale.toString(qint64(m_model->store().keptCapacity())),
                 locale.toString(qint64(m_model->store().keptCount()))));
}

void LogViewer::showCurrentRecord()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_traceback->setContent({}, {});
        return;
    }
    const LogRecord record = m_model->recordAt(current.row());
    m_traceback->setContent(record.text, record.traceback);
}

void LogViewer::activateRow(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const LogRecord record = m_model->recordAt(index.row());
    SourceLocation loc = firstFrame(record.traceback);
    if (!loc.isValid()) {
        const qsizetype nl = record.text.indexOf(QLatin1Char('\n'));
        loc = parseSourceLocation(nl < 0 ? QStringView(record.text)
                                         : QStringView(record.text).left(nl));
    }
    if (loc.isValid())
        Q_EMIT tracebackLineActivated(loc.file, loc.line);
}

} // namespace qpalm
