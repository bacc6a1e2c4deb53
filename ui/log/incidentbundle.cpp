// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "incidentbundle.h"

#include "cluster.h"
#include "errorinbox.h"
#include "logexport.h"
#include "logmodel.h"
#include "message.h"
#include "serverhandle.h"
#include "serverstatenames.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPointer>
#include <QThread>

#include <zip.h>

#include <memory>

namespace qpalm {

namespace {

QJsonObject statsJson(const ServerHandle *server)
{
    const ServerStats s = server->stats();
    QJsonObject o;
    o[QStringLiteral("server")] = server->name();
    o[QStringLiteral("kind")] = kindName(server->kind());
    o[QStringLiteral("state")] = stateName(server->state());
    o[QStringLiteral("generation")] = qint64(server->generation());
    o[QStringLiteral("at")] = s.msecsSinceEpoch;
    o[QStringLiteral("messagesIn")] = qint64(s.messagesIn);
    o[QStringLiteral("messagesOut")] = qint64(s.messagesOut);
    o[QStringLiteral("errors")] = qint64(s.errors);
    o[QStringLiteral("malformed")] = qint64(s.malformed);
    o[QStringLiteral("dropped")] = qint64(s.dropped);
    o[QStringLiteral("toWorkers")] = qint64(s.toWorkers);
    o[QStringLiteral("fromWorkers")] = qint64(s.fromWorkers);
    o[QStringLiteral("cacheRequests")] = qint64(s.cacheRequests);
    o[QStringLiteral("inFlight")] = s.inFlight;
    QJsonObject addresses;
    const QMap<QString, QString> map = server->addresses();
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        addresses[it.key()] = it.value();
    o[QStringLiteral("addresses")] = addresses;
    return o;
}

QString safeName(QString name)
{
    for (QChar &c : name) {
        if (c == u'/' || c == u'\\' || c == u':' || c.unicode() < 0x20)
            c = u'_';
    }
    return name == QStringLiteral("..") || name.isEmpty() ? QStringLiteral("_") : name;
}

} // namespace

IncidentBundle IncidentBundle::collect(const LogModel &log, const ErrorInboxModel &inbox,
                                       const Cluster *cluster, const QString &clusterFilePath,
                                       qint64 fromMsecs, qint64 toMsecs)
{
    IncidentBundle b;
    b.m_from = fromMsecs;
    b.m_to = toMsecs;
    b.m_created = QDateTime::currentMSecsSinceEpoch();

    // Every record held in the window (whatever the viewer's filter), kept ones included.
    const LogStore &store = log.store();
    const auto take = [&](const LogStore::Entry &e, quint64 serial) {
        if (e.msecsSinceEpoch >= fromMsecs && e.msecsSinceEpoch < toMsecs)
            b.m_records.append(store.record(serial));
    };
    store.forEachKept(0, store.firstSerial(), take);
    store.forEachRun(store.firstSerial(), store.endSerial(),
                     [&](const LogStore::Entry *e, qsizetype n, quint64 serial) {
                         for (qsizetype i = 0; i < n; ++i)
                             take(e[i], serial + quint64(i));
                     });

    if (!clusterFilePath.isEmpty()) {
        QFile file(clusterFilePath);
        b.m_clusterFileName = QFileInfo(clusterFilePath).fileName();
        if (file.open(QIODevice::ReadOnly))
            b.m_clusterFile = file.readAll();
    }

    QJsonArray stats;
    if (cluster) {
        for (const ServerHandle *server : cluster->servers()) {
            stats.append(statsJson(server));
            ScriptSource script = server->config().script;
            QByteArray content = script.content;
            if (content.isEmpty() && !server->config().scriptPath.isEmpty()) {
                // Started from its file and never reloaded: the file as it is now.
                QFile file(server->config().scriptPath);
                if (file.open(QIODevice::ReadOnly))
                    content = file.readAll();
                if (script.name.isEmpty())
                    script.name = QFileInfo(server->config().scriptPath).fileName();
            }
            if (!content.isEmpty())
                b.m_scripts.append({QStringLiteral("scripts/%1/%2")
                                        .arg(safeName(server->name()), safeName(script.name)),
                                    content});
        }
    }
    b.m_stats = QJsonDocument(stats).toJson();

    QString tracebacks;
    QByteArray replay;
    for (int row = 0; row < inbox.rowCount(); ++row) {
        const ErrorInboxModel::Group &g = inbox.group(row);
        tracebacks += QStringLiteral("== %1\n%2 time(s) on %3, first %4, last %5\n%6\n%7\n\n")
                          .arg(g.message)
                          .arg(g.count)
                          .arg(g.servers.join(QStringLiteral(", ")), formatTimestamp(g.firstSeen),
                               formatTimestamp(g.lastSeen), g.latest.text, g.latest.traceback);
        if (!g.failedMessage)
            continue;
        const Message &m = *g.failedMessage;
        QJsonObject o;
        o[QStringLiteral("server")] = g.messageServer;
        o[QStringLiteral("error")] = g.message;
        // Which function failed on it (handler, scatter, gather, handle_stream; empty: unknown).
        o[QStringLiteral("call")] = failedCallName(g.failedCall);
        o[QStringLiteral("pipeline")] = QString::fromStdString(m.pipeline);
        o[QStringLiteral("client")] = QString::fromStdString(m.client);
        o[QStringLiteral("stage")] = qint64(m.stage);
        o[QStringLiteral("function")] = QString::fromStdString(m.function);
        o[QStringLiteral("cache")] = QString::fromStdString(m.cache);
        o[QStringLiteral("payloadBase64")] =
            QString::fromLatin1(QByteArray::fromStdString(m.payload).toBase64());
        o[QStringLiteral("payloadBytes")] = g.messagePayloadBytes;
        o[QStringLiteral("truncated")] = g.messagePayloadBytes > qint64(m.payload.size());
        replay += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    b.m_tracebacks = tracebacks.toUtf8();
    b.m_replay = replay;
    return b;
}

QList<std::pair<QString, QByteArray>> IncidentBundle::files() const
{
    constexpr qint64 Min = std::numeric_limits<qint64>::min();
    constexpr qint64 Max = std::numeric_limits<qint64>::max();
    QList<std::pair<QString, QByteArray>> out;
    QByteArray log;
    QByteArray jsonl;
    for (const LogRecord &r : m_records) {
        log += formatPylmLine(r).toUtf8() + '\n';
        jsonl += LogExport::formatRecord(r, LogExport::Format::JsonLines);
    }
    const QString readme =
        QStringLiteral("qpalm incident bundle, made %1\n"
                       "Time window: %2 to %3 (%4 records)\n\n"
                       "log/qpalm.log        the records of the window, as pylm prints them\n"
                       "log/records.jsonl    the same, one JSON object per record\n"
                       "errors/tracebacks.txt every error group of the inbox, latest traceback\n"
                       "cluster/             the cluster file\n"
                       "scripts/<server>/    each server's script as it ran (a script never\n"
                       "                     reloaded is read from its file)\n"
                       "stats.json           each server's state and counters\n"
                       "replay/messages.jsonl the message that caused each error (payload in\n"
                       "                     base64, cut at %5 bytes: see truncated)\n")
            .arg(formatTimestamp(m_created),
                 m_from == Min ? QStringLiteral("the oldest record held") : formatTimestamp(m_from),
                 m_to == Max ? QStringLiteral("now") : formatTimestamp(m_to))
            .arg(m_records.size())
            .arg(kMaxAttachedPayloadBytes);
    out.append({QStringLiteral("README.txt"), readme.toUtf8()});
    out.append({QStringLiteral("log/qpalm.log"), log});
    out.append({QStringLiteral("log/records.jsonl"), jsonl});
    out.append({QStringLiteral("errors/tracebacks.txt"), m_tracebacks});
    if (!m_clusterFileName.isEmpty())
        out.append({QStringLiteral("cluster/") + safeName(m_clusterFileName), m_clusterFile});
    out.append(m_scripts);
    out.append({QStringLiteral("stats.json"), m_stats});
    out.append({QStringLiteral("replay/messages.jsonl"), m_replay});
    return out;
}

bool IncidentBundle::write(const QString &zipPath, QString *errorText) const
{
    const auto fail = [&](const QString &why) {
        if (errorText)
            *errorText =
                QStringLiteral("Cannot write the incident bundle \"%1\": %2").arg(zipPath, why);
        return false;
    };
    int code = 0;
    zip_t *zip = zip_open(QFile::encodeName(zipPath).constData(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!zip) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        const QString why = QString::fromLocal8Bit(zip_error_strerror(&error));
        zip_error_fini(&error);
        return fail(why);
    }
    // libzip reads the buffers at zip_close: they must live until then.
    const QList<std::pair<QString, QByteArray>> content = files();
    for (const auto &[name, data] : content) {
        zip_source_t *source =
            zip_source_buffer(zip, data.constData(), zip_uint64_t(data.size()), 0);
        if (!source || zip_file_add(zip, name.toUtf8().constData(), source,
                                    ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            const QString why = QString::fromLocal8Bit(zip_strerror(zip));
            if (source)
                zip_source_free(source);
            zip_discard(zip);
            return fail(why);
        }
    }
    if (zip_close(zip) < 0) {
        const QString why = QString::fromLocal8Bit(zip_strerror(zip));
        zip_discard(zip);
        return fail(why);
    }
    return true;
}

void exportIncidentBundleWithDialog(QWidget *parent, const LogModel &log,
                                    const ErrorInboxModel &inbox, const Cluster *cluster,
                                    const QString &clusterFilePath)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Export Incident Bundle"));
    auto *window = new QComboBox(&dialog);
    window->addItem(QObject::tr("Last 5 minutes"), 5);
    window->addItem(QObject::tr("Last 15 minutes"), 15);
    window->addItem(QObject::tr("Last hour"), 60);
    window->addItem(QObject::tr("Everything held"), 0);
    window->setCurrentIndex(1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(QObject::tr("Logs of the:"), window);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString path = QFileDialog::getSaveFileName(
        parent, QObject::tr("Export Incident Bundle"),
        QStringLiteral("incident-%1.zip")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))),
        QObject::tr("Zip archive (*.zip)"));
    if (path.isEmpty())
        return;
    const int minutes = window->currentData().toInt();
    const qint64 from = minutes > 0 ? QDateTime::currentMSecsSinceEpoch() - minutes * 60'000LL
                                    : std::numeric_limits<qint64>::min();
    auto bundle = std::make_shared<const IncidentBundle>(
        IncidentBundle::collect(log, inbox, cluster, clusterFilePath, from));
    auto error = std::make_shared<QString>();
    auto ok = std::make_shared<bool>(false);
    QThread *thread =
        QThread::create([bundle, path, error, ok] { *ok = bundle->write(path, error.get()); });
    QPointer<QWidget> owner(parent);
    QObject::connect(thread, &QThread::finished, thread, [thread, owner, path, error, ok, bundle] {
        thread->deleteLater();
        if (!owner)
            return;
        if (*ok)
            QMessageBox::information(owner, QObject::tr("Export Incident Bundle"),
                                     QObject::tr("Wrote %1 (%2 records).")
                                         .arg(QDir::toNativeSeparators(path))
                                         .arg(bundle->recordCount()));
        else
            QMessageBox::warning(owner, QObject::tr("Export Incident Bundle"), *error);
    });
    thread->start(QThread::LowPriority);
}

} // namespace qpalm
