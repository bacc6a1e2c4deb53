// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "errorinbox.h"

#include "cluster.h"
#include "logmodel.h"
#include "message.h"
#include "replayrunner.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace qpalm {

namespace {

QStringView firstLineOf(QStringView text)
{
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    return (nl < 0 ? text : text.left(nl)).trimmed();
}

} // namespace

ErrorInboxModel::ErrorInboxModel(QObject *parent) : QAbstractTableModel(parent) {}

int ErrorInboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int ErrorInboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ErrorInboxModel::errorMessage(const LogRecord &record)
{
    if (!record.traceback.isEmpty()) {
        const QList<QStringView> lines = QStringView(record.traceback).split(QLatin1Char('\n'));
        const QStringView first = lines.first().trimmed();
        if (first == u"Traceback (most recent call last):") {
            // Python: the exception is the last line that is not a frame.
            for (qsizetype i = lines.size() - 1; i > 0; --i) {
                const QStringView t = lines.at(i).trimmed();
                if (!t.isEmpty())
                    return t.toString();
            }
        } else if (!first.isEmpty() && first != u"stack traceback:") {
            // Lua: the error message precedes "stack traceback:".
            return first.toString();
        }
    }
    return firstLineOf(record.text).toString();
}

QString ErrorInboxModel::describeMessage(const Message &message, qint64 payloadBytes)
{
    constexpr qsizetype Shown = 200;
    const QByteArray payload = QByteArray::fromStdString(message.payload.substr(0, Shown));
    bool printable = true;
    for (char c : payload)
        printable = printable && (uchar(c) >= 0x20 || c == '\n' || c == '\t');
    QString shown =
        printable ? QString::fromUtf8(payload) : QString::fromLatin1(payload.toHex(' '));
    if (payloadBytes > Shown)
        shown += QStringLiteral("\u2026");
    return tr("function '%1', stage %2, cache '%3', payload (%4 bytes): %5")
        .arg(QString::fromStdString(message.function))
        .arg(message.stage)
        .arg(QString::fromStdString(message.cache))
        .arg(payloadBytes)
        .arg(shown);
}

QString ErrorInboxModel::keyOf(const QString &message, const SourceLocation &frame)
{
    return message + QLatin1Char('\x1f') + frame.file + QLatin1Char(':') +
           QString::number(frame.line);
}

QVariant ErrorInboxModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount() || index.column() < 0 ||
        index.column() >= ColumnCount)
        return {};
    const Group &g = m_groups.at(index.row());
    const auto location = [&g] {
        return g.frame.isValid() ? g.frame.file + QLatin1Char(':') + QString::number(g.frame.line)
                                 : QString();
    };
    const auto servers = [&g] {
        QString s = g.servers.mid(0, MaxServersListed).join(QStringLiteral(", "));
        if (g.servers.size() > MaxServersListed)
            s += tr(" +%1 more").arg(g.servers.size() - MaxServersListed);
        return s;
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CountColumn:
            return g.count;
        case MessageColumn:
            return g.message;
        case LocationColumn:
            return location();
        case ServersColumn:
            return servers();
        case FirstSeenColumn:
            return formatTimestamp(g.firstSeen);
        case LastSeenColumn:
            return formatTimestamp(g.lastSeen);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case CountColumn:
            return g.count;
        case MessageColumn:
            return g.message;
        case LocationColumn:
            return location();
        case ServersColumn:
            return servers();
        case FirstSeenColumn:
            return g.firstSeen;
        case LastSeenColumn:
            return g.lastSeen;
        }
        return {};
    case Qt::ToolTipRole:
        // Columns are elided when narrow: the whole value is one hover away.
        switch (index.column()) {
        case MessageColumn:
            return g.message == g.latest.text ? g.message
                                              : g.latest.text + QLatin1Char('\n') + g.message;
        case LocationColumn:
            return g.frame.isValid() ? tr("%1, line %2").arg(g.frame.file).arg(g.frame.line)
                                     : QString();
        case ServersColumn:
            return g.servers.join(QStringLiteral(", "));
        case CountColumn:
            return tr("%n occurrence(s), first %1", nullptr,
                      int(std::min<qint64>(g.count, INT_MAX)))
                .arg(formatTimestamp(g.firstSeen));
        default:
            return formatTimestamp(index.column() == FirstSeenColumn ? g.firstSeen : g.lastSeen);
        }
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case Qt::ForegroundRole:
        // Red for errors; CRITICAL in bold red (white on red would swamp a list of errors).
        if (index.column() == MessageColumn)
            return LogModel::levelForeground(LogLevel::Error);
        return {};
    case Qt::FontRole:
        if (index.column() == MessageColumn &&
            static_cast<int>(g.level) >= static_cast<int>(LogLevel::Critical)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case CountRole:
        return g.count;
    case FirstSeenRole:
        return g.firstSeen;
    case LastSeenRole:
        return g.lastSeen;
    case FileRole:
        return g.frame.file;
    case LineRole:
        return g.frame.line;
    case TextRole:
        return g.latest.text;
    case TracebackRole:
        return g.latest.traceback;
    case HasMessageRole:
        return bool(g.failedMessage);
    case MessageSummaryRole:
        return g.failedMessage ? describeMessage(*g.failedMessage, g.messagePayloadBytes)
                               : QString();
    case FailedCallRole:
        return int(g.failedCall);
    }
    return {};
}

