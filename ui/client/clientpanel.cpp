// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientpanel.h"

#include "cluster.h"
#include "dispatcher.h"
#include "serverhandle.h"
#include "servertraits.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStringListModel>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace qpalm {

namespace {
constexpr qint64 ChartWindowMs = 60000;
constexpr qint64 RateWindowMs = 1000;

// 1, 2, 5, 10, 20, 50, ... at or above value.
double niceCeiling(double value)
{
    if (value <= 1.0)
        return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * magnitude >= value)
            return step * magnitude;
    }
    return 10.0 * magnitude;
}
} // namespace

ClientPanel::ClientPanel(QWidget *parent) : QWidget(parent)
{
    m_clock.start();

    m_server = new ServerChooser(this);
    m_server->setObjectName(QStringLiteral("server"));
    m_server->setToolTip(tr("The server the messages are pushed to (a Server or a Master)."));
    m_server->setFilter(
        [](const ServerHandle *server) { return traitsOf(server->kind()).bindsClientPull; });
    m_replyServer = new ServerChooser(this);
    m_replyServer->setObjectName(QStringLiteral("replyServer"));
    m_replyServer->setEmptyChoice(tr("Auto"));
    m_replyServer->setToolTip(
        tr("Whose PUB the replies come from. Auto: the server named by the last "
           "function entry (the end of a pipeline), else the target server."));

    m_function = new QLineEdit(this);
    m_function->setObjectName(QStringLiteral("function"));
    m_function->setPlaceholderText(tr("server.method [next.method ...]"));
    m_function->setToolTip(
        tr("The function to call; several space-separated entries form a pipeline."));
    m_completions = new QStringListModel(this);
    auto *completer = new QCompleter(m_completions, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_function->setCompleter(completer);

    m_payload = new QPlainTextEdit(this);
    m_payload->setObjectName(QStringLiteral("payload"));
    m_payload->setPlaceholderText(tr("Payload sent with each message"));
    m_payload->setTabChangesFocus(true);
    m_payload->setMaximumHeight(fontMetrics().lineSpacing() * 3 + 2 * m_payload->frameWidth() + 8);
    m_payloadHex = new QCheckBox(tr("Hex"), this);
    m_payloadHex->setObjectName(QStringLiteral("payloadHex"));
    m_payloadHex->setToolTip(tr("Read the payload as hex bytes (e.g. 00 ff 10)."));

    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("count"));
    m_count->setRange(1, std::numeric_limits<int>::max());
    m_count->setValue(100);
    m_count->setToolTip(tr("Messages sent by Job."));
    m_rate = new QDoubleSpinBox(this);
    m_rate->setObjectName(QStringLiteral("rate"));
    m_rate->setRange(0, 1e7);
    m_rate->setDecimals(1);
    m_rate->setSuffix(tr(" msg/s"));
    m_rate->setSpecialValueText(tr("as fast as possible"));
    m_rate->setToolTip(tr("Messages per second sent by Job; 0 sends as fast as possible."));
    m_repliesPerMessage = new QSpinBox(this);
    m_repliesPerMessage->setObjectName(QStringLiteral("repliesPerMessage"));
    m_repliesPerMessage->setRange(0, 1000000);
    m_repliesPerMessage->setValue(1);
    m_repliesPerMessage->setToolTip(
        tr("Replies expected per message (a scatter may give several); 0 waits for none."));
    m_timeout = new QSpinBox(this);
    m_timeout->setObjectName(QStringLiteral("timeout"));
    m_timeout->setRange(100, 3600000);
    m_timeout->setSingleStep(1000);
    m_timeout->setValue(5000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setToolTip(tr("How long to wait for each reply before giving up."));

    m_evalButton = new QPushButton(tr("Eva&l"), this);
    m_evalButton->setObjectName(QStringLiteral("evalButton"));
    m_evalButton->setToolTip(tr("Send one message and wait for its replies."));
    m_jobButton = new QPushButton(tr("&Job"), this);
    m_jobButton->setObjectName(QStringLiteral("jobButton"));
    m_jobButton->setToolTip(tr("Stream Count messages at the chosen rate."));
    m_stopButton = new QPushButton(tr("S&top"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setEnabled(false);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("counts"));
    m_latency = new QLabel(this);
    m_latency->setObjectName(QStringLiteral("latency"));
    m_rateLabel = new QLabel(this);
    m_rateLabel->setObjectName(QStringLiteral("throughput"));

    m_replies = new ReplyListModel(this);
    m_replyView = new QListView(this);
    m_replyView->setObjectName(QStringLiteral("replies"));
    m_replyView->setModel(m_replies);
    m_replyView->setUniformItemSizes(true);
    m_replyView->setSelectionMode(QAbstractItemView::ExtendedSelection);

    m_series = new QLineSeries(this);
    m_series->setName(tr("replies/s"));
    auto *chart = new QChart;
    chart->addSeries(m_series);
    chart->legend()->hide();
    chart->setMargins(QMargins(2, 2, 2, 2));
    m_axisX = new QValueAxis(chart);
    m_axisX->setRange(-double(ChartWindowMs) / 1000.0, 0);
    m_axisX->setLabelFormat(QStringLiteral("%d"));
    m_axisX->setTickCount(7);
    m_axisX->setTitleText(tr("seconds"));
    m_axisY = new QValueAxis(chart);
    m_axisY->setRange(0, 10);
    m_axisY->setLabelFormat(QStringLiteral("%g"));
    m_axisY->setTitleText(tr("replies/s"));
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);
    m_chartView = new QChartView(chart, this);
    m_chartView->setObjectName(QStringLiteral("throughputChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(140);

    // Layout: form on top, buttons and figures, then replies beside the chart.
    auto label = [this](const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text, this);
        label->setBuddy(buddy);
        return label;
    };
    auto *form = new QFormLayout;
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_server, 1);
    serverRow->addWidget(label(tr("Replies fro&m:"), m_replyServer));
    serverRow->addWidget(m_replyServer, 1);
    form->addRow(label(tr("S&erver:"), m_server), serverRow);
    form->addRow(tr("Funct&ion:"), m_function);
    auto *payloadRow = new QHBoxLayout;
    payloadRow->addWidget(m_payload, 1);
    payloadRow->addWidget(m_payloadHex, 0, Qt::AlignTop);
    form->addRow(label(tr("Pa&yload:"), m_payload), payloadRow);
    auto *numbers = new QHBoxLayout;
    auto addNumber = [&](const QString &label, QWidget *field) {
        auto *text = new QLabel(label, this);
        text->setBuddy(field);
        numbers->addWidget(text);
        numbers->addWidget(field);
    };
    addNumber(tr("Co&unt:"), m_count);
    addNumber(tr("Rate:"), m_rate);
    addNumber(tr("Replies/msg:"), m_repliesPerMessage);
    addNumber(tr("Timeout:"), m_timeout);
    numbers->addStretch();
    form->addRow(numbers);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_evalButton);
    buttons->addWidget(m_jobButton);
    buttons->addWidget(m_stopButton);
    buttons->addSpacing(12);
    buttons->addWidget(m_counts);
    buttons->addSpacing(12);
    buttons->addWidget(m_latency);
    buttons->addSpacing(12);
    buttons->addWidget(m_rateLabel);
    buttons->addStretch();

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_replyView);
    splitter->addWidget(m_chartView);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({400, 600});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_evalButton, &QPushButton::clicked, this, [this] { startEval(); });
    connect(m_jobButton, &QPushButton::clicked, this, [this] { startJob(); });
    connect(m_stopButton, &QPushButton::clicked, this, &ClientPanel::stop);
    connect(m_function, &QLineEdit::returnPressed, this, [this] { startEval(); });
    connect(m_server, &ServerChooser::currentServerChanged, this, [this](ServerHandle *server) {
        m_function->setPlaceholderText(server ? server->name() +
                                                    QStringLiteral(".method [next.method ...]")
                                              : tr("server.method [next.method ...]"));
    });

    m_chartTimer = new QTimer(this);
    m_chartTimer->setInterval(500);
    connect(m_chartTimer, &QTimer::timeout, this, &ClientPanel::sampleThroughput);

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("qpalm-client-panel"));
    m_worker = new ClientWorker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ClientWorker::jobProgressed, this, &ClientPanel::onProgress);
    connect(m_worker, &ClientWorker::jobFinished, this, &ClientPanel::onFinished);
    m_thread->start();

    showReport({});
}

