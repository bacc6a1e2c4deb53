// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Readable QCOMPARE failures for the standard and engine types the suites compare.

#include "message.h"

#include <QtTest>

#include <string>
#include <string_view>

namespace QTest {
template <> inline char *toString(const std::string &value)
{
    return toPrettyCString(value.data(), static_cast<qsizetype>(value.size()));
}
template <> inline char *toString(const std::string_view &value)
{
    return toPrettyCString(value.data(), static_cast<qsizetype>(value.size()));
}
} // namespace QTest

namespace qpalm {
inline char *toString(const Message &message)
{
    const QByteArray text = "Message{pipeline=" + QByteArray::fromStdString(message.pipeline) +
                            " client=" + QByteArray::fromStdString(message.client) +
                            " stage=" + QByteArray::number(message.stage) +
                            " function=" + QByteArray::fromStdString(message.function) +
                            " cache=" + QByteArray::fromStdString(message.cache) +
                            " payload=" + QByteArray::fromStdString(message.payload).toHex(' ') +
                            "}";
    return qstrdup(text.constData());
}
} // namespace qpalm
