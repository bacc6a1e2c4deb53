// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "windowplacement.h"

#include <QByteArray>
#include <QDataStream>

namespace qpalm {

QMargins savedFrameMargins(const QByteArray &geometry)
{
    // QWidget::saveGeometry(), format 3: magic, version, frame, normal geometry, screen,
    // maximized, full screen, screen width, client geometry.
    QDataStream stream(geometry);
    stream.setVersion(QDataStream::Qt_4_0);
    quint32 magic = 0;
    quint16 major = 0;
    quint16 minor = 0;
    stream >> magic >> major >> minor;
    if (magic != 0x1D9D0CB || major < 3)
        return {};
    QRect frame;
    QRect normal;
    qint32 screen = 0;
    quint8 maximized = 0;
    quint8 fullScreen = 0;
    qint32 screenWidth = 0;
    QRect client;
    stream >> frame >> normal >> screen >> maximized >> fullScreen >> screenWidth >> client;
    if (stream.status() != QDataStream::Ok || !frame.isValid() || !client.isValid() ||
        fullScreen != 0)
        return {};
    const QMargins margins(client.left() - frame.left(), client.top() - frame.top(),
                           frame.right() - client.right(), frame.bottom() - client.bottom());
    constexpr int kMost = 200; // more than any title bar and border
    for (int side : {margins.left(), margins.top(), margins.right(), margins.bottom()}) {
        if (side < 0 || side > kMost)
            return {};
    }
    return margins;
}

QRect fittedFrame(const QRect &frame, const QRect &available)
{
    if (!available.isValid())
        return frame;
    QRect fitted(frame.topLeft(), QSize(qMin(frame.width(), available.width()),
                                        qMin(frame.height(), available.height())));
    fitted.moveLeft(
        qBound(available.left(), fitted.left(), available.right() - fitted.width() + 1));
    fitted.moveTop(qBound(available.top(), fitted.top(), available.bottom() - fitted.height() + 1));
    return fitted;
}

QRect centeredFrame(const QRect &frame, const QRect &available)
{
    QRect centered = fittedFrame(frame, available);
    centered.moveCenter(available.center());
    return fittedFrame(centered, available);
}

} // namespace qpalm