ClientPanel::~ClientPanel()
{
    // Closing ends a job at once, even one waiting for replies.
    if (m_cancel)
        m_cancel->store(true);
    if (m_abort)
        m_abort->store(true);
    m_thread->quit();
    m_thread->wait();
}

void ClientPanel::setServers(const QList<ServerHandle *> &servers)
{
    m_server->setServers(servers);
    m_replyServer->setServers(servers);
    updateCompletions();
}

void ClientPanel::setCluster(Cluster *cluster)
{
    m_server->setCluster(cluster);
    m_replyServer->setCluster(cluster);
    updateCompletions();
    if (cluster)
        connect(cluster, &Cluster::serverAdded, this, &ClientPanel::updateCompletions,
                Qt::UniqueConnection);
}

ServerHandle *ClientPanel::currentServer() const
{
    return m_server->currentServer();
}

bool ClientPanel::setCurrentServer(const QString &name)
{
    return m_server->setCurrentServer(name);
}

bool ClientPanel::setReplyServer(const QString &name)
{
    if (name.isEmpty()) {
        m_replyServer->setCurrentIndex(0);
        return true;
    }
    return m_replyServer->setCurrentServer(name);
}

void ClientPanel::setFunction(const QString &function)
{
    m_function->setText(function);
}

QString ClientPanel::function() const
{
    return m_function->text().simplified();
}

