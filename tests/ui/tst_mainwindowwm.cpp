// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The window under a real window manager: this suite runs itself again (--under-wm) on xcb inside
// xvfb-run with openbox, on a large and a small screen, where the window and every dialog must
// lie on the screen's free area with the frame openbox draws: first run centered, a geometry
// saved on a larger screen or off it fitted, one that fits kept, un-maximizing fitted.
// QPALM_WM_SHOTS=DIR keeps `import -window root` captures of each case.
#include "appsettings.h"
#include "attachdialog.h"
#include "geometryblob.h"
#include "helpdialogs.h"
#include "mainwindow.h"
#include "preferencesdialog.h"
#include "serverdialog.h"

#include "requiretool.h"

#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QScreen>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWindow>

#include <memory>

using namespace qpalm;
using namespace Qt::StringLiterals;
using qpalm::test::geometryBlob;

namespace {

constexpr int kSettleMs = 8000; // openbox maps and decorates within a second even under load

QString text(const QRect &r)
{
    return u"%1,%2 %3x%4"_s.arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

QRect available()
{
    return QGuiApplication::primaryScreen()->availableGeometry();
}

// The frame the window manager drew around widget, once it has said so.
bool framed(const QWidget &widget)
{
    const QWindow *window = widget.windowHandle();
    return window && window->handle() && window->frameMargins().top() > 0;
}

// A capture of the whole X screen (openbox's frames included) when QPALM_WM_SHOTS names a folder.
void shot(const QString &name)
{
    const QString dir = qEnvironmentVariable("QPALM_WM_SHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // painted
    const QString size = u"%1x%2"_s.arg(QGuiApplication::primaryScreen()->geometry().width())
                             .arg(QGuiApplication::primaryScreen()->geometry().height());
    QProcess::execute(
        u"import"_s, {u"-window"_s, u"root"_s, QDir(dir).filePath(name + u'-' + size + u".png"_s)});
}

} // namespace

// Runs on xcb under openbox (started by TestMainWindowWm).
class UnderWindowManager : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firstRunIsCentredWithItsFrame();
    void geometryThatFitsIsKept();
    void savedOnLargerScreenFits();
    void savedOffScreenComesBack();
    void unmaximizingFits();
    void dialogsFit_data();
    void dialogsFit();

private:
    // A window restored from geometry (none: first run), shown, with its frame drawn.
    std::unique_ptr<MainWindow> showWindow(const QByteArray &geometry);
    // Waits until widget's frame lies on the free area (fails with where it is).
    static bool settlesOnScreen(const QWidget &widget);

    QTemporaryDir m_dir;
    std::unique_ptr<AppSettings> m_settings;
    QMargins m_frame; // openbox's, as the first window saw it
};

std::unique_ptr<MainWindow> UnderWindowManager::showWindow(const QByteArray &geometry)
{
    m_settings = std::make_unique<AppSettings>(
        m_dir.filePath(u"settings-%1.ini"_s.arg(QString::fromLatin1(QTest::currentTestFunction()) +
                                                QString::fromLatin1(QTest::currentDataTag()))));
    m_settings->setWindowGeometry(geometry);
    auto window = std::make_unique<MainWindow>(m_settings.get());
    window->setInteractive(false);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    if (!QTest::qWaitFor([&] { return framed(*window); }, kSettleMs))
        return nullptr;
    return window;
}

bool UnderWindowManager::settlesOnScreen(const QWidget &widget)
{
    // The window is fitted again once its frame is known: wait for the frame to be on the
    // screen, then for it to stay put (openbox may still move it).
    const bool onScreen =
        QTest::qWaitFor([&] { return available().contains(widget.frameGeometry()); }, kSettleMs);
    QTest::qWait(400);
    if (onScreen && available().contains(widget.frameGeometry()))
        return true;
    qWarning("%s: frame %s (client %s, margins %d,%d,%d,%d, least %dx%d) on free area %s",
             qPrintable(widget.objectName().isEmpty()
                            ? QString::fromLatin1(widget.metaObject()->className())
                            : widget.objectName()),
             qPrintable(text(widget.frameGeometry())), qPrintable(text(widget.geometry())),
             widget.windowHandle()->frameMargins().left(),
             widget.windowHandle()->frameMargins().top(),
             widget.windowHandle()->frameMargins().right(),
             widget.windowHandle()->frameMargins().bottom(), widget.minimumSizeHint().width(),
             widget.minimumSizeHint().height(), qPrintable(text(available())));
    return false;
}

void UnderWindowManager::firstRunIsCentredWithItsFrame()
{
    auto window = showWindow({});
    QVERIFY2(window, "the window was never mapped and framed by the window manager");
    m_frame = window->windowHandle()->frameMargins();
    qInfo("openbox frame: %d,%d,%d,%d; free area %s", m_frame.left(), m_frame.top(),
          m_frame.right(), m_frame.bottom(), qPrintable(text(available())));
    QVERIFY(settlesOnScreen(*window));
    shot(u"firstrun"_s);
    // 1400x900 client area where the screen has room for it and its frame, else the free area.
    const QRect frame = window->frameGeometry();
    const QSize wanted = QSize(1400, 900).grownBy(m_frame).boundedTo(available().size());
    QVERIFY2(qAbs(frame.width() - wanted.width()) <= 1 &&
                 qAbs(frame.height() - wanted.height()) <= 1,
             qPrintable(text(frame)));
    const QPoint off = frame.center() - available().center();
    QVERIFY2(qAbs(off.x()) <= 1 && qAbs(off.y()) <= 1,
             qPrintable(u"frame %1 is not centered"_s.arg(text(frame))));
    // No form in a dock is pressed below what its layout needs (it scrolls instead).
    for (const char *name : {"clientPanel", "cachePanel"}) {
        const QWidget *form = window->findChild<QWidget *>(QLatin1String(name));
        QVERIFY(form);
        if (!form->isVisible())
            continue;
        const QSize least = form->minimumSizeHint();
        QVERIFY2(form->width() >= least.width() && form->height() >= least.height(),
                 qPrintable(u"%1 is %2x%3, its layout needs %4x%5"_s.arg(QLatin1String(name))
                                .arg(form->width())
                                .arg(form->height())
                                .arg(least.width())
                                .arg(least.height())));
    }
}

void UnderWindowManager::geometryThatFitsIsKept()
{
    QVERIFY2(!m_frame.isNull(), "needs the frame the first window saw");
    const QRect client =
        QRect(available().topLeft() + QPoint(30 + m_frame.left(), 20 + m_frame.top()),
              QSize(760, 500).boundedTo(available().size() * 3 / 4));
    auto window = showWindow(geometryBlob(client, m_frame, false, available().width()));
    QVERIFY(window);
    QVERIFY(settlesOnScreen(*window));
    QCOMPARE(window->geometry(), client);
}

void UnderWindowManager::savedOnLargerScreenFits()
{
    const QMargins frame = m_frame.isNull() ? QMargins(1, 20, 1, 5) : m_frame;
    const QRect saved(available().topLeft() + QPoint(40, 40), available().size() * 2);
    auto window = showWindow(geometryBlob(saved, frame, false, available().width() * 2));
    QVERIFY(window);
    QVERIFY(settlesOnScreen(*window));
    shot(u"saved-larger"_s);
}

void UnderWindowManager::savedOffScreenComesBack()
{
    const QMargins frame = m_frame.isNull() ? QMargins(1, 20, 1, 5) : m_frame;
    const QRect saved(available().left() - 3000, available().top() - 500, 500, 400);
    auto window = showWindow(geometryBlob(saved, frame, false, available().width()));
    QVERIFY(window);
    QVERIFY(settlesOnScreen(*window));
}

void UnderWindowManager::unmaximizingFits()
{
    const QMargins frame = m_frame.isNull() ? QMargins(1, 20, 1, 5) : m_frame;
    const QRect saved(available().topLeft(), available().size() * 3 / 2);
    auto window = showWindow(geometryBlob(saved, frame, true, available().width()));
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->isMaximized(), kSettleMs);
    QTest::qWait(300);
    window->showNormal();
    QTRY_VERIFY_WITH_TIMEOUT(!window->isMaximized(), kSettleMs);
    QVERIFY(settlesOnScreen(*window));
    shot(u"unmaximized"_s);
}

