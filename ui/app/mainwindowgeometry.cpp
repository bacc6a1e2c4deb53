// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "windowplacement.h"

#include <QEvent>
#include <QGuiApplication>
#include <QMoveEvent>
#include <QScreen>
#include <QStyle>
#include <QTimer>
#include <QWindow>

#include <cmath>

// Where the window goes: the saved geometry fitted onto the screen the window manager reports,
// and, once the window manager has drawn its frame, fitted again with the frame it really drew.
namespace qpalm {

namespace {
constexpr QSize kFirstRunSize(1400, 900);
constexpr int kFrameWatchMs = 20;
constexpr int kSettleMs = 150;
constexpr int kFrameWatchTicks = 150; // 3 s: a window manager that draws no frame never says
} // namespace

void MainWindow::restoreWindowGeometry(const QByteArray &geometry)
{
    // Until the window manager says, its frame is guessed: as it was when the geometry was
    // saved, else a title bar and thin borders.
    m_frameGuess = savedFrameMargins(geometry);
    if (m_frameGuess.isNull()) {
        const int border = 4;
        const int title = style()->pixelMetric(QStyle::PM_TitleBarHeight, nullptr, this);
        m_frameGuess = QMargins(border, title + border, border, border);
    }
    // A geometry saved at another scale or on a much wider screen is refused by Qt: first run.
    const bool restored = !geometry.isEmpty() && restoreGeometry(geometry);
    m_centerOnShow = !restored;
    if (m_centerOnShow)
        resize(kFirstRunSize);
    fitToScreen(m_centerOnShow);
    m_placed = QWidget::geometry();
}

QMargins MainWindow::frameMarginsOrGuess() const
{
    if (m_frameSeen) {
        if (const QWindow *window = windowHandle(); window && window->handle())
            return window->frameMargins();
    }
    return m_frameGuess;
}

void MainWindow::fitToScreen(bool center)
{
    const QScreen *where = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!where || (windowState() & Qt::WindowFullScreen))
        return;
    // Shown maximized, the window manager holds it at the screen's size; before it is shown, the
    // normal geometry (what un-maximizing returns to) is fitted.
    if ((windowState() & Qt::WindowMaximized) && isVisible())
        return;
    QRect available = where->availableGeometry();
    // At a fractional scale the logical free area is rounded, up to a pixel larger than the
    // screen's real one.
    const qreal ratio = where->devicePixelRatio();
    if (!qFuzzyCompare(ratio, std::round(ratio)))
        available.adjust(1, 1, -1, -1);
    const QMargins margins = frameMarginsOrGuess();
    const QRect frame = geometry().marginsAdded(margins);
    QRect target = center ? centeredFrame(frame, available) : fittedFrame(frame, available);
    // No smaller than the window's layout allows; placed again at that size.
    const QSize least = minimumSizeHint().grownBy(margins);
    if (target.width() < least.width() || target.height() < least.height()) {
        target.setSize(target.size().expandedTo(least));
        target = center ? centeredFrame(target, available) : fittedFrame(target, available);
        target.setSize(target.size().expandedTo(least));
    }
    if (target == frame)
        return;
    // The client area, placed exactly: a window manager keeps it where asked, also as the
    // geometry un-maximizing returns to.
    setGeometry(target.marginsRemoved(margins));
}

void MainWindow::watchFrame()
{
    // Moved or resized by the program itself after construction (a screenshot, a test): left
    // where it was put.
    if (geometry() != m_placed) {
        m_frameSeen = true;
        return;
    }
    // The frame's size is known only once the window manager has taken the window; it is then
    // fitted again (a first-run window centered) with the frame it really drew.
    if (!m_frameWatch) {
        m_frameWatch = new QTimer(this);
        m_frameWatch->setInterval(kFrameWatchMs);
        connect(m_frameWatch, &QTimer::timeout, this, [this] {
            const QWindow *window = windowHandle();
            const bool known = window && window->handle() && !window->frameMargins().isNull();
            if (!known && ++m_frameWatchTicks < kFrameWatchTicks)
                return;
            m_frameWatch->stop();
            m_frameSeen = true;
            if (known && m_centerOnShow && !(windowState() & Qt::WindowMaximized))
                resize(kFirstRunSize); // what the guessed frame took from it
            if (known)
                fitToScreen(m_centerOnShow);
        });
    }
    m_frameWatchTicks = 0;
    m_frameWatch->start();
}

void MainWindow::refitAfterStateChange(Qt::WindowStates previous)
{
    // Un-maximized, the window goes back to the geometry the window manager kept; once it has
    // settled there, that is fitted too (it may be the oversized one saved).
    const Qt::WindowStates big = Qt::WindowMaximized | Qt::WindowFullScreen;
    if (!(previous & big) || (windowState() & big) || !m_frameSeen)
        return;
    if (!m_refit) {
        m_refit = new QTimer(this);
        m_refit->setSingleShot(true);
        m_refit->setInterval(kSettleMs);
        connect(m_refit, &QTimer::timeout, this, [this] { fitToScreen(false); });
    }
    m_refit->start();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        refitAfterStateChange(static_cast<QWindowStateChangeEvent *>(event)->oldState());
}

void MainWindow::moveEvent(QMoveEvent *event)
{
    QMainWindow::moveEvent(event);
    if (m_refit && m_refit->isActive())
        m_refit->start(); // not settled yet
}

} // namespace qpalm