void ClientPanel::setPayload(const QByteArray &payload)
{
    if (m_payloadHex->isChecked())
        m_payload->setPlainText(formatHex(payload));
    else
        m_payload->setPlainText(QString::fromUtf8(payload));
}

QByteArray ClientPanel::payload() const
{
    if (!m_payloadHex->isChecked())
        return m_payload->toPlainText().toUtf8();
    QByteArray bytes;
    parseHex(m_payload->toPlainText(), &bytes);
    return bytes;
}

void ClientPanel::setCount(int count)
{
    m_count->setValue(count);
}

void ClientPanel::setRate(double messagesPerSecond)
{
    m_rate->setValue(messagesPerSecond);
}

void ClientPanel::setRepliesPerMessage(int replies)
{
    m_repliesPerMessage->setValue(replies);
}

void ClientPanel::setTimeout(int msecs)
{
    m_timeout->setValue(msecs);
}

bool ClientPanel::startEval()
{
    return start(true);
}

bool ClientPanel::startJob()
{
    return start(false);
}

void ClientPanel::stop()
{
    if (!m_running || !m_cancel)
        return;
    m_cancel->store(true);
    if (m_eval) // nothing more to send: stop waiting for its replies
        m_abort->store(true);
    m_stopButton->setEnabled(false);
    m_status->setText(tr("Stopping: waiting for the replies of messages already sent..."));
}

QString ClientPanel::replyServerAddress(ServerHandle *target) const
{
    ServerHandle *reply = m_replyServer->currentServer();
    if (!reply) {
        const QStringList entries = function().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const QString last =
            entries.isEmpty() ? QString() : entries.last().section(QLatin1Char('.'), 0, 0);
        const auto servers = m_server->servers();
        for (ServerHandle *server : servers) {
            if (server->name() == last && server->state() == ServerHandle::State::Running)
                reply = server;
        }
    }
    if (!reply || reply == target)
        return {};
    return reply->address(QStringLiteral("pub_address"));
}

