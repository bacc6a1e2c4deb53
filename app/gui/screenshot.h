// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace qpalm {

class MainWindow;

// --screenshot: with the cluster running, streams a short job through the client panel,
// grabs the window to dir/mainwindow.png after ~2 s (and the New Server dialog to
// dir/serverdialog.png), then quits (exit code 0 when all went well).
void runScreenshot(MainWindow *window, const QString &dir);

} // namespace qpalm
