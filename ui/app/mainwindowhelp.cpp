// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "cluster.h"
#include "clusterpanel.h"
#include "helpdialogs.h"
#include "serverhandle.h"

#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

// Help and what the window says when servers could not start.
namespace qpalm {

void MainWindow::showShortcuts()
{
    ShortcutsDialog dialog(this, this);
    dialog.exec();
}

void MainWindow::showUserGuide()
{
    auto *guide = new UserGuideDialog(this);
    guide->setAttribute(Qt::WA_DeleteOnClose);
    guide->show(); // beside the window, to follow along
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About qpalm"), aboutText());
}

void MainWindow::reportStartFailures(const QStringList &failures)
{
    if (failures.isEmpty())
        return;
    // What is left running after a failed start is said, never left half up silently.
    QStringList running;
    const QList<ServerHandle *> servers = cluster()->servers();
    for (const ServerHandle *server : servers) {
        if (server->state() == ServerHandle::State::Running)
            running.append(server->name());
    }
    QString text =
        failures.size() == 1
            ? tr("Could not start %1").arg(failures.first())
            : tr("Could not start %1 servers; the Cluster panel says why").arg(failures.size());
    if (!running.isEmpty() && running.size() < servers.size())
        text +=
            tr(" — still running: %1 (Stop All stops them)").arg(running.join(QLatin1String(", ")));
    statusBar()->showMessage(text, 30000);
    m_lastError = failures.join(QLatin1Char('\n'));
    if (!running.isEmpty())
        m_lastError +=
            QLatin1Char('\n') + tr("still running: %1").arg(running.join(QLatin1String(", ")));
    if (!m_interactive || running.isEmpty() || running.size() == servers.size())
        return;
    QMessageBox box(QMessageBox::Warning, tr("Cluster Partly Started"),
                    failures.size() == 1 ? tr("A server could not start.")
                                         : tr("%1 servers could not start.").arg(failures.size()),
                    QMessageBox::NoButton, this);
    box.setInformativeText(
        tr("%1\n\nStill running: %2.")
            .arg(failures.join(QLatin1Char('\n')), running.join(QLatin1String(", "))));
    QPushButton *stop = box.addButton(tr("&Stop Them"), QMessageBox::DestructiveRole);
    box.addButton(tr("&Keep Them Running"), QMessageBox::RejectRole);
    box.exec();
    if (box.clickedButton() == stop)
        m_clusterPanel->stopServers(running);
}

} // namespace qpalm