QVariant ErrorInboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CountColumn:
        return tr("Count");
    case MessageColumn:
        return tr("Error");
    case LocationColumn:
        return tr("First frame");
    case ServersColumn:
        return tr("Servers");
    case FirstSeenColumn:
        return tr("First seen");
    case LastSeenColumn:
        return tr("Last seen");
    }
    return {};
}

void ErrorInboxModel::appendRecords(const LogBatch &records)
{
    int changedFirst = std::numeric_limits<int>::max();
    int changedLast = -1;
    QList<Group> added;
    QHash<QString, int> addedRow;
    qint64 counted = 0;

    const auto merge = [](Group &g, const LogRecord &r) {
        ++g.count;
        g.firstSeen = std::min(g.firstSeen, r.msecsSinceEpoch);
        if (r.msecsSinceEpoch >= g.lastSeen) {
            g.lastSeen = r.msecsSinceEpoch;
            g.latest = r;
        }
        if (static_cast<int>(r.level) > static_cast<int>(g.level))
            g.level = r.level;
        if (g.servers.size() < MaxServersTracked && !g.servers.contains(r.server))
            g.servers.append(r.server);
        if (r.message) {
            g.failedMessage = r.message;
            g.messagePayloadBytes = r.messagePayloadBytes;
            g.messageServer = r.server;
            g.failedCall = r.failedCall;
        }
    };

    for (const LogRecord &r : records) {
        if (static_cast<int>(r.level) < static_cast<int>(LogLevel::Error))
            continue;
        ++counted;
        const QString message = errorMessage(r);
        const SourceLocation frame =
            r.traceback.isEmpty() ? SourceLocation() : firstFrame(r.traceback);
        const QString key = keyOf(message, frame);
        const auto it = m_rowByKey.constFind(key);
        if (it != m_rowByKey.cend()) {
            merge(m_groups[it.value()], r);
            changedFirst = std::min(changedFirst, it.value());
            changedLast = std::max(changedLast, it.value());
            continue;
        }
        const auto at = addedRow.constFind(key);
        if (at != addedRow.cend()) {
            merge(added[at.value()], r);
            continue;
        }
        Group g;
        g.message = message;
        g.frame = frame;
        g.count = 1;
        g.firstSeen = g.lastSeen = r.msecsSinceEpoch;
        g.servers = QStringList{r.server};
        g.level = r.level;
        g.latest = r;
        g.failedMessage = r.message;
        g.messagePayloadBytes = r.messagePayloadBytes;
        g.messageServer = r.message ? r.server : QString();
        g.failedCall = r.message ? r.failedCall : FailedCall::Unknown;
        addedRow.insert(key, int(added.size()));
        added.append(std::move(g));
    }
    if (counted == 0)
        return;
    m_errorCount += counted;

    if (changedLast >= 0)
        Q_EMIT dataChanged(index(changedFirst, 0), index(changedLast, ColumnCount - 1));
    if (!added.isEmpty()) {
        const int first = int(m_groups.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (auto it = addedRow.cbegin(); it != addedRow.cend(); ++it)
            m_rowByKey.insert(it.key(), first + it.value());
        m_groups.append(std::move(added));
        endInsertRows();
    }
    if (m_groups.size() > m_maxGroups)
        trim();
    Q_EMIT countsChanged(int(m_groups.size()), m_errorCount);
}

void ErrorInboxModel::setMaxGroups(int groups)
{
    m_maxGroups = std::max(1, groups);
    if (m_groups.size() > m_maxGroups) {
        trim();
        Q_EMIT countsChanged(int(m_groups.size()), m_errorCount);
    }
}

void ErrorInboxModel::trim()
{
    // Keep the most recently seen 90% (at least one), in their current order.
    const qsizetype keep = std::max<qsizetype>(1, m_maxGroups - m_maxGroups / 10);
    std::vector<qint64> lastSeen;
    lastSeen.reserve(size_t(m_groups.size()));
    for (const Group &g : std::as_const(m_groups))
        lastSeen.push_back(g.lastSeen);
    std::nth_element(lastSeen.begin(), lastSeen.begin() + (m_groups.size() - keep), lastSeen.end());
    const qint64 cutoff = lastSeen[size_t(m_groups.size() - keep)];
    qsizetype atCutoff = keep;
    for (const Group &g : std::as_const(m_groups))
        atCutoff -= g.lastSeen > cutoff ? 1 : 0;

    beginResetModel();
    QList<Group> kept;
    kept.reserve(keep);
    for (Group &g : m_groups) {
        if (g.lastSeen > cutoff || (g.lastSeen == cutoff && atCutoff-- > 0))
            kept.append(std::move(g));
        else
            m_errorCount -= g.count;
    }
    m_groups = std::move(kept);
    reindex();
    endResetModel();
}

void ErrorInboxModel::reindex()
{
    m_rowByKey.clear();
    for (int row = 0; row < m_groups.size(); ++row)
        m_rowByKey.insert(keyOf(m_groups.at(row).message, m_groups.at(row).frame), row);
}

void ErrorInboxModel::removeGroup(int row)
{
    if (row < 0 || row >= m_groups.size())
        return;
    beginRemoveRows({}, row, row);
    m_errorCount -= m_groups.at(row).count;
    m_groups.removeAt(row);
    reindex();
    endRemoveRows();
    Q_EMIT countsChanged(int(m_groups.size()), m_errorCount);
}

void ErrorInboxModel::clear()
{
    beginResetModel();
    m_groups.clear();
    m_rowByKey.clear();
    m_errorCount = 0;
    endResetModel();
    Q_EMIT countsChanged(0, 0);
}

ErrorInbox::ErrorInbox(QWidget *parent)
    : QWidget(parent), m_model(new ErrorInboxModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTableView(this)), m_traceback(new TracebackView(this)),
      m_summary(new QLabel(this)), m_messageInfo(new QLabel(this)),
      m_replayButton(new QPushButton(tr("Replay"), this)), m_replayResult(new QLabel(this)),
      m_replay(new ReplayRunner(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ErrorInboxModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ErrorInboxModel::LastSeenColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    // "worker.lua:12: attempt to ... nil value": both ends of a clipped text stay readable.
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ErrorInboxModel::MessageColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(fontMetrics().horizontalAdvance(QStringLiteral("Count")) + 16);
    const QFontMetrics fm = fontMetrics();
    const int stamp = fm.horizontalAdvance(QStringLiteral("2016-08-26 09:41:59,053")) + 16;
    m_view->setColumnWidth(ErrorInboxModel::CountColumn,
                           fm.horizontalAdvance(QStringLiteral("000000")) + 16);
    m_view->setColumnWidth(ErrorInboxModel::LocationColumn,
                           fm.horizontalAdvance(QStringLiteral("pipeline.lua:123")) + 16);
    m_view->setColumnWidth(ErrorInboxModel::ServersColumn,
                           fm.horizontalAdvance(QStringLiteral("worker-1, worker-2")) + 16);
    m_view->setColumnWidth(ErrorInboxModel::FirstSeenColumn, stamp);
    m_view->setColumnWidth(ErrorInboxModel::LastSeenColumn, stamp);
    // The first sighting is in the count's tooltip: the error text gets the room.
    m_view->setColumnHidden(ErrorInboxModel::FirstSeenColumn, true);

    auto *clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setToolTip(tr("Forget every error group"));
    connect(clearButton, &QPushButton::clicked, this, &ErrorInbox::clear);

    m_replayButton->setObjectName(QStringLiteral("replayButton"));
    m_replayButton->setEnabled(false);
    connect(m_replayButton, &QPushButton::clicked, this, &ErrorInbox::replaySelected);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_summary, 1);
    top->addWidget(m_replayButton);
    top->addWidget(clearButton);

    m_messageInfo->setWordWrap(true);
    m_messageInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageInfo->setTextFormat(Qt::PlainText);
    m_replayResult->setWordWrap(true);
    m_replayResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_replayResult->setTextFormat(Qt::PlainText);
    m_replayResult->setVisible(false);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->setSpacing(2);
    detailLayout->addWidget(m_messageInfo);
    detailLayout->addWidget(m_replayResult);
    detailLayout->addWidget(m_traceback, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ErrorInbox::showCurrent);
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &a, const QModelIndex &b) {
                const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
                if (current.isValid() && current.row() >= a.row() && current.row() <= b.row())
                    showCurrent();
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, &ErrorInbox::showCurrent);
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        const int line = source.data(ErrorInboxModel::LineRole).toInt();
        if (line > 0)
            Q_EMIT tracebackLineActivated(source.data(ErrorInboxModel::FileRole).toString(), line);
    });
    connect(m_traceback, &TracebackView::locationActivated, this,
            &ErrorInbox::tracebackLineActivated);
    connect(m_model, &ErrorInboxModel::countsChanged, this, [this](int groups, qint64 errors) {
        m_summary->setText(tr("%n error(s)", nullptr, int(std::min<qint64>(errors, INT_MAX))) +
                           tr(" in %n group(s)", nullptr, groups));
        Q_EMIT countsChanged(groups, errors);
    });
    connect(m_replay, &ReplayRunner::finished, this, &ErrorInbox::showReplayResult);
    connect(m_replay, &ReplayRunner::callFinished, this, &ErrorInbox::showCallReplayResult);
    m_summary->setText(tr("No errors"));
    showCurrent();
}

