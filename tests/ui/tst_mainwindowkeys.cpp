// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// The window's keyboard: every Alt+letter reaches one thing (a menu, or one field of what is
// shown), Preferences has a key on every desktop, and the saved geometry fits the screen with the
// frame a window manager draws (offscreen half; ui_mainwindowwm runs the window under openbox).
#include "mainwindow.h"
#include "windowplacement.h"

#include "appsettings.h"
#include "geometryblob.h"
#include "scripteditor.h"

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QMap>
#include <QMenuBar>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>

using namespace qpalm;
using qpalm::test::geometryBlob;
using namespace Qt::StringLiterals;

namespace {

// The Alt+letter a text claims ("&File" claims Alt+F), or empty.
QKeySequence mnemonicOf(const QString &text)
{
    return QKeySequence::mnemonic(text);
}

// What claims each Alt+letter among the visible widgets of window, and its menu bar.
QMap<QString, QStringList> mnemonics(const QMainWindow &window)
{
    QMap<QString, QStringList> claims;
    auto claim = [&claims](const QString &text, const QString &who) {
        const QKeySequence key = mnemonicOf(text);
        if (!key.isEmpty())
            claims[key.toString()].append(who);
    };
    const QList<QAction *> menus = window.menuBar()->actions();
    for (const QAction *menu : menus)
        claim(menu->text(), u"menu "_s + menu->text());
    const QList<QWidget *> widgets = window.findChildren<QWidget *>();
    for (const QWidget *widget : widgets) {
        if (!widget->isVisible() || widget->window() != &window)
            continue;
        if (const auto *label = qobject_cast<const QLabel *>(widget); label && label->buddy())
            claim(label->text(), u"label "_s + label->text());
        else if (const auto *button = qobject_cast<const QAbstractButton *>(widget))
            claim(button->text(), u"button "_s + button->text());
        else if (const auto *box = qobject_cast<const QGroupBox *>(widget);
                 box && box->isCheckable())
            claim(box->title(), u"group "_s + box->title());
    }
    return claims;
}

} // namespace

class TestMainWindowKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyAltLetterReachesOneThing();
    void preferencesHasAKey();
    void placementArithmetic();
    void savedGeometryFitsWithItsFrame();
};

void TestMainWindowKeys::everyAltLetterReachesOneThing()
{
    QTemporaryDir dir;
    AppSettings settings(dir.filePath(u"settings.ini"_s));
    MainWindow window(&settings);
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // A dock behind another's tab is still visible to Qt's shortcuts: its fields count too. Each
    // dock in front once, in case a layout hides what is behind.
    const QList<QDockWidget *> docks = window.findChildren<QDockWidget *>();
    QStringList clashes;
    auto check = [&] {
        for (QDockWidget *front : docks) {
            front->raise();
            QTest::qWait(10);
            const QMap<QString, QStringList> claims = mnemonics(window);
            for (auto it = claims.cbegin(); it != claims.cend(); ++it) {
                QStringList who = it.value();
                who.sort();
                const QString clash = it.key() + u": "_s + who.join(u", "_s);
                if (who.size() > 1 && !clashes.contains(clash))
                    clashes.append(clash);
            }
        }
    };
    check(); // the empty window's hints
    // A script open with its find bar shown.
    const QString script = dir.filePath(u"script.lua"_s);
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("function echo(x) return x end\n");
    file.close();
    window.openScript(script);
    window.scriptEditor()->findAction()->trigger();
    QTRY_VERIFY(window.scriptEditor()->findChild<QWidget *>(u"findText"_s) &&
                window.scriptEditor()->findChild<QWidget *>(u"findText"_s)->isVisible());
    check();
    for (const QString &clash : std::as_const(clashes))
        qInfo("%s", qPrintable(clash));
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u"; "_s)));
}

void TestMainWindowKeys::preferencesHasAKey()
{
    QTemporaryDir dir;
    AppSettings settings(dir.filePath(u"settings.ini"_s));
    MainWindow window(&settings);
    const QAction *preferences = window.action(u"actionPreferences"_s);
    QVERIFY(preferences);
    QVERIFY2(!preferences->shortcut().isEmpty(), "Preferences has no key on this desktop");
}

void TestMainWindowKeys::placementArithmetic()
{
    const QRect screen(0, 30, 1600, 930); // a panel above and below
    QCOMPARE(fittedFrame(QRect(50, 50, 2100, 1350), screen), screen);
    QCOMPARE(fittedFrame(QRect(3000, -500, 1002, 725), screen), QRect(598, 30, 1002, 725));
    QCOMPARE(fittedFrame(QRect(100, 100, 800, 600), screen), QRect(100, 100, 800, 600));
    QCOMPARE(centeredFrame(QRect(0, 0, 1402, 925), screen), QRect(99, 32, 1402, 925));
    QCOMPARE(savedFrameMargins(
                 geometryBlob(QRect(10, 40, 800, 600), QMargins(1, 20, 1, 5), false, 1600)),
             QMargins(1, 20, 1, 5));
    QVERIFY(savedFrameMargins("junk").isNull());
    QVERIFY(savedFrameMargins({}).isNull());
}

void TestMainWindowKeys::savedGeometryFitsWithItsFrame()
{
    // Saved on a larger screen under a window manager whose frame adds a 20 px title bar: the
    // window is fitted before it is shown, frame included, so nothing of it is off the screen
    // while the window manager decorates it.
    QScreen *screen = QGuiApplication::primaryScreen();
    const QRect available = screen->availableGeometry();
    const QMargins frame(1, 20, 1, 5);
    for (const QRect &saved : {QRect(available.topLeft(), available.size() * 2),
                               QRect(available.right() - 100, available.bottom() - 100,
                                     available.width() / 2, available.height() / 2),
                               QRect(available.left() - 3000, available.top() - 500, 400, 300)}) {
        QTemporaryDir dir;
        AppSettings settings(dir.filePath(u"settings.ini"_s));
        settings.setWindowGeometry(geometryBlob(saved, frame, false, screen->geometry().width()));
        MainWindow window(&settings);
        const QRect framed = window.geometry().marginsAdded(frame);
        QVERIFY2(available.contains(framed),
                 qPrintable(u"saved %1,%2 %3x%4: frame %5,%6 %7x%8 on %9x%10"_s.arg(saved.x())
                                .arg(saved.y())
                                .arg(saved.width())
                                .arg(saved.height())
                                .arg(framed.x())
                                .arg(framed.y())
                                .arg(framed.width())
                                .arg(framed.height())
                                .arg(available.width())
                                .arg(available.height())));
    }
}

QTEST_MAIN(TestMainWindowKeys)
#include "tst_mainwindowkeys.moc"
