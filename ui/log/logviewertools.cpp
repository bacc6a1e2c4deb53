// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// LogViewer's tools beyond the filter bar: time range, saved filters, wrap, error and bookmark
// navigation.
#include "logviewer.h"

#include "logmodel.h"
#include "logview.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QSettings>
#include <QTimer>
#include <QToolButton>

#include <memory>

namespace qpalm {

namespace {

const QString SavedFiltersKey = QStringLiteral("logViewer/savedFilters");

std::unique_ptr<QSettings> openSettings(const QString &path)
{
    return path.isEmpty() ? std::make_unique<QSettings>()
                          : std::make_unique<QSettings>(path, QSettings::IniFormat);
}

struct SavedFilter
{
    QString name;
    QString text;
    bool regex = false;
    bool caseSensitive = false;
    int level = 10;
    QStringList servers;
    // [timeFrom, timeTo), or the last timeSpan ms when timeSpan > 0.
    qint64 timeFrom = std::numeric_limits<qint64>::min();
    qint64 timeTo = std::numeric_limits<qint64>::max();
    qint64 timeSpan = 0;
};

QList<SavedFilter> readSaved(QSettings &settings)
{
    QList<SavedFilter> list;
    const int n = settings.beginReadArray(SavedFiltersKey);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        SavedFilter f;
        f.name = settings.value(QStringLiteral("name")).toString();
        f.text = settings.value(QStringLiteral("text")).toString();
        f.regex = settings.value(QStringLiteral("regex")).toBool();
        f.caseSensitive = settings.value(QStringLiteral("caseSensitive")).toBool();
        f.level = settings.value(QStringLiteral("level"), 10).toInt();
        f.servers = settings.value(QStringLiteral("servers")).toStringList();
        f.timeFrom = settings.value(QStringLiteral("timeFrom"), f.timeFrom).toLongLong();
        f.timeTo = settings.value(QStringLiteral("timeTo"), f.timeTo).toLongLong();
        f.timeSpan = std::max<qint64>(0, settings.value(QStringLiteral("timeSpanMs")).toLongLong());
        if (!f.name.isEmpty())
            list.append(f);
    }
    settings.endArray();
    return list;
}

void writeSaved(QSettings &settings, const QList<SavedFilter> &list)
{
    settings.remove(SavedFiltersKey);
    settings.beginWriteArray(SavedFiltersKey, int(list.size()));
    for (int i = 0; i < list.size(); ++i) {
        settings.setArrayIndex(i);
        const SavedFilter &f = list.at(i);
        settings.setValue(QStringLiteral("name"), f.name);
        settings.setValue(QStringLiteral("text"), f.text);
        settings.setValue(QStringLiteral("regex"), f.regex);
        settings.setValue(QStringLiteral("caseSensitive"), f.caseSensitive);
        settings.setValue(QStringLiteral("level"), f.level);
        settings.setValue(QStringLiteral("servers"), f.servers);
        // Only bounded ends are written (older files have none: any time).
        if (f.timeSpan > 0)
            settings.setValue(QStringLiteral("timeSpanMs"), f.timeSpan);
        if (f.timeSpan <= 0 && f.timeFrom != std::numeric_limits<qint64>::min())
            settings.setValue(QStringLiteral("timeFrom"), f.timeFrom);
        if (f.timeSpan <= 0 && f.timeTo != std::numeric_limits<qint64>::max())
            settings.setValue(QStringLiteral("timeTo"), f.timeTo);
    }
    settings.endArray();
    settings.sync();
}

QAction *addShortcut(QWidget *owner, const QString &text, const QKeySequence &key)
{
    auto *a = new QAction(text, owner);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    a->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
    owner->addAction(a);
    return a;
}

} // namespace