bool ClientPanel::start(bool eval)
{
    if (m_running) {
        m_lastError = tr("A job is already running; stop it first.");
        return false;
    }
    QString error;
    ServerHandle *target = m_server->currentServer();
    JobRequest request;
    request.endpoint = endpointFor(target, &error);
    request.endpoint.timeoutMs = m_timeout->value();
    request.function = function();
    request.eval = eval;
    request.count = m_count->value();
    request.rate = m_rate->value();
    request.repliesPerMessage = m_repliesPerMessage->value();
    request.keepReplies = eval ? m_replies->maximum() : 100;
    if (error.isEmpty() && request.function.isEmpty())
        error = tr(
            "No function given: enter server.method (several separated by spaces for a pipeline).");
    if (!m_payloadHex->isChecked()) {
        request.payload = m_payload->toPlainText().toUtf8();
    } else if (QString hexError; !parseHex(m_payload->toPlainText(), &request.payload, &hexError)) {
        if (error.isEmpty())
            error = tr("The payload is not valid hex: %1").arg(hexError);
    }
    if (error.isEmpty()) {
        ServerHandle *explicitReply = m_replyServer->currentServer();
        if (explicitReply && explicitReply->state() != ServerHandle::State::Running)
            error = tr("Server '%1' (replies from) is not running.").arg(explicitReply->name());
        else
            request.endpoint.subAddress = replyServerAddress(target);
    }
    if (!error.isEmpty()) {
        fail(error);
        return false;
    }

    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_abort = std::make_shared<std::atomic<bool>>(false);
    request.cancel = m_cancel;
    request.abort = m_abort;
    m_eval = eval;
    m_lastError.clear();
    m_replies->clear();
    m_report = {};
    m_jobBaseReceived = m_totalReceived;
    m_receivedSamples.emplace_back(m_clock.elapsed(), m_totalReceived);
    showReport(m_report);
    setRunning(true);
    m_status->setText(eval ? tr("Eval of %1 on %2...").arg(request.function, target->name())
                           : tr("Job of %1 x %2 on %3...")
                                 .arg(request.count)
                                 .arg(request.function, target->name()));
    ClientWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    Q_EMIT jobStarted();
    return true;
}

void ClientPanel::fail(const QString &error)
{
    m_lastError = error;
    m_status->setText(error);
    Q_EMIT jobFailed(error);
}

void ClientPanel::onProgress(const JobReport &report)
{
    if (!m_running)
        return;
    showReport(report);
}

