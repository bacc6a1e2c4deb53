// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// qpalm: opens a cluster file (or the demo) in the desktop app.
#include "appsettings.h"
#include "mainwindow.h"
#include "screenshot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <memory>

namespace {

// The demo cluster: installed in the share dir next to the executable's, or unpacked from
// resources.
QString findDemoCluster()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates{
        QDir(appDir).filePath(QStringLiteral(QPALM_DATA_DIR "/qpalm/demo/cluster.json")),
    };
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isFile())
            return QFileInfo(candidate).canonicalFilePath();
    }
    const QString target = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                               .filePath(QStringLiteral("demo"));
    QDir().mkpath(target);
    QDirIterator it(QStringLiteral(":/qpalm/demo"));
    while (it.hasNext()) {
        const QString source = it.next();
        const QString dest = QDir(target).filePath(QFileInfo(source).fileName());
        QFile::remove(dest);
        QFile::copy(source, dest);
        QFile::setPermissions(dest, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                        QFile::ReadOther);
    }
    return QDir(target).filePath(QStringLiteral("cluster.json"));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("qpalm"));
    QCoreApplication::setOrganizationName(QStringLiteral("qpalm"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPALM_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Desktop cluster manager for PALM (pylm) message clusters.\n"
                       "Without a file, opens and starts the demo cluster."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption noStart(QStringLiteral("no-start"),
                                     QStringLiteral("Open the cluster without starting it."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Start the cluster, run a short job, save DIR/mainwindow.png and quit."),
        QStringLiteral("DIR"));
    parser.addOption(noStart);
    parser.addOption(screenshot);
    parser.addPositionalArgument(QStringLiteral("CLUSTER.json"),
                                 QStringLiteral("Cluster file to open."),
                                 QStringLiteral("[CLUSTER.json]"));

    // --help and --version work without a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "qpalm: %s\nTry 'qpalm --help'.\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(versionOption)) {
        std::printf("qpalm %s\n", QPALM_VERSION);
        return 0;
    }
    if (parser.isSet(helpOption)) {
        std::printf("%s", qPrintable(parser.helpText().replace(QLatin1String("<executable_name>"),
                                                               QLatin1String("qpalm"))));
        return 0;
    }
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "qpalm: one cluster file at most, got %lld\n",
                     qlonglong(parser.positionalArguments().size()));
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/qpalm/icons/qpalm.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("qpalm"));
    // The catalogue for the user's language, compiled in under :/i18n (English is the source).
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("qpalm"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    const bool shooting = parser.isSet(screenshot);
    // A screenshot uses the default layout, not the user's.
    QTemporaryDir scratch;
    std::unique_ptr<qpalm::AppSettings> settings =
        shooting
            ? std::make_unique<qpalm::AppSettings>(scratch.filePath(QStringLiteral("qpalm.ini")))
            : std::make_unique<qpalm::AppSettings>();

    qpalm::MainWindow window(settings.get());
    const QString path = parser.positionalArguments().value(0);
    if (shooting) {
        window.resize(1600, 1000);
        window.move(0, 0);
    }
    window.show();

    const QString demo = findDemoCluster();
    window.setDemoPath(demo);
    const QString file = path.isEmpty() ? demo : path;
    if (shooting)
        window.setInteractive(false);
    // The demo starts; another file starts as the preference says (asks by default).
    const bool opened = parser.isSet(noStart)        ? window.openClusterFile(file, false)
                        : path.isEmpty() || shooting ? window.openClusterFile(file, true)
                                                     : window.openFile(file);
    if (!opened) {
        if (shooting) {
            std::fprintf(stderr, "qpalm: %s\n", qPrintable(window.lastError()));
            return 1;
        }
    }
    if (shooting)
        QTimer::singleShot(300, &window, [&window, dir = parser.value(screenshot)] {
            qpalm::runScreenshot(&window, dir);
        });
    return app.exec();
}
