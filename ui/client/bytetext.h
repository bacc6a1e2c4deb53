// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace qpalm {

// Payload bytes as readable text: UTF-8 when valid, otherwise escaped (\xNN); cut to maxChars.
QString displayBytes(const QByteArray &bytes, int maxChars = 200);
// Bytes as lowercase hex pairs separated by spaces, 16 to a line.
QString formatHex(const QByteArray &bytes);
// Parses hex pairs (whitespace ignored); false with the reason when a character is not hex or a
// digit is left over.
bool parseHex(const QString &text, QByteArray *out, QString *error = nullptr);

} // namespace qpalm
