// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clientworker.h"
#include "replylistmodel.h"

#include <QElapsedTimer>
#include <QPointF>
#include <QWidget>

#include <algorithm>
#include <limits>

class QCheckBox;
class QChart;
class QChartView;
class QCompleter;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStringListModel;
class QThread;
class QTimer;
class QValueAxis;

namespace qpalm {

class Cluster;
class ServerHandle;

// Sends evals and jobs to a chosen server from a worker thread; shows replies, latency and
// throughput.
class ClientPanel : public QWidget
{
    Q_OBJECT
public:
    // "850 µs", "3.25 ms", "420 ms", "12.5 s": how a job's duration reads.
    static QString durationText(double msecs);
    explicit ClientPanel(QWidget *parent = nullptr);
    ~ClientPanel() override;

    // The servers to choose from (Servers and Masters are listed; others can still answer a
    // pipeline).
    void setServers(const QList<ServerHandle *> &servers);
    // Follows a cluster's servers as they come and go.
    void setCluster(Cluster *cluster);
    ServerHandle *currentServer() const;
    // Selects the target server by name; false when it is not listed.
    bool setCurrentServer(const QString &name);
    // Takes replies from this server's PUB (nullptr: automatic, the server named by the last
    // function entry).
    bool setReplyServer(const QString &name);

    // Form fields, also editable by the user.
    void setFunction(const QString &function);
    QString function() const;
    void setPayload(const QByteArray &payload);
    QByteArray payload() const;
    void setCount(int count);
    void setRate(double messagesPerSecond);
    void setRepliesPerMessage(int replies);
    void setTimeout(int msecs);

    // Sends one message and waits for its replies; false (reason in lastError) when it cannot
    // start.
    bool startEval();
    // Streams count messages at the chosen rate; false (reason in lastError) when it cannot start.
    bool startJob();
    // Stops sending; the job then waits for replies already due and finishes.
    void stop();
    bool isRunning() const { return m_running; }
    QString lastError() const { return m_lastError; }

    // Results of the last (or running) job.
    int sent() const { return clampToInt(m_report.sent); }
    int received() const { return clampToInt(m_report.received); }
    double p50Ms() const { return m_report.p50Ms; }
    double p99Ms() const { return m_report.p99Ms; }
    ReplyListModel *replyModel() const { return m_replies; }
    // The throughput series (x: seconds relative to now, -60..0; y: replies per second).
    QLineSeries *throughputSeries() const { return m_series; }

Q_SIGNALS:
    // GUI thread: an eval or job was handed to the worker.
    void jobStarted();
    // GUI thread: the eval or job ended (also after Stop or an error).
    void jobFinished(int sent, int received, double p50ms, double p99ms);
    // GUI thread: the eval or job could not start (no jobFinished follows) or failed (jobFinished
    // follows).
    void jobFailed(const QString &error);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    static int clampToInt(qint64 value)
    {
        return int(std::min<qint64>(value, std::numeric_limits<int>::max()));
    }
    bool start(bool eval);
    void onProgress(const JobReport &report);
    void onFinished(const JobReport &report);
    void showReport(const JobReport &report);
    void setRunning(bool running);
    void fail(const QString &error);
    void updateCompletions();
    void sampleThroughput();
    QString replyServerAddress(ServerHandle *target) const;

    ServerChooser *m_server = nullptr;
    ServerChooser *m_replyServer = nullptr;
    QLineEdit *m_function = nullptr;
    QStringListModel *m_completions = nullptr;
    QPlainTextEdit *m_payload = nullptr;
    QCheckBox *m_payloadHex = nullptr;
    QSpinBox *m_count = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QSpinBox *m_repliesPerMessage = nullptr;
    QSpinBox *m_timeout = nullptr;
    QPushButton *m_evalButton = nullptr;
    QPushButton *m_jobButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_latency = nullptr;
    QLabel *m_rateLabel = nullptr;
    QListView *m_replyView = nullptr;
    ReplyListModel *m_replies = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_series = nullptr;
    QValueAxis *m_axisX = nullptr;
    QValueAxis *m_axisY = nullptr;
    QTimer *m_chartTimer = nullptr;

    QThread *m_thread = nullptr;
    ClientWorker *m_worker = nullptr;
    CancelFlag m_cancel;
    CancelFlag m_abort;
    bool m_eval = false; // the running request is an eval
    bool m_running = false;
    QString m_lastError;
    JobReport m_report;
    qint64 m_jobBaseReceived = 0; // m_totalReceived when the running job started
    qint64 m_totalReceived = 0;   // over every job, for the throughput chart
    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, qint64>> m_receivedSamples; // (msecs, m_totalReceived)
    std::deque<QPointF> m_throughput;                        // (msecs, replies/s)
};

} // namespace qpalm