void UnderWindowManager::dialogsFit_data()
{
    QTest::addColumn<QString>("dialog");
    for (const char *name : {"preferences", "server-master", "server-sink", "server-process",
                             "attach", "shortcuts", "guide"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void UnderWindowManager::dialogsFit()
{
    QFETCH(QString, dialog);
    auto window = showWindow({});
    QVERIFY(window);
    std::unique_ptr<QDialog> shown;
    if (dialog == "preferences"_L1) {
        shown = std::make_unique<PreferencesDialog>(m_settings.get(), window.get());
    } else if (dialog.startsWith("server-"_L1)) {
        auto server = std::make_unique<ServerDialog>(window.get());
        const ServerKind kind = dialog.endsWith("master"_L1) ? ServerKind::Master
                                : dialog.endsWith("sink"_L1) ? ServerKind::Sink
                                                             : ServerKind::Process;
        server->prepareNew(kind);
        shown = std::move(server);
    } else if (dialog == "attach"_L1) {
        shown = std::make_unique<AttachDialog>(window.get());
    } else if (dialog == "shortcuts"_L1) {
        shown = std::make_unique<ShortcutsDialog>(window.get(), window.get());
    } else {
        shown = std::make_unique<UserGuideDialog>(window.get());
    }
    shown->setObjectName(dialog);
    shown->show();
    QVERIFY(QTest::qWaitForWindowExposed(shown.get()));
    QVERIFY2(QTest::qWaitFor([&] { return framed(*shown); }, kSettleMs),
             "the dialog was never framed by the window manager");
    QVERIFY(settlesOnScreen(*shown));
    shot(u"dialog-"_s + dialog);
}

// Starts Xvfb and openbox (xvfb-run) around this program with --under-wm.
class TestMainWindowWm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void underOpenbox_data();
    void underOpenbox();
};

void TestMainWindowWm::underOpenbox_data()
{
    QTest::addColumn<QString>("screen");
    QTest::newRow("1600x1000") << u"1600x1000"_s;
    QTest::newRow("1024x600") << u"1024x600"_s;
}

void TestMainWindowWm::underOpenbox()
{
    QFETCH(QString, screen);
    QStringList missing;
    for (const QString &tool : {u"xvfb-run"_s, u"Xvfb"_s, u"xauth"_s, u"openbox"_s, u"xprop"_s}) {
        if (QStandardPaths::findExecutable(tool).isEmpty())
            missing.append(tool);
    }
    QPALM_REQUIRE_TOOL(missing.isEmpty(),
                       missing.join(u", "_s).toUtf8() + " (installer/install-deps.sh)");

    // openbox is up once it has set _NET_SUPPORTING_WM_CHECK on the root window.
    const QString script = uR"(
openbox --sm-disable >/dev/null 2>&1 & wm=$!
for _ in $(seq 200); do
  xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id" && break
  sleep 0.05
done
xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id" ||
  { echo "openbox did not start"; kill $wm; exit 3; }
"$0" --under-wm "$@"; rc=$?
kill $wm; wait $wm 2>/dev/null
exit $rc
)"_s;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"xcb"_s);
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(u"xvfb-run"_s,
                {u"-a"_s, u"-s"_s, u"-screen 0 %1x24 -nolisten tcp"_s.arg(screen), u"bash"_s,
                 u"-c"_s, script, QCoreApplication::applicationFilePath()});
    QVERIFY(child.waitForStarted());
    const bool finished = child.waitForFinished(150000);
    if (!finished)
        child.kill();
    const QString output = QString::fromLocal8Bit(child.readAll());
    for (const QString &line : output.split(u'\n', Qt::SkipEmptyParts))
        qInfo("  %s", qPrintable(line));
    QVERIFY2(finished, "the run under openbox did not finish");
    QVERIFY2(output.contains("Totals: "_L1), "the suite under openbox did not run");
    QVERIFY2(!output.contains("SKIP   :"_L1), "a case under openbox was skipped");
    QCOMPARE(child.exitCode(), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--under-wm") == 0) {
        qputenv("QT_QPA_PLATFORM", "xcb");
        QApplication app(argc, argv);
        QStringList args = app.arguments();
        args.removeAt(1);
        UnderWindowManager test;
        return QTest::qExec(&test, args);
    }
    QApplication app(argc, argv);
    TestMainWindowWm test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mainwindowwm.moc"
