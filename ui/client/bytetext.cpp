// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "bytetext.h"

#include <QObject>
#include <QStringDecoder>

namespace qpalm {

QString displayBytes(const QByteArray &bytes, int maxChars)
{
    QString text;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(bytes);
    if (!decoder.hasError()) {
        text = decoded;
    } else {
        text.reserve(bytes.size());
        for (char c : bytes) {
            const auto byte = uchar(c);
            if (byte >= 0x20 && byte < 0x7f && byte != '\\')
                text += QLatin1Char(char(byte));
            else if (byte == '\\')
                text += QLatin1String("\\\\");
            else
                text += QStringLiteral("\\x%1").arg(uint(byte), 2, 16, QLatin1Char('0'));
        }
    }
    if (maxChars > 0 && text.size() > maxChars)
        text = text.left(maxChars) + QChar(0x2026);
    return text;
}

QString formatHex(const QByteArray &bytes)
{
    QString out;
    out.reserve(bytes.size() * 3);
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (i > 0)
            out += (i % 16 == 0) ? QLatin1Char('\n') : QLatin1Char(' ');
        out += QStringLiteral("%1").arg(uint(uchar(bytes[i])), 2, 16, QLatin1Char('0'));
    }
    return out;
}

bool parseHex(const QString &text, QByteArray *out, QString *error)
{
    QByteArray bytes;
    int high = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isSpace())
            continue;
        int digit = -1;
        if (c >= u'0' && c <= u'9')
            digit = c.unicode() - u'0';
        else if (c >= u'a' && c <= u'f')
            digit = c.unicode() - u'a' + 10;
        else if (c >= u'A' && c <= u'F')
            digit = c.unicode() - u'A' + 10;
        if (digit < 0) {
            if (error)
                *error = QObject::tr("'%1' at position %2 is not a hex digit.").arg(c).arg(i + 1);
            return false;
        }
        if (high < 0) {
            high = digit;
        } else {
            bytes.append(char(high * 16 + digit));
            high = -1;
        }
    }
    if (high >= 0) {
        if (error)
            *error = QObject::tr("Odd number of hex digits: the last byte is incomplete.");
        return false;
    }
    if (out)
        *out = bytes;
    return true;
}

} // namespace qpalm
