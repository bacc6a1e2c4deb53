// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDataStream>
#include <QIODevice>
#include <QMargins>
#include <QRect>

namespace qpalm::test {

// A QWidget::saveGeometry() blob (format 3) of a window whose frame adds margins to client, as a
// window manager on a screen screenWidth wide had it.
inline QByteArray geometryBlob(const QRect &client, const QMargins &margins, bool maximized,
                               int screenWidth)
{
    QByteArray blob;
    QDataStream stream(&blob, QIODevice::WriteOnly);
    stream.setVersion(QDataStream::Qt_4_0);
    stream << quint32(0x1D9D0CB) << quint16(3) << quint16(0) << client.marginsAdded(margins)
           << client << qint32(0) << quint8(maximized ? 1 : 0) << quint8(0) << qint32(screenWidth)
           << client;
    return blob;
}

} // namespace qpalm::test
