// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Export of the rows shown as .log (pylm lines), .csv and .jsonl, against committed files.
// The expected files come from data/make_expected.py (Python's csv and json modules).
#include "logexport.h"
#include "logmodel.h"
#include "logtestutil.h"

#include <QApplication>
#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <ctime>

using namespace qpalm;
using namespace qpalm::test;

namespace {

QByteArray readData(const QString &name)
{
    QFile f(QStringLiteral(QPALM_LOG_TEST_DATA "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

LogBatch exportRecords()
{
    return {
        makeRecord(BaseMsecs, QStringLiteral("alpha"), LogLevel::Info, QStringLiteral("Started"),
                   {}, 1),
        makeRecord(BaseMsecs + 100, QStringLiteral("beta"), LogLevel::Warning,
                   QStringLiteral("Slow, \"quoted\" reply"), {}, 1),
        makeRecord(
            BaseMsecs + 947, QStringLiteral("alpha"), LogLevel::Error,
            QStringLiteral("User function gave an error"),
            QStringLiteral("error.lua:7: boom\nstack traceback:\n\t[C]: in function 'error'\n"
                           "\terror.lua:7: in function 'foo'"),
            2),
        makeRecord(BaseMsecs + 1948, QStringLiteral("beta"), LogLevel::Debug,
                   QStringLiteral("multi\nline \u00e9 \u00fcn\u00efcode\ttab \\ back"), {}, 2),
        makeRecord(BaseMsecs + 3447, QStringLiteral("alpha"), LogLevel::Critical,
                   QStringLiteral("Disk full"), {}, 3),
    };
}

QByteArray exported(const LogModel &model, LogExport::Format format)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!LogExport::write(model, &buffer, format, &error))
        qWarning("export failed: %s", qPrintable(error));
    return bytes;
}

} // namespace

class TestLogExport : public QObject
{
    Q_OBJECT
private:
    LogModel *m_model = nullptr;

private Q_SLOTS:
    void init()
    {
        m_model = new LogModel(this);
        m_model->appendRecords(exportRecords());
        m_model->flush();
    }
    void cleanup() { delete m_model; }

    void timezoneIsUtc()
    {
        // The .log format is local time; main() set TZ=UTC so the expected file applies.
        QCOMPARE(formatTimestamp(BaseMsecs), QStringLiteral("2016-08-26 09:41:59,053"));
    }

    void formats_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("expectedFile");
        QTest::newRow("log") << int(LogExport::Format::PylmLog) << QStringLiteral("all.log");
        QTest::newRow("csv") << int(LogExport::Format::Csv) << QStringLiteral("all.csv");
        QTest::newRow("jsonl") << int(LogExport::Format::JsonLines) << QStringLiteral("all.jsonl");
    }
    void formats()
    {
        QFETCH(int, format);
        QFETCH(QString, expectedFile);
        QCOMPARE(exported(*m_model, static_cast<LogExport::Format>(format)),
                 readData(expectedFile));
    }

    void exportsOnlyWhatIsShown()
    {
        LogFilter f;
        f.setServers({QStringLiteral("alpha")});
        f.setMinimumLevel(LogLevel::Error);
        QVERIFY(m_model->setFilter(f));
        QCOMPARE(m_model->rowCount(), 2);
        QCOMPARE(exported(*m_model, LogExport::Format::PylmLog),
                 readData(QStringLiteral("alpha-errors.log")));
        m_model->appendRecords({makeRecord(BaseMsecs, QStringLiteral("alpha"), LogLevel::Error,
                                           QStringLiteral("not flushed yet"))});
        QCOMPARE(exported(*m_model, LogExport::Format::PylmLog),
                 readData(QStringLiteral("alpha-errors.log")));
    }

    void emptyExportHasOnlyTheHeader()
    {
        m_model->clear();
        QCOMPARE(exported(*m_model, LogExport::Format::Csv),
                 LogExport::header(LogExport::Format::Csv));
        QCOMPARE(exported(*m_model, LogExport::Format::JsonLines), QByteArray());
    }

    void jsonEscapesControlCharacters()
    {
        const LogRecord r = makeRecord(0, QStringLiteral("s\"q"), LogLevel::Info,
                                       QStringLiteral("a\u0001b\u001fc\r\n\b\f"));
        QCOMPARE(
            LogExport::formatRecord(r, LogExport::Format::JsonLines),
            QByteArray("{\"time\":\"1970-01-01T00:00:00.000Z\",\"msecs\":0,\"server\":\"s\\\"q\","
                       "\"level\":\"INFO\",\"levelno\":20,\"sequence\":0,"
                       "\"text\":\"a\\u0001b\\u001fc\\r\\n\\b\\f\"}\n"));
        QCOMPARE(LogExport::formatRecord(
                     makeRecord(0, QStringLiteral("s"), LogLevel::Info, QStringLiteral(" padded")),
                     LogExport::Format::Csv),
                 QByteArray("1970-01-01T00:00:00.000Z,s,INFO,0,\" padded\",\r\n"));
    }

    void formatForPath()
    {
        QCOMPARE(LogExport::formatForPath(QStringLiteral("/x/a.log")), LogExport::Format::PylmLog);
        QCOMPARE(LogExport::formatForPath(QStringLiteral("a.CSV")), LogExport::Format::Csv);
        QCOMPARE(LogExport::formatForPath(QStringLiteral("a.jsonl")), LogExport::Format::JsonLines);
        QCOMPARE(LogExport::formatForPath(QStringLiteral("a.ndjson")),
                 LogExport::Format::JsonLines);
        QVERIFY(!LogExport::formatForPath(QStringLiteral("a.xlsx")));
    }

    void writeFileAndErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const QString path = dir.filePath(QStringLiteral("out.jsonl"));
        QVERIFY2(LogExport::writeFile(*m_model, path, std::nullopt, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), readData(QStringLiteral("all.jsonl")));

        QVERIFY(!LogExport::writeFile(*m_model, dir.filePath(QStringLiteral("out.xlsx")),
                                      std::nullopt, &error));
        QVERIFY2(error.contains(QStringLiteral("unknown file type")) &&
                     error.contains(QStringLiteral("out.xlsx")),
                 qPrintable(error));
        const QString bad = dir.filePath(QStringLiteral("no/such/dir/out.log"));
        QVERIFY(!LogExport::writeFile(*m_model, bad, std::nullopt, &error));
        QVERIFY2(error.contains(bad), qPrintable(error));
        // An explicit format overrides the suffix.
        QVERIFY(LogExport::writeFile(*m_model, dir.filePath(QStringLiteral("plain.txt")),
                                     LogExport::Format::Csv, &error));
    }
};

int main(int argc, char **argv)
{
    // formatPylmLine uses local time: pin it before Qt reads the zone.
    qputenv("TZ", "UTC");
    tzset();
    QApplication app(argc, argv);
    TestLogExport test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_logexport.moc"
