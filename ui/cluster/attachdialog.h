// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace qpalm {

// Attach…: a qpalm-server's control address and keys; Connect lists its servers, and the ones
// checked become attached entries of the open cluster.
class AttachDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AttachDialog(QWidget *parent = nullptr);

    void setControl(const QString &address, const QString &keyPath = {},
                    const QString &serverKeyPath = {});
    // Asks the server which servers it runs (blocks up to 3 s); false with the reason shown.
    bool connectToServer();
    // The checked servers as attached entries.
    QList<ServerConfig> configs() const;
    QString statusText() const;

private:
    AttachSpec spec() const;
    QLineEdit *browseField(const QString &filter);

    QLineEdit *m_address = nullptr;
    QLineEdit *m_key = nullptr;
    QLineEdit *m_serverKey = nullptr;
    QListWidget *m_servers = nullptr;
    QLabel *m_status = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QList<ServerConfig> m_found;
};

} // namespace qpalm
