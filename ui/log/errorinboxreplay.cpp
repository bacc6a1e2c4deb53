// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The error inbox's Replay: planning by the function that failed, running, showing the outcome.
#include "errorinbox.h"

#include "callreplayresult.h"
#include "cluster.h"
#include "message.h"
#include "replayrunner.h"
#include "tracebackview.h"

#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace qpalm {

namespace {

const QString kRed = QStringLiteral("color: #d01c1c;");
const QString kGreen = QStringLiteral("color: #2e7d32;");

// A payload for the result line: text up to 500 bytes, else hex.
QString shownPayload(const std::string &payload)
{
    const QByteArray bytes = QByteArray::fromStdString(payload.substr(0, 500));
    bool printable = true;
    for (char c : bytes)
        printable = printable && (uchar(c) >= 0x20 || c == '\n' || c == '\t');
    QString shown = printable ? QString::fromUtf8(bytes) : QString::fromLatin1(bytes.toHex(' '));
    if (payload.size() > 500)
        shown += QStringLiteral("\u2026");
    return QLatin1Char('\'') + shown + QLatin1Char('\'');
}

} // namespace

void ErrorInbox::updateReplayButton()
{
    const QModelIndex source = m_proxy->mapToSource(m_view->currentIndex());
    if (!source.isValid()) {
        m_replayButton->setEnabled(false);
        m_replayButton->setToolTip(tr("Select an error to replay the message that caused it"));
        return;
    }
    const ErrorInboxModel::Group &g = m_model->group(source.row());
    if (!g.failedMessage) {
        m_replayButton->setEnabled(false);
        m_replayButton->setToolTip(tr("No message was kept for this error"));
        return;
    }
    const ReplayPlan plan = planReplay(m_cluster, g.messageServer, g.failedCall, *g.failedMessage,
                                       g.messagePayloadBytes);
    // A passing reason (a server not running) leaves Replay on: a click says why.
    m_replayButton->setEnabled(!m_replay->isRunning() &&
                               (plan.way != ReplayPlan::Way::None || !plan.lasting));
    m_replayButton->setToolTip(plan.way == ReplayPlan::Way::None ? plan.why : plan.description);
}

bool ErrorInbox::replaySelected()
{
    const QModelIndex source = m_proxy->mapToSource(m_view->currentIndex());
    const auto fail = [this](const QString &why) {
        showReplayResult(false, {}, why);
        return false;
    };
    if (!source.isValid())
        return fail(tr("Select an error first."));
    const ErrorInboxModel::Group &g = m_model->group(source.row());
    if (!g.failedMessage)
        return fail(tr("No message is kept for this error."));
    const ReplayPlan plan = planReplay(m_cluster, g.messageServer, g.failedCall, *g.failedMessage,
                                       g.messagePayloadBytes);
    m_replayedRow = source.row();
    QString started;
    switch (plan.way) {
    case ReplayPlan::Way::None:
        return fail(plan.why);
    case ReplayPlan::Way::Client:
        if (!m_replay->start(plan.target, *g.failedMessage))
            return fail(tr("A replay is already running."));
        started = tr("Replaying through %1\u2026").arg(plan.target.serverName);
        break;
    case ReplayPlan::Way::Call: {
        QString why;
        if (!m_replay->startCall(plan.server, plan.call, *g.failedMessage, &why))
            return fail(why);
        started = tr("Running %1 of %2 on the recorded input\u2026")
                      .arg(failedCallName(plan.call), g.messageServer);
        break;
    }
    }
    m_replayButton->setEnabled(false);
    m_replayResult->setVisible(true);
    m_replayResult->setStyleSheet({});
    m_replayResult->setText(started);
    // The recorded traceback again, in place of an earlier replay's.
    m_traceback->setContent(g.latest.text, g.latest.traceback);
    return true;
}

void ErrorInbox::showReplayResult(bool ok, const QByteArrayList &replies, const QString &errorText)
{
    m_replayResult->setVisible(true);
    if (!ok) {
        m_replayResult->setStyleSheet(kRed);
        m_replayResult->setText(tr("Replay failed: %1").arg(errorText));
    } else {
        QStringList shown;
        for (const QByteArray &reply : replies)
            shown += QString::fromUtf8(reply.left(500));
        // pylm answers a failed call with payload 0.
        const bool failedAgain = replies.size() == 1 && replies.first() == "0";
        m_replayResult->setStyleSheet(failedAgain ? kRed : kGreen);
        m_replayResult->setText(
            failedAgain ? tr("Replay answered 0: the script failed again (see the "
                             "newest error).")
                        : tr("Replay answered: %1").arg(shown.join(QStringLiteral(", "))));
    }
    updateReplayButton();
    Q_EMIT replayFinished(ok, replies, errorText);
}

void ErrorInbox::showCallReplayResult(const CallReplayResult &result)
{
    const QString name = failedCallName(result.call);
    QByteArrayList payloads;
    for (const Message &m : result.outputs)
        payloads << QByteArray::fromStdString(m.payload);
    m_replayResult->setVisible(true);
    m_replayResult->setStyleSheet(result.ran && !result.failed ? kGreen : kRed);
    QString text;
    if (!result.ran) {
        text = tr("Replay failed: %1").arg(result.text);
    } else if (result.failed) {
        text = tr("%1 failed again on the recorded input: %2 (its traceback is below)")
                   .arg(name, result.text);
        // The new error's traceback replaces the recorded one; its lines lead to the editor.
        m_traceback->setContent(tr("Replay: %1").arg(result.text), result.traceback);
    } else if (result.call == FailedCall::HandleStream) {
        const QString payload =
            result.outputs.isEmpty() ? QString() : shownPayload(result.outputs.first().payload);
        text = tr("handle_stream on the recorded input picked topic '%1' for payload %2")
                   .arg(result.topic, payload);
    } else {
        QStringList shown;
        for (const Message &m : result.outputs)
            shown << shownPayload(m.payload);
        text =
            result.outputs.isEmpty()
                ? tr("%1 on the recorded input yielded nothing (the message is dropped)").arg(name)
                : tr("%1 on the recorded input yielded %n message(s): %2", nullptr,
                     int(result.outputs.size()))
                      .arg(name, shown.join(QStringLiteral(", ")));
    }
    if (result.ran && !result.failed && !result.text.isEmpty())
        text += QStringLiteral(" (") + result.text + QLatin1Char(')');
    m_replayResult->setText(text);
    updateReplayButton();
    Q_EMIT replayFinished(result.ran && !result.failed, payloads,
                          result.ran && !result.failed ? QString() : result.text);
}

} // namespace qpalm
