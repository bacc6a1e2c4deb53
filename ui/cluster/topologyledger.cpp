// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "topologyledger.h"

#include <QCoreApplication>
#include <QLocale>

namespace qpalm::topologyledger {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("TopologyView", text);
}

QString count(quint64 n)
{
    return QLocale().toString(n);
}
} // namespace

std::optional<WorkerLedger> entryOf(const QList<WorkerLedger> &ledger, const QString &worker)
{
    std::optional<WorkerLedger> merged;
    for (const WorkerLedger &entry : ledger) {
        if (entry.worker != worker)
            continue;
        if (!merged) {
            merged = entry;
            merged->inFlight = entry.gone ? 0 : entry.inFlight;
            merged->credit = entry.gone ? 0 : entry.credit;
            continue;
        }
        merged->done += entry.done;
        merged->requeued += entry.requeued;
        merged->duplicatesDropped += entry.duplicatesDropped;
        merged->lastSeenMsecs = std::max(merged->lastSeenMsecs, entry.lastSeenMsecs);
        if (!entry.gone) {
            merged->inFlight += entry.inFlight;
            merged->credit += entry.credit;
        }
        // Latency of the latest connection that measured any.
        if (entry.latencyP50Us > 0 && (!entry.gone || merged->latencyP50Us == 0)) {
            merged->latencyP50Us = entry.latencyP50Us;
            merged->latencyP99Us = entry.latencyP99Us;
        }
        merged->gone = merged->gone && entry.gone;
    }
    return merged;
}

QString label(const WorkerLedger &entry, const QString &rate, const QString &latency)
{
    QStringList lines;
    if (entry.gone)
        lines << tr("gone");
    else
        lines << tr("%1 · %2 in flight").arg(rate, count(quint64(entry.inFlight)));
    QStringList trouble;
    if (entry.requeued > 0)
        trouble << tr("%1 requeued").arg(count(entry.requeued));
    if (entry.duplicatesDropped > 0)
        trouble << tr("%1 dup dropped").arg(count(entry.duplicatesDropped));
    if (!trouble.isEmpty())
        lines << trouble.join(QStringLiteral(" · "));
    if (!latency.isEmpty() && !entry.gone)
        lines << latency;
    return lines.join(QLatin1Char('\n'));
}

QString durationText(qint64 micros)
{
    if (micros < 1000)
        return tr("%1 µs").arg(micros);
    const double ms = micros / 1000.0;
    return ms < 10 ? tr("%1 ms").arg(ms, 0, 'f', 1) : tr("%1 ms").arg(qRound64(ms));
}

QString latencyText(const WorkerLedger &entry)
{
    if (entry.latencyP50Us <= 0)
        return {};
    return tr("p50 %1 · p99 %2")
        .arg(durationText(entry.latencyP50Us), durationText(entry.latencyP99Us));
}

QString toolTip(const QString &master, const WorkerLedger &entry, qint64 nowMsecs)
{
    QStringList lines;
    lines << tr("%1 → %2 (reliable path)").arg(master, entry.worker);
    if (entry.gone)
        lines << tr("Gone: given up on (missed heartbeats or said goodbye); what it held was "
                    "sent to other workers.");
    lines << tr("%1 done, %2 in flight, credit %3")
                 .arg(count(entry.done), count(quint64(entry.inFlight)))
                 .arg(entry.credit);
    lines << tr("%1 requeued (taken back and resent), %2 late or repeated results dropped")
                 .arg(count(entry.requeued), count(entry.duplicatesDropped));
    if (const QString latency = latencyText(entry); !latency.isEmpty())
        lines << tr("Dispatch to acknowledgement, recent results: %1").arg(latency);
    if (entry.lastSeenMsecs > 0) {
        const double ago = std::max<qint64>(0, nowMsecs - entry.lastSeenMsecs) / 1000.0;
        lines << tr("Last heard %1 s ago").arg(ago, 0, 'f', 1);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace qpalm::topologyledger