void ErrorInbox::appendRecords(const LogBatch &records)
{
    m_model->appendRecords(records);
}

void ErrorInbox::clear()
{
    m_model->clear();
    m_summary->setText(tr("No errors"));
}

void ErrorInbox::setCluster(Cluster *cluster)
{
    m_cluster = cluster;
}

void ErrorInbox::selectGroup(int row)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
}

QString ErrorInbox::replayResultText() const
{
    return m_replayResult->text();
}

void ErrorInbox::showCurrent()
{
    const QModelIndex source = m_proxy->mapToSource(m_view->currentIndex());
    if (!source.isValid()) {
        m_traceback->setContent({}, {});
        m_messageInfo->setText(tr("Select an error to see its traceback and the message that "
                                  "caused it."));
        m_replayResult->setVisible(false);
        updateReplayButton();
        return;
    }
    m_traceback->setContent(source.data(ErrorInboxModel::TextRole).toString(),
                            source.data(ErrorInboxModel::TracebackRole).toString());
    const bool kept = source.data(ErrorInboxModel::HasMessageRole).toBool();
    const QString call = failedCallName(m_model->group(source.row()).failedCall);
    m_messageInfo->setText(
        !kept ? tr("No message kept for this error (not raised by a user function).")
        : call.isEmpty()
            ? tr("Message: %1").arg(source.data(ErrorInboxModel::MessageSummaryRole).toString())
            : tr("Message given to %1: %2")
                  .arg(call, source.data(ErrorInboxModel::MessageSummaryRole).toString()));
    if (source.row() != m_replayedRow)
        m_replayResult->setVisible(false);
    updateReplayButton();
}

} // namespace qpalm