void LogViewer::createTools()
{
    m_timeMenu = new QMenu(this);
    m_rollTimer = new QTimer(this);
    m_rollTimer->setObjectName(QStringLiteral("timeRangeRollTimer"));
    connect(m_rollTimer, &QTimer::timeout, this, &LogViewer::rollTimeRange);
    m_timeButton = new QToolButton(this);
    m_timeButton->setObjectName(QStringLiteral("timeRangeButton"));
    m_timeButton->setMenu(m_timeMenu);
    m_timeButton->setPopupMode(QToolButton::InstantPopup);
    m_timeButton->setAutoRaise(true);
    const auto lastMinutes = [this](int minutes) { setRecentTimeRange(qint64(minutes) * 60'000); };
    m_timeMenu->addAction(tr("Any time"), this, [this] { setTimeRange(); });
    m_timeMenu->addAction(tr("Last minute"), this, [lastMinutes] { lastMinutes(1); });
    m_timeMenu->addAction(tr("Last 5 minutes"), this, [lastMinutes] { lastMinutes(5); });
    m_timeMenu->addAction(tr("Last 15 minutes"), this, [lastMinutes] { lastMinutes(15); });
    m_timeMenu->addAction(tr("Last hour"), this, [lastMinutes] { lastMinutes(60); });
    m_timeMenu->addSeparator();
    m_timeMenu->addAction(tr("Around the selected record (\u00b11 min)"), this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (!current.isValid())
            return;
        const qint64 at = current.data(LogModel::MsecsRole).toLongLong();
        setTimeRange(at - 60'000, at + 60'001);
    });
    m_timeMenu->addAction(tr("From the selected record on"), this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            setTimeRange(current.data(LogModel::MsecsRole).toLongLong());
    });
    m_timeMenu->addAction(tr("Custom\u2026"), this, &LogViewer::askCustomTimeRange);

    m_savedMenu = new QMenu(this);
    m_savedButton = new QToolButton(this);
    m_savedButton->setObjectName(QStringLiteral("savedFiltersButton"));
    m_savedButton->setText(tr("Filters"));
    m_savedButton->setToolTip(tr("Saved filters"));
    m_savedButton->setMenu(m_savedMenu);
    m_savedButton->setPopupMode(QToolButton::InstantPopup);
    m_savedButton->setAutoRaise(true);
    connect(m_savedMenu, &QMenu::aboutToShow, this, &LogViewer::updateSavedMenu);

    m_wrapButton = new QToolButton(this);
    m_wrapButton->setText(tr("Wrap"));
    m_wrapButton->setToolTip(tr("Wrap long messages over several lines"));
    m_wrapButton->setCheckable(true);
    m_wrapButton->setAutoRaise(true);
    connect(m_wrapButton, &QToolButton::toggled, m_view, &LogView::setWrapLines);

    m_nextError = addShortcut(this, tr("Next error"), QKeySequence(Qt::Key_F8));
    m_previousError = addShortcut(this, tr("Previous error"), QKeySequence(Qt::SHIFT | Qt::Key_F8));
    m_toggleBookmark = addShortcut(this, tr("Toggle bookmark"), QKeySequence(Qt::CTRL | Qt::Key_M));
    m_nextBookmark = addShortcut(this, tr("Next bookmark"), QKeySequence(Qt::Key_F2));
    m_previousBookmark =
        addShortcut(this, tr("Previous bookmark"), QKeySequence(Qt::SHIFT | Qt::Key_F2));
    auto *clearBookmarks = new QAction(tr("Clear bookmarks"), this);
    connect(m_nextError, &QAction::triggered, m_view, [this] { m_view->gotoError(true); });
    connect(m_previousError, &QAction::triggered, m_view, [this] { m_view->gotoError(false); });
    connect(m_toggleBookmark, &QAction::triggered, m_view, &LogView::toggleBookmark);
    connect(m_nextBookmark, &QAction::triggered, m_view, [this] { m_view->gotoBookmark(true); });
    connect(m_previousBookmark, &QAction::triggered, m_view,
            [this] { m_view->gotoBookmark(false); });
    connect(clearBookmarks, &QAction::triggered, m_view, &LogView::clearBookmarks);

    // The same actions on the rows' context menu.
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_nextError, m_previousError});
    auto *separator = new QAction(this);
    separator->setSeparator(true);
    m_view->addAction(separator);
    m_view->addActions({m_toggleBookmark, m_nextBookmark, m_previousBookmark, clearBookmarks});
    // A background filter shows its progress here and can be cancelled.
    m_filterProgress = new QProgressBar(this);
    m_filterProgress->setObjectName(QStringLiteral("filterProgress"));
    m_filterProgress->setRange(0, 1000);
    m_filterProgress->setFixedWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000000000")));
    m_filterProgress->setTextVisible(false);
    m_filterProgress->setVisible(false);
    m_cancelFilterButton = new QToolButton(this);
    m_cancelFilterButton->setText(tr("Cancel"));
    m_cancelFilterButton->setToolTip(tr("Stop filtering; the previous filter stays"));
    m_cancelFilterButton->setAutoRaise(true);
    m_cancelFilterButton->setVisible(false);
    connect(m_cancelFilterButton, &QToolButton::clicked, m_model, &LogModel::cancelFilter);
    connect(m_model, &LogModel::filterStarted, this, [this] {
        m_filterProgress->setValue(0);
        m_filterProgress->setVisible(true);
        m_cancelFilterButton->setVisible(true);
        updateStatus();
    });
    connect(m_model, &LogModel::filterProgress, this, [this](qint64 done, qint64 total) {
        m_filterProgress->setValue(total > 0 ? int(done * 1000 / total) : 1000);
    });
    connect(m_model, &LogModel::filterFinished, this, [this] {
        m_filterProgress->setVisible(false);
        m_cancelFilterButton->setVisible(false);
        updateStatus();
    });
    updateTimeButton();
}