QString ClientPanel::durationText(double msecs)
{
    // A job over loopback can take less than a millisecond: never "0 ms".
    if (msecs < 1.0)
        return tr("%1 µs").arg(qMax<qint64>(1, qRound64(msecs * 1000.0)));
    if (msecs < 10.0)
        return tr("%1 ms").arg(msecs, 0, 'f', 2);
    if (msecs < 10'000.0)
        return tr("%1 ms").arg(qRound64(msecs));
    return tr("%1 s").arg(msecs / 1000.0, 0, 'f', 1);
}

void ClientPanel::onFinished(const JobReport &report)
{
    if (!m_running)
        return;
    showReport(report);
    setRunning(false);
    m_cancel.reset();
    m_abort.reset();
    if (!report.error.isEmpty()) {
        fail(report.error);
    } else {
        const QString took = durationText(report.elapsedExactMs);
        m_status->setText(report.cancelled ? tr("Stopped after %1 messages, %2 replies in %3.")
                                                 .arg(report.sent)
                                                 .arg(report.received)
                                                 .arg(took)
                                           : tr("Done: %1 messages, %2 replies in %3.")
                                                 .arg(report.sent)
                                                 .arg(report.received)
                                                 .arg(took));
    }
    Q_EMIT jobFinished(sent(), received(), p50Ms(), p99Ms());
}

void ClientPanel::showReport(const JobReport &report)
{
    QList<QByteArray> replies = report.replies;
    m_report = report;
    m_report.replies.clear();
    if (!replies.isEmpty())
        m_replies->appendReplies(replies, report.received - replies.size() + 1);
    m_replyView->scrollToBottom();
    m_counts->setText(tr("Sent %1, received %2").arg(report.sent).arg(report.received));
    m_latency->setText(report.received > 0
                           ? tr("Latency p50 %1 ms, p99 %2 ms")
                                 .arg(report.p50Ms, 0, 'f', report.p50Ms < 10 ? 2 : 1)
                                 .arg(report.p99Ms, 0, 'f', report.p99Ms < 10 ? 2 : 1)
                           : tr("Latency -"));
    const qint64 total = m_jobBaseReceived + report.received;
    if (total != m_totalReceived) {
        m_totalReceived = total;
        sampleThroughput();
    }
}

void ClientPanel::setRunning(bool running)
{
    m_running = running;
    m_evalButton->setEnabled(!running);
    m_jobButton->setEnabled(!running);
    m_stopButton->setEnabled(running);
    m_server->setEnabled(!running);
    m_replyServer->setEnabled(!running);
}

void ClientPanel::updateCompletions()
{
    QStringList names;
    const auto servers = m_server->servers();
    for (ServerHandle *server : servers) {
        const auto handlers = NativeHandlers::lookup(server->config().nativeHandlers);
        if (!handlers)
            continue;
        for (const auto &entry : handlers->functions())
            names.append(server->name() + QLatin1Char('.') + QString::fromStdString(entry.first));
    }
    names.removeDuplicates();
    names.sort();
    m_completions->setStringList(names);
}

void ClientPanel::sampleThroughput()
{
    const qint64 now = m_clock.elapsed();
    if (m_receivedSamples.empty() || m_receivedSamples.back().first < now ||
        m_receivedSamples.back().second != m_totalReceived)
        m_receivedSamples.emplace_back(now, m_totalReceived);
    // Replies in the last second: the received count at the window's start is interpolated between
    // samples.
    const qint64 from = now - RateWindowMs;
    while (m_receivedSamples.size() > 2 && m_receivedSamples[1].first <= from)
        m_receivedSamples.pop_front();
    const auto &first = m_receivedSamples.front();
    double baseCount = double(first.second);
    qint64 span = now - first.first;
    if (first.first <= from) {
        span = RateWindowMs;
        if (m_receivedSamples.size() >= 2) {
            const auto &second = m_receivedSamples[1];
            const qint64 gap = second.first - first.first;
            const double fraction = gap > 0 ? double(from - first.first) / double(gap) : 1.0;
            baseCount += fraction * double(second.second - first.second);
        }
    }
    const double rate =
        span > 0 ? (double(m_totalReceived) - baseCount) * 1000.0 / double(span) : 0.0;
    if (!m_throughput.empty() && m_throughput.back().x() == double(now))
        m_throughput.back().setY(rate);
    else
        m_throughput.emplace_back(double(now), rate);
    while (!m_throughput.empty() && m_throughput.front().x() < double(now - ChartWindowMs))
        m_throughput.pop_front();

    QList<QPointF> points;
    points.reserve(qsizetype(m_throughput.size()));
    double peak = 0;
    for (const QPointF &point : m_throughput) {
        points.append(QPointF((point.x() - double(now)) / 1000.0, point.y()));
        peak = std::max(peak, point.y());
    }
    m_series->replace(points);
    m_axisY->setRange(0, niceCeiling(peak * 1.1));
    m_rateLabel->setText(tr("%1 replies/s").arg(rate, 0, 'f', rate < 10 ? 1 : 0));
}

void ClientPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_chartTimer->start();
}

void ClientPanel::hideEvent(QHideEvent *event)
{
    m_chartTimer->stop();
    QWidget::hideEvent(event);
}

} // namespace qpalm
