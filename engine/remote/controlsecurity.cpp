// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlsecurity.h"

#include "endpoint.h"

#include <QDir>
#include <QFile>

#include <zmq.h>

#include <array>

#include <sys/stat.h>

namespace qpalm::remote {

namespace {

constexpr int kZ85KeyLength = 40;

std::optional<QByteArray> readKeyLine(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray key = file.readLine().trimmed();
    std::array<uint8_t, 32> binary{};
    if (key.size() != kZ85KeyLength || !zmq_z85_decode(binary.data(), key.constData())) {
        *error = QStringLiteral("%1 does not hold a Z85 key (40 characters on the first line)")
                     .arg(path);
        return std::nullopt;
    }
    return key;
}

bool writeFile(const QString &path, const QByteArray &content, bool secret, QString *error)
{
    QFile file(path);
    if (secret)
        file.remove();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (secret && ::fchmod(file.handle(), S_IRUSR | S_IWUSR) != 0) {
        *error = QStringLiteral("cannot make %1 private").arg(path);
        return false;
    }
    if (file.write(content + '\n') != content.size() + 1 || !file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

std::optional<KeyPair> generateKeyPair()
{
    char publicKey[kZ85KeyLength + 1] = {};
    char secretKey[kZ85KeyLength + 1] = {};
    if (zmq_curve_keypair(publicKey, secretKey) != 0)
        return std::nullopt;
    return KeyPair{QByteArray(publicKey), QByteArray(secretKey)};
}

bool writeKeyPair(const KeyPair &keys, const QString &path, QString *error)
{
    return writeFile(path + QStringLiteral(".secret"), keys.secretKey, true, error) &&
           writeFile(path + QStringLiteral(".pub"), keys.publicKey, false, error);
}

std::optional<KeyPair> readSecretKey(const QString &path, QString *error)
{
    const auto secret = readKeyLine(path, error);
    if (!secret)
        return std::nullopt;
    char publicKey[kZ85KeyLength + 1] = {};
    if (zmq_curve_public(publicKey, secret->constData()) != 0) {
        *error =
            QStringLiteral("%1: cannot derive the public key (libzmq without CURVE?)").arg(path);
        return std::nullopt;
    }
    return KeyPair{QByteArray(publicKey), *secret};
}

std::optional<QByteArray> readPublicKey(const QString &path, QString *error)
{
    return readKeyLine(path, error);
}

std::optional<QSet<QByteArray>> readAuthorizedKeys(const QString &dir, QString *error)
{
    const QDir directory(dir);
    if (!directory.exists() || !directory.isReadable()) {
        *error = QStringLiteral("cannot read the directory %1").arg(dir);
        return std::nullopt;
    }
    QSet<QByteArray> keys;
    for (const QString &name : directory.entryList({QStringLiteral("*.pub")}, QDir::Files)) {
        QString ignored;
        if (const auto key = readKeyLine(directory.filePath(name), &ignored))
            keys.insert(*key);
    }
    return keys;
}

bool isLocalControlAddress(const Endpoint &address)
{
    if (address.transport() == Endpoint::Transport::Ipc)
        return true;
    if (!address.isTcp())
        return false;
    QString host = address.normalizedHost();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("::1") || host == QLatin1String("0:0:0:0:0:0:0:1"))
        return true;
    const QStringList parts = host.split(u'.');
    if (parts.size() != 4 || parts.first() != QLatin1String("127"))
        return false;
    for (const QString &part : parts) {
        bool ok = false;
        const int value = part.toInt(&ok);
        if (!ok || value < 0 || value > 255)
            return false;
    }
    return true;
}

} // namespace qpalm::remote
