// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSet>
#include <QString>

#include <optional>

namespace qpalm {

class Endpoint;

namespace remote {

// A CURVE key pair, both keys in Z85 (40 characters).
struct KeyPair
{
    QByteArray publicKey;
    QByteArray secretKey;
};

// A fresh key pair; nullopt when libzmq was built without CURVE.
std::optional<KeyPair> generateKeyPair();
// Writes PATH.pub (the Z85 public key, one line) and PATH.secret (mode 0600).
bool writeKeyPair(const KeyPair &keys, const QString &path, QString *error);
// Reads a .secret file (Z85 secret key on its first line) and derives the public key.
std::optional<KeyPair> readSecretKey(const QString &path, QString *error);
// Reads a .pub file (Z85 public key on its first line).
std::optional<QByteArray> readPublicKey(const QString &path, QString *error);
// The Z85 public keys of every *.pub file in dir; nullopt when dir cannot be read.
std::optional<QSet<QByteArray>> readAuthorizedKeys(const QString &dir, QString *error);
// Loopback (127.0.0.0/8, ::1, localhost) or ipc://: a control channel there needs no keys.
bool isLocalControlAddress(const Endpoint &address);

} // namespace remote
} // namespace qpalm
