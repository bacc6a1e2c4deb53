// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMargins>
#include <QRect>

class QByteArray;

namespace qpalm {

// What a window manager's frame adds around the client area, as a QWidget::saveGeometry() blob
// recorded it (frame minus client); null when the blob holds none or an implausible one.
QMargins savedFrameMargins(const QByteArray &geometry);

// frame moved, and shrunk where it must be, to lie within available.
QRect fittedFrame(const QRect &frame, const QRect &available);

// frame fitted to available, then centered in it.
QRect centeredFrame(const QRect &frame, const QRect &available);

} // namespace qpalm
