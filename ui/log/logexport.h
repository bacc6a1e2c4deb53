// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logstore.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <optional>
#include <utility>
#include <vector>

class QIODevice;

namespace qpalm {

class LogModel;

// Writes the records a LogModel shows as a pylm .log, .csv or .jsonl file.
class LogExport
{
public:
    enum class Format { PylmLog, Csv, JsonLines };

    // The rows a model shows, copied compactly (texts shared, not copied); safe to write from
    // another thread while the model goes on.
    class Snapshot
    {
    public:
        qsizetype size() const { return qsizetype(m_entries.size()); }
        LogRecord record(qsizetype row) const;

    private:
        friend class LogExport;
        std::vector<LogStore::Entry> m_entries;
        std::vector<std::pair<qsizetype, QString>> m_tracebacks; // by increasing row
        QStringList m_servers;
    };

    // .log/.txt -> PylmLog, .csv -> Csv, .jsonl/.ndjson -> JsonLines; nullopt otherwise.
    static std::optional<Format> formatForPath(const QString &path);
    // File dialog filter ("pylm log (*.log)" ...), all formats, .log first.
    static QString fileDialogFilter();

    // One record, newline-terminated, UTF-8. CSV columns: time (ISO 8601 UTC), server, level,
    // sequence, text, traceback (RFC 4180 quoting, CRLF); JSONL keys: time, msecs, server,
    // level, levelno, sequence, text and traceback when there is one.
    static QByteArray formatRecord(const LogRecord &record, Format format);
    // The CSV header line; empty for other formats.
    static QByteArray header(Format format);

    static Snapshot snapshot(const LogModel &model);
    // Writes every row, in order; false with a reason on an I/O error or when cancel is set.
    static bool write(const Snapshot &rows, QIODevice *device, Format format,
                      QString *errorText = nullptr, const std::atomic<bool> *cancel = nullptr);
    static bool write(const LogModel &model, QIODevice *device, Format format,
                      QString *errorText = nullptr);
    // Same, to a file replaced atomically (untouched on failure); the format comes from the
    // suffix unless given.
    static bool writeFile(const Snapshot &rows, const QString &path,
                          std::optional<Format> format = std::nullopt, QString *errorText = nullptr,
                          const std::atomic<bool> *cancel = nullptr);
    static bool writeFile(const LogModel &model, const QString &path,
                          std::optional<Format> format = std::nullopt,
                          QString *errorText = nullptr);
};

} // namespace qpalm
