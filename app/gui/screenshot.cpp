// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "screenshot.h"

#include "clientpanel.h"
#include "clustermodel.h"
#include "clusterpanel.h"
#include "mainwindow.h"
#include "serverdialog.h"

#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

namespace qpalm {

namespace {
void warn(const QString &text)
{
    std::fprintf(stderr, "qpalm: %s\n", qPrintable(text));
}
} // namespace

void runScreenshot(MainWindow *window, const QString &dir)
{
    auto *failures = new QStringList;
    ClientPanel *client = window->clientPanel();
    const ClusterModel::Totals totals = window->clusterPanel()->model()->totals();
    if (totals.running < totals.total)
        failures->append(
            QStringLiteral("%1 of %2 servers run").arg(totals.running).arg(totals.total));

    client->setCurrentServer(QStringLiteral("master"));
    client->setFunction(QStringLiteral("master.process pipeline.tag"));
    client->setPayload(QByteArrayLiteral("hello qpalm"));
    client->setCount(1500);
    client->setRate(300);
    if (!client->startJob())
        failures->append(QStringLiteral("the job did not start: %1").arg(client->lastError()));
    QObject::connect(client, &ClientPanel::jobFailed, window, [failures](const QString &error) {
        failures->append(QStringLiteral("the job failed: %1").arg(error));
    });

    QTimer::singleShot(2500, window, [window, client, dir, failures] {
        const QString path = QDir(dir).filePath(QStringLiteral("mainwindow.png"));
        QDir().mkpath(dir);
        const QPixmap shot = window->grab();
        if (!shot.save(path))
            failures->append(QStringLiteral("cannot write %1").arg(path));
        else
            std::printf("%s\n", qPrintable(path));
        // The New Server dialog, as it opens on this cluster.
        ServerDialog dialog(window);
        dialog.setOtherServers(window->clusterConfigs());
        dialog.prepareNew(ServerKind::Pipeline);
        dialog.show();
        const QString dialogPath = QDir(dir).filePath(QStringLiteral("serverdialog.png"));
        if (!dialog.grab().save(dialogPath))
            failures->append(QStringLiteral("cannot write %1").arg(dialogPath));
        dialog.hide();
        if (client->received() == 0)
            failures->append(QStringLiteral("no reply arrived"));
        client->stop();
        for (const QString &failure : std::as_const(*failures))
            warn(failure);
        const int code = failures->isEmpty() ? 0 : 1;
        delete failures;
        QCoreApplication::exit(code);
    });
}

} // namespace qpalm
