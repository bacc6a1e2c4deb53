// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "logexport.h"

#include "logmodel.h"

#include <QDateTime>
#include <QFileInfo>
#include <QIODevice>
#include <QSaveFile>

#include <algorithm>

namespace qpalm {

namespace {

constexpr qsizetype ChunkBytes = 1 << 20;

QByteArray isoUtc(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
}

void appendCsvField(QByteArray &out, const QString &field)
{
    const QByteArray utf8 = field.toUtf8();
    bool quote = false;
    for (char c : utf8) {
        if (c == ',' || c == '"' || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    }
    // A leading space or tab would be trimmed by some readers.
    if (!utf8.isEmpty() && (utf8.front() == ' ' || utf8.back() == ' ' || utf8.front() == '\t'))
        quote = true;
    if (!quote) {
        out += utf8;
        return;
    }
    out += '"';
    for (char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void appendJsonString(QByteArray &out, const QString &s)
{
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = s.toUtf8();
    out += '"';
    for (char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

} // namespace

std::optional<LogExport::Format> LogExport::formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"log" || suffix == u"txt")
        return Format::PylmLog;
    if (suffix == u"csv")
        return Format::Csv;
    if (suffix == u"jsonl" || suffix == u"ndjson")
        return Format::JsonLines;
    return std::nullopt;
}

QString LogExport::fileDialogFilter()
{
    return QStringLiteral("pylm log (*.log);;CSV (*.csv);;JSON lines (*.jsonl)");
}

QByteArray LogExport::header(Format format)
{
    if (format == Format::Csv)
        return QByteArrayLiteral("time,server,level,sequence,text,traceback\r\n");
    return {};
}

QByteArray LogExport::formatRecord(const LogRecord &record, Format format)
{
    QByteArray out;
    switch (format) {
    case Format::PylmLog: {
        out = formatPylmLine(record).toUtf8();
        if (!out.endsWith('\n'))
            out += '\n';
        break;
    }
    case Format::Csv:
        out.reserve(64 + record.text.size() + record.traceback.size());
        out += isoUtc(record.msecsSinceEpoch);
        out += ',';
        appendCsvField(out, record.server);
        out += ',';
        out += levelName(record.level).toUtf8();
        out += ',';
        out += QByteArray::number(record.sequence);
        out += ',';
        appendCsvField(out, record.text);
        out += ',';
        appendCsvField(out, record.traceback);
        out += "\r\n";
        break;
    case Format::JsonLines:
        out.reserve(128 + record.text.size() + record.traceback.size());
        out += "{\"time\":\"";
        out += isoUtc(record.msecsSinceEpoch);
        out += "\",\"msecs\":";
        out += QByteArray::number(record.msecsSinceEpoch);
        out += ",\"server\":";
        appendJsonString(out, record.server);
        out += ",\"level\":";
        appendJsonString(out, levelName(record.level));
        out += ",\"levelno\":";
        out += QByteArray::number(static_cast<int>(record.level));
        out += ",\"sequence\":";
        out += QByteArray::number(record.sequence);
        out += ",\"text\":";
        appendJsonString(out, record.text);
        if (!record.traceback.isEmpty()) {
            out += ",\"traceback\":";
            appendJsonString(out, record.traceback);
        }
        out += "}\n";
        break;
    }
    return out;
}

LogRecord LogExport::Snapshot::record(qsizetype row) const
{
    const LogStore::Entry &e = m_entries[size_t(row)];
    LogRecord r;
    r.msecsSinceEpoch = e.msecsSinceEpoch;
    r.server = m_servers.value(qsizetype(e.server));
    r.level = LogStore::level(e);
    r.text = e.text;
    r.sequence = e.sequence;
    if (e.hasTraceback) {
        const auto it =
            std::lower_bound(m_tracebacks.cbegin(), m_tracebacks.cend(), row,
                             [](const auto &item, qsizetype r) { return item.first < r; });
        if (it != m_tracebacks.cend() && it->first == row)
            r.traceback = it->second;
    }
    return r;
}

LogExport::Snapshot LogExport::snapshot(const LogModel &model)
{
    Snapshot s;
    const LogStore &store = model.store();
    const int rows = model.rowCount();
    s.m_entries.reserve(size_t(rows));
    for (int row = 0; row < rows; ++row) {
        const quint64 serial = model.serialAt(row);
        s.m_entries.push_back(store.at(serial));
        if (s.m_entries.back().hasTraceback)
            s.m_tracebacks.emplace_back(row, store.traceback(serial));
    }
    s.m_servers = store.serverNames();
    return s;
}

bool LogExport::write(const Snapshot &rows, QIODevice *device, Format format, QString *errorText,
                      const std::atomic<bool> *cancel)
{
    const auto fail = [&](const QString &why) {
        if (errorText)
            *errorText = why;
        return false;
    };
    if (!device || !device->isWritable())
        return fail(QStringLiteral("Cannot export the log: the output is not open for writing"));
    QByteArray chunk = header(format);
    chunk.reserve(ChunkBytes + 4096);
    const qsizetype count = rows.size();
    for (qsizetype row = 0; row < count; ++row) {
        chunk += formatRecord(rows.record(row), format);
        if (chunk.size() >= ChunkBytes) {
            if (cancel && cancel->load(std::memory_order_relaxed))
                return fail(QStringLiteral("Export cancelled"));
            if (device->write(chunk) != chunk.size())
                return fail(QStringLiteral("Cannot export the log: %1").arg(device->errorString()));
            chunk.clear();
        }
    }
    if (!chunk.isEmpty() && device->write(chunk) != chunk.size())
        return fail(QStringLiteral("Cannot export the log: %1").arg(device->errorString()));
    return true;
}

bool LogExport::write(const LogModel &model, QIODevice *device, Format format, QString *errorText)
{
    return write(snapshot(model), device, format, errorText);
}

bool LogExport::writeFile(const Snapshot &rows, const QString &path, std::optional<Format> format,
                          QString *errorText, const std::atomic<bool> *cancel)
{
    if (!format)
        format = formatForPath(path);
    if (!format) {
        if (errorText)
            *errorText = QStringLiteral("Cannot export the log to \"%1\": unknown file type "
                                        "(use .log, .csv or .jsonl)")
                             .arg(path);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (errorText)
            *errorText =
                QStringLiteral("Cannot export the log to \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    QString why;
    if (!write(rows, &file, *format, &why, cancel)) {
        file.cancelWriting();
        if (errorText)
            *errorText = QStringLiteral("%1 (file \"%2\")").arg(why, path);
        return false;
    }
    if (!file.commit()) {
        if (errorText)
            *errorText =
                QStringLiteral("Cannot export the log to \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool LogExport::writeFile(const LogModel &model, const QString &path, std::optional<Format> format,
                          QString *errorText)
{
    return writeFile(snapshot(model), path, format, errorText);
}

} // namespace qpalm