bool LogViewer::wrapLines() const
{
    return m_view->wrapLines();
}

void LogViewer::setWrapLines(bool wrap)
{
    m_wrapButton->setChecked(wrap);
}

void LogViewer::setTimeRange(qint64 fromMsecs, qint64 toMsecs)
{
    m_timeFrom = fromMsecs;
    m_timeTo = toMsecs;
    m_timeSpan = 0;
    updateTimeButton();
    applyFilter();
}

void LogViewer::setRecentTimeRange(qint64 spanMsecs)
{
    if (spanMsecs <= 0) {
        setTimeRange();
        return;
    }
    m_timeFrom = QDateTime::currentMSecsSinceEpoch() - spanMsecs;
    m_timeTo = std::numeric_limits<qint64>::max();
    m_timeSpan = spanMsecs;
    updateTimeButton();
    applyFilter();
}

int LogViewer::rollInterval(qint64 spanMsecs)
{
    // A sixtieth of the span: every second for the last minute, every 10 s for an hour.
    return int(std::clamp<qint64>(spanMsecs / 60, 1'000, 10'000));
}

void LogViewer::updateRollTimer()
{
    if (m_timeSpan <= 0)
        m_rollTimer->stop();
    else if (m_rollTimer->interval() != rollInterval(m_timeSpan) || !m_rollTimer->isActive())
        m_rollTimer->start(rollInterval(m_timeSpan));
}

void LogViewer::rollTimeRange()
{
    // Throttled: one refilter at a time, and none while paused (the rows are frozen).
    if (m_timeSpan <= 0 || m_model->isFiltering() || m_model->isPaused())
        return;
    const qint64 from = QDateTime::currentMSecsSinceEpoch() - m_timeSpan;
    m_timeFrom = from;
    // Refilter (all rows, in the background over a large store) only when a shown record fell
    // out: this scan reads one timestamp per shown row and stops at the first that is out.
    const LogStore &store = m_model->store();
    const int rows = m_model->rowCount();
    for (int row = 0; row < rows; ++row) {
        if (store.at(m_model->serialAt(row)).msecsSinceEpoch < from) {
            applyFilter();
            return;
        }
    }
}

void LogViewer::updateTimeButton()
{
    constexpr qint64 Min = std::numeric_limits<qint64>::min();
    constexpr qint64 Max = std::numeric_limits<qint64>::max();
    const auto stamp = [](qint64 msecs) { return formatTimestamp(msecs).mid(11, 8); };
    if (m_timeSpan > 0 && m_timeSpan % 3'600'000 == 0)
        m_timeButton->setText(tr("Last %n hour(s)", nullptr, int(m_timeSpan / 3'600'000)));
    else if (m_timeSpan > 0)
        m_timeButton->setText(tr("Last %n min", nullptr, int((m_timeSpan + 59'999) / 60'000)));
    else if (m_timeFrom == Min && m_timeTo == Max)
        m_timeButton->setText(tr("Any time"));
    else if (m_timeTo == Max)
        m_timeButton->setText(tr("From %1").arg(stamp(m_timeFrom)));
    else if (m_timeFrom == Min)
        m_timeButton->setText(tr("Until %1").arg(stamp(m_timeTo)));
    else
        m_timeButton->setText(tr("%1\u2013%2").arg(stamp(m_timeFrom), stamp(m_timeTo)));
    updateRollTimer();
    m_timeButton->setToolTip(
        m_timeSpan > 0 ? tr("%1, rolling forward as time passes").arg(m_timeButton->text())
        : m_timeFrom == Min && m_timeTo == Max
            ? tr("Show records of a time range only")
            : tr("Records logged from %1 until %2")
                  .arg(m_timeFrom == Min ? tr("the start") : formatTimestamp(m_timeFrom),
                       m_timeTo == Max ? tr("now") : formatTimestamp(m_timeTo)));
}

void LogViewer::askCustomTimeRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Time range"));
    const QDateTime now = QDateTime::currentDateTime();
    auto *from = new QDateTimeEdit(m_timeFrom == std::numeric_limits<qint64>::min()
                                       ? now.addSecs(-600)
                                       : QDateTime::fromMSecsSinceEpoch(m_timeFrom),
                                   &dialog);
    auto *to = new QDateTimeEdit(m_timeTo == std::numeric_limits<qint64>::max()
                                     ? now.addSecs(60)
                                     : QDateTime::fromMSecsSinceEpoch(m_timeTo),
                                 &dialog);
    for (QDateTimeEdit *edit : {from, to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setCalendarPopup(true);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("From:"), from);
    form->addRow(tr("Until:"), to);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted)
        setTimeRange(from->dateTime().toMSecsSinceEpoch(), to->dateTime().toMSecsSinceEpoch());
}

