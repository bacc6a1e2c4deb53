// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Every example of resources/examples end to end: qpalm-server runs it, qpalm-client talks to it.
// Cluster files are rewritten into a temporary folder (ipc between servers, wildcard tcp ports for
// clients), so suites run in parallel.

#include "clitest.h"

#include <QTemporaryDir>

#include <memory>

using namespace clitest;

namespace {

// An example running in one or more qpalm-server processes.
struct Example
{
    QTemporaryDir dir;
    std::vector<std::unique_ptr<ServerProcess>> servers;

    ServerProcess &main() { return *servers.front(); }
    QString address(const QString &server, const QString &parameter) const
    {
        for (const auto &process : servers) {
            const QString value = process->address(server, parameter);
            if (!value.isEmpty())
                return value;
        }
        return {};
    }
    QString describe()
    {
        QString out;
        for (const auto &process : servers)
            out += process->describe() + u'\n';
        return out;
    }
};

// Starts the example's cluster files (cluster.json first); false with a message on failure.
bool startExample(Example &example, const QString &name, const QStringList &files, QString *problem)
{
    if (!example.dir.isValid()) {
        *problem = QStringLiteral("no temporary folder");
        return false;
    }
    const QString source = examplesDir() + u'/' + name;
    const QStringList paths = rewriteClusterFiles(files, source, example.dir.path());
    if (paths.size() != files.size()) {
        *problem = QStringLiteral("cannot rewrite the cluster files of ") + source;
        return false;
    }
    for (const QString &path : paths) {
        auto process = std::make_unique<ServerProcess>();
        const bool ok = process->start({path});
        example.servers.push_back(std::move(process));
        if (!ok) {
            *problem = example.describe();
            return false;
        }
    }
    return true;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// Every line matches the pattern.
bool allMatch(const QStringList &lines, const QString &pattern)
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    for (const QString &line : lines) {
        if (!re.match(line).hasMatch())
            return false;
    }
    return true;
}

} // namespace

#define START_EXAMPLE(example, name, ...)                                                          \
    Example example;                                                                               \
    do {                                                                                           \
        QString problem_;                                                                          \
        QVERIFY2(startExample(example, QStringLiteral(name), __VA_ARGS__, &problem_),              \
                 qPrintable(problem_));                                                            \
    } while (false)

#define CLIENT_OK(result)                                                                          \
    do {                                                                                           \
        QVERIFY2((result).finished && (result).exitCode == 0, qPrintable((result).describe()));    \
    } while (false)

