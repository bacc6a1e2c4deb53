// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Byte helpers shared by the codec suites.

#include <QByteArray>

#include <initializer_list>
#include <string>

namespace qpalm::test {

// A byte string from small integers: bytes({0x0a, 0x01, 'x'}).
inline std::string bytes(std::initializer_list<int> values)
{
    std::string out;
    for (int value : values)
        out.push_back(static_cast<char>(value));
    return out;
}

// "0a 01 78", for failure messages.
inline QByteArray hex(const std::string &data)
{
    return QByteArray(data.data(), static_cast<qsizetype>(data.size())).toHex(' ');
}

} // namespace qpalm::test