QStringList LogViewer::savedFilterNames() const
{
    const auto settings = openSettings(m_settingsPath);
    QStringList names;
    for (const SavedFilter &f : readSaved(*settings))
        names.append(f.name);
    return names;
}

void LogViewer::saveFilter(const QString &name)
{
    if (name.trimmed().isEmpty())
        return;
    const auto settings = openSettings(m_settingsPath);
    QList<SavedFilter> list = readSaved(*settings);
    SavedFilter f;
    f.name = name.trimmed();
    f.text = textFilter();
    f.regex = isRegexFilter();
    f.caseSensitive = m_caseButton->isChecked();
    f.level = static_cast<int>(minimumLevel());
    f.servers = m_serverFilter;
    f.timeFrom = m_timeFrom;
    f.timeTo = m_timeTo;
    f.timeSpan = m_timeSpan;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const SavedFilter &s) { return s.name == f.name; }),
               list.end());
    list.append(f);
    writeSaved(*settings, list);
}

bool LogViewer::applySavedFilter(const QString &name)
{
    const auto settings = openSettings(m_settingsPath);
    for (const SavedFilter &f : readSaved(*settings)) {
        if (f.name != name)
            continue;
        m_serverFilter = f.servers;
        updateServerMenu();
        // A recent range starts from now again; a fixed one is restored as it was.
        m_timeSpan = f.timeSpan;
        m_timeFrom = f.timeSpan > 0 ? QDateTime::currentMSecsSinceEpoch() - f.timeSpan : f.timeFrom;
        m_timeTo = f.timeSpan > 0 ? std::numeric_limits<qint64>::max() : f.timeTo;
        updateTimeButton();
        {
            const QSignalBlocker b1(m_caseButton);
            const QSignalBlocker b2(m_levelCombo);
            m_caseButton->setChecked(f.caseSensitive);
            int index = 0;
            while (index + 1 < m_levelCombo->count() &&
                   m_levelCombo->itemData(index).toInt() < f.level)
                ++index;
            m_levelCombo->setCurrentIndex(index);
        }
        setTextFilter(f.text, f.regex);
        return true;
    }
    return false;
}

void LogViewer::removeSavedFilter(const QString &name)
{
    const auto settings = openSettings(m_settingsPath);
    QList<SavedFilter> list = readSaved(*settings);
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const SavedFilter &s) { return s.name == name; }),
               list.end());
    writeSaved(*settings, list);
}

void LogViewer::askSaveFilter()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save filter"), tr("Name:"),
                                               QLineEdit::Normal, textFilter(), &ok);
    if (ok)
        saveFilter(name);
}

void LogViewer::updateSavedMenu()
{
    m_savedMenu->clear();
    m_savedMenu->addAction(tr("Save current filter\u2026"), this, &LogViewer::askSaveFilter);
    const QStringList names = savedFilterNames();
    if (names.isEmpty())
        return;
    m_savedMenu->addSeparator();
    for (const QString &name : names)
        m_savedMenu->addAction(name, this, [this, name] { applySavedFilter(name); });
    QMenu *remove = m_savedMenu->addMenu(tr("Delete"));
    for (const QString &name : names)
        remove->addAction(name, this, [this, name] { removeSavedFilter(name); });
}

} // namespace qpalm