class TestCliExamples : public QObject
{
    Q_OBJECT

private:
    static QStringList client(Example &example, const QString &server, const QStringList &args)
    {
        return QStringList{QStringLiteral("--db"), example.address(server, QStringLiteral("db")),
                           QStringLiteral("--server"), server} +
               args;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(serverPath()), qPrintable(serverPath()));
        QVERIFY2(QFile::exists(clientPath()), qPrintable(clientPath()));
    }

    void single()
    {
        START_EXAMPLE(e, "single", {QStringLiteral("cluster.json")});
        const ClientResult r =
            runClient(client(e, QStringLiteral("my_server"),
                             {QStringLiteral("eval"), QStringLiteral("my_server.foo"),
                              QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("you sent me a message\n"));
        QVERIFY2(e.main().waitFor(QStringLiteral(" - my_server - WARNING - Got a message")),
                 qPrintable(e.describe()));
    }

    void parallel()
    {
        START_EXAMPLE(e, "parallel", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        const QStringList replies = lines(r.out);
        QCOMPARE(replies.size(), 10);
        QVERIFY2(allMatch(replies, QStringLiteral("worker-[12] processed a message")),
                 r.out.constData());
    }

    void cache()
    {
        START_EXAMPLE(e, "cache", {QStringLiteral("cluster.json")});
        ClientResult r = runClient(client(
            e, QStringLiteral("server"),
            {QStringLiteral("set"), QStringLiteral(" cached data "), QStringLiteral("cached")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("cached\n"));
        r = runClient(
            client(e, QStringLiteral("server"), {QStringLiteral("get"), QStringLiteral("cached")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral(" cached data \n"));
        r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(lines(r.out).size(), 10);
        QVERIFY2(allMatch(lines(r.out), QStringLiteral("worker-[12] cached data a message")),
                 r.out.constData());
    }

    void scatter()
    {
        START_EXAMPLE(e, "scatter", {QStringLiteral("cluster.json")});
        CLIENT_OK(runClient(client(
            e, QStringLiteral("server"),
            {QStringLiteral("set"), QStringLiteral(" cached data "), QStringLiteral("cached")})));
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("--replies"), QStringLiteral("3"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(lines(r.out).size(), 30);
        QVERIFY2(allMatch(lines(r.out), QStringLiteral("worker-[12] cached data a message")),
                 r.out.constData());
    }

    void gather()
    {
        START_EXAMPLE(e, "gather", {QStringLiteral("cluster.json")});
        CLIENT_OK(runClient(client(
            e, QStringLiteral("server"),
            {QStringLiteral("set"), QStringLiteral(" cached data "), QStringLiteral("cached")})));
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("--replies"), QStringLiteral("3"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        QStringList replies = lines(r.out);
        QCOMPARE(replies.size(), 30);
        QCOMPARE(replies.takeLast(), QStringLiteral("final message"));
        QVERIFY2(allMatch(replies, QStringLiteral("worker-[12] cached data a message")),
                 r.out.constData());
    }

    void logging()
    {
        START_EXAMPLE(e, "logging", {QStringLiteral("cluster.json")});
        CLIENT_OK(runClient(client(
            e, QStringLiteral("server"),
            {QStringLiteral("set"), QStringLiteral(" cached data "), QStringLiteral("cached")})));
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("--replies"), QStringLiteral("3"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        QStringList replies = lines(r.out);
        QCOMPARE(replies.size(), 30);
        QCOMPARE(replies.takeLast(), QStringLiteral("final message"));
        QVERIFY2(allMatch(replies, QStringLiteral("worker-[12] cached data a message")),
                 r.out.constData());
        QVERIFY2(e.main().waitFor(
                     QStringLiteral(" - server - CRITICAL - Changing the payload of the message")),
                 qPrintable(e.describe()));
        // 30 calls over two workers: at least one of them reached 10.
        static const QRegularExpression processed(
            QStringLiteral(" - worker-[12] - INFO - Processed 10 messages$"),
            QRegularExpression::MultilineOption);
        QVERIFY2(processed.match(e.main().output()).hasMatch(), qPrintable(e.describe()));
        // The master logs at WARNING: none of its INFO lines.
        QVERIFY2(!e.main().output().contains(QLatin1String(" - server - INFO - ")),
                 qPrintable(e.describe()));
    }

    void error()
    {
        START_EXAMPLE(e, "error", {QStringLiteral("cluster.json")});
        ClientResult r = runClient(client(e, QStringLiteral("my_server"),
                                          {QStringLiteral("eval"), QStringLiteral("my_server.foo"),
                                           QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("0\n"));
        QVERIFY2(
            e.main().waitFor(QStringLiteral(" - my_server - ERROR - User function gave an error")),
            qPrintable(e.describe()));
        // The traceback names the script and the line of the nil index.
        QVERIFY2(e.main().waitFor(QStringLiteral("server.lua:4:")), qPrintable(e.describe()));
        QVERIFY2(e.main().output().contains(QLatin1String("'x'")), qPrintable(e.describe()));
        // The next messages are served.
        r = runClient(client(e, QStringLiteral("my_server"),
                             {QStringLiteral("eval"), QStringLiteral("my_server.bar"),
                              QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("you sent me a message\n"));
        r = runClient(client(
            e, QStringLiteral("my_server"),
            {QStringLiteral("eval"), QStringLiteral("my_server.foo"), QStringLiteral("again")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("0\n"));
        QVERIFY(e.main().waitFor(
            QStringLiteral(" - my_server - ERROR - User function gave an error"), 2));
    }

    void pipeline()
    {
        START_EXAMPLE(e, "pipeline", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(
            client(e, QStringLiteral("my_server"),
                   {QStringLiteral("--sub"),
                    e.address(QStringLiteral("my_pipeline"), QStringLiteral("pub")),
                    QStringLiteral("eval"), QStringLiteral("my_server.foo my_pipeline.foo"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("and I pipelined you sent me a message\n"));
    }

    void tee()
    {
        START_EXAMPLE(e, "tee", {QStringLiteral("cluster.json"), QStringLiteral("echo.json")});
        // Both pipelines subscribed before the message is published.
        QVERIFY2(e.main().waitFor(QStringLiteral("Subscriber joined topic 'my_server'"), 2),
                 qPrintable(e.describe()));
        const ClientResult r = runClient(
            client(e, QStringLiteral("my_server"),
                   {QStringLiteral("--sub"),
                    e.servers[0]->address(QStringLiteral("my_pipeline"), QStringLiteral("pub")),
                    QStringLiteral("eval"), QStringLiteral("my_server.foo my_pipeline.foo"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("and I pipelined you sent me a message\n"));
        QVERIFY2(e.servers[1]->waitFor(
                     QStringLiteral(" - my_pipeline - WARNING - Just echo, nothing else")),
                 qPrintable(e.describe()));
    }

    void stream()
    {
        START_EXAMPLE(e, "stream", {QStringLiteral("cluster.json"), QStringLiteral("echo.json")});
        QVERIFY2(e.main().waitFor(QStringLiteral("Subscriber joined topic 'even'")),
                 qPrintable(e.describe()));
        QVERIFY2(e.main().waitFor(QStringLiteral("Subscriber joined topic 'odd'")),
                 qPrintable(e.describe()));
        const ClientResult r = runClient(
            client(e, QStringLiteral("my_server"),
                   {QStringLiteral("--sub"),
                    e.servers[0]->address(QStringLiteral("my_pipeline"), QStringLiteral("pub")),
                    QStringLiteral("job"), QStringLiteral("my_server.foo my_pipeline.foo"),
                    QStringLiteral("--repeat"), QStringLiteral("10"), QStringLiteral("--total"),
                    QStringLiteral("5"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(lines(r.out),
                 QStringList(5, QStringLiteral("and I pipelined you sent me a message")));
        QVERIFY2(e.servers[1]->waitFor(
                     QStringLiteral(" - my_pipeline - WARNING - Just echo, nothing else"), 5),
                 qPrintable(e.describe()));
    }

    void sink()
    {
        START_EXAMPLE(e, "sink", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(client(
            e, QStringLiteral("my_server"),
            {QStringLiteral("--sub"), e.address(QStringLiteral("my_sink"), QStringLiteral("pub")),
             QStringLiteral("eval"), QStringLiteral("my_server.foo my_sink.foo"),
             QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(text(r.out), QStringLiteral("and I pipelined you sent me a message\n"));
    }

    void streamSink()
    {
        START_EXAMPLE(e, "stream_sink",
                      {QStringLiteral("cluster.json"), QStringLiteral("odd.json")});
        QVERIFY2(e.main().waitFor(QStringLiteral("Subscriber joined topic 'even'")),
                 qPrintable(e.describe()));
        QVERIFY2(e.main().waitFor(QStringLiteral("Subscriber joined topic 'odd'")),
                 qPrintable(e.describe()));
        const ClientResult r = runClient(client(
            e, QStringLiteral("my_server"),
            {QStringLiteral("--sub"), e.address(QStringLiteral("my_sink"), QStringLiteral("pub")),
             QStringLiteral("job"), QStringLiteral("my_server.foo my_pipeline.foo my_sink.foo"),
             QStringLiteral("--repeat"), QStringLiteral("10"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(
            lines(r.out),
            QStringList(10, QStringLiteral("and gathered and I pipelined you sent me a message")));
        // Half of the messages took each pipeline.
        QVERIFY2(e.servers[0]->waitFor(QStringLiteral(" - my_pipeline - INFO - Got a message"), 5),
                 qPrintable(e.describe()));
        QVERIFY2(e.servers[1]->waitFor(QStringLiteral(" - my_pipeline - INFO - Got a message"), 5),
                 qPrintable(e.describe()));
    }

    void serverHub()
    {
        START_EXAMPLE(e, "server_hub", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("--sub"),
                    e.address(QStringLiteral("hub"), QStringLiteral("pub")), QStringLiteral("eval"),
                    QStringLiteral("server.foo hub.foo"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        QVERIFY2(
            allMatch(lines(r.out), QStringLiteral("worker-[12] processed you sent me a message")),
            r.out.constData());
        QCOMPARE(lines(r.out).size(), 1);
    }

    void masterPipeline()
    {
        START_EXAMPLE(e, "master_pipeline", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(client(
            e, QStringLiteral("server"),
            {QStringLiteral("--sub"),
             e.address(QStringLiteral("my_pipeline"), QStringLiteral("pub")), QStringLiteral("job"),
             QStringLiteral("server.foo my_pipeline.foo"), QStringLiteral("--repeat"),
             QStringLiteral("10"), QStringLiteral("a message")}));
        CLIENT_OK(r);
        QCOMPARE(lines(r.out).size(), 10);
        QVERIFY2(allMatch(lines(r.out),
                          QStringLiteral("and I pipelined worker-[12] processed a message")),
                 r.out.constData());
    }

    void multiResult()
    {
        START_EXAMPLE(e, "multi_result", {QStringLiteral("cluster.json")});
        const ClientResult r = runClient(
            client(e, QStringLiteral("server"),
                   {QStringLiteral("job"), QStringLiteral("server.foo"), QStringLiteral("--repeat"),
                    QStringLiteral("10"), QStringLiteral("--replies"), QStringLiteral("2"),
                    QStringLiteral("a message")}));
        CLIENT_OK(r);
        const QStringList replies = lines(r.out);
        QCOMPARE(replies.size(), 20);
        QVERIFY2(allMatch(replies, QStringLiteral("worker-[12] processed a message [12]")),
                 r.out.constData());
        QCOMPARE(replies.filter(QRegularExpression(QStringLiteral(" 1$"))).size(), 10);
        QCOMPARE(replies.filter(QRegularExpression(QStringLiteral(" 2$"))).size(), 10);
    }

    // The README of every example names commands that exist.
    void readmes()
    {
        const QDir examples(examplesDir());
        for (const QString &name : examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile readme(examples.filePath(name + QStringLiteral("/README.md")));
            QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(name));
            const QString content = QString::fromUtf8(readme.readAll());
            QVERIFY2(content.contains(QLatin1String("qpalm-server cluster.json")),
                     qPrintable(name));
            QVERIFY2(content.contains(QLatin1String("qpalm-client --db tcp://127.0.0.1:")),
                     qPrintable(name));
        }
        QVERIFY(sorted(examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)).size() == 15);
    }
};

QTEST_GUILESS_MAIN(TestCliExamples)
#include "tst_cli_examples.moc"
