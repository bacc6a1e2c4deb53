// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Helper of tst_consolewriter: servers log through the console sink, then the process ends at
// once: "return" from main, "exit" (std::exit), or "_exit" after flushConsoleLog().
#include "logger.h"

#include <QCoreApplication>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const char *mode = argc > 1 ? argv[1] : "return";
    std::vector<std::thread> threads;
    for (int server = 0; server < 4; ++server) {
        threads.emplace_back([server] {
            qpalm::Logger logger(QStringLiteral("s%1").arg(server));
            for (int i = 0; i < 5000; ++i)
                logger.info(QString::number(i));
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    if (std::strcmp(mode, "exit") == 0)
        std::exit(0);
    if (std::strcmp(mode, "_exit") == 0) {
        qpalm::flushConsoleLog();
        ::_exit(0);
    }
    return 0;
}
