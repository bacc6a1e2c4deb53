// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "attachdialog.h"

#include "process/remoteserver.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace qpalm {

AttachDialog::AttachDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Attach to a qpalm-server"));
    m_address = new QLineEdit(this);
    m_address->setObjectName(QStringLiteral("controlAddress"));
    m_address->setPlaceholderText(QStringLiteral("tcp://host:7000 or ipc:///run/qpalm/ctl"));
    m_address->setText(qEnvironmentVariable("QPALM_CONTROL"));
    m_key = browseField(tr("Secret keys (*.secret)"));
    m_key->setObjectName(QStringLiteral("keyFile"));
    m_key->setPlaceholderText(tr("our key pair, PATH.secret (CURVE; not on loopback or ipc)"));
    m_serverKey = browseField(tr("Public keys (*.pub)"));
    m_serverKey->setObjectName(QStringLiteral("serverKeyFile"));
    m_serverKey->setPlaceholderText(tr("the server's public key, PATH.pub"));
    auto *connectButton = new QPushButton(tr("&Connect"), this);
    connectButton->setObjectName(QStringLiteral("connectButton"));
    m_servers = new QListWidget(this);
    m_servers->setObjectName(QStringLiteral("serverList"));
    m_status = new QLabel(tr("Enter the control address, then Connect."), this);
    m_status->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Attach"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);

    auto *form = new QFormLayout;
    auto *addressRow = new QHBoxLayout;
    addressRow->addWidget(m_address, 1);
    addressRow->addWidget(connectButton);
    // Labels with their line edit as buddy: the mnemonic focuses the field (and shows no '&').
    auto label = [this](const QString &text, QWidget *buddy) {
        auto *out = new QLabel(text, this);
        out->setBuddy(buddy);
        return out;
    };
    form->addRow(label(tr("Control &address:"), m_address), addressRow);
    form->addRow(label(tr("&Key:"), m_key), m_key->parentWidget());
    form->addRow(label(tr("&Server key:"), m_serverKey), m_serverKey->parentWidget());
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Servers to attach:"), this));
    layout->addWidget(m_servers, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(560, 420);

    connect(connectButton, &QPushButton::clicked, this, &AttachDialog::connectToServer);
    connect(m_address, &QLineEdit::returnPressed, this, &AttachDialog::connectToServer);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_servers, &QListWidget::itemChanged, this,
            [this] { m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!configs().isEmpty()); });
}

QLineEdit *AttachDialog::browseField(const QString &filter)
{
    auto *row = new QWidget(this);
    auto *edit = new QLineEdit(row);
    auto *browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, filter] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("Key file"), edit->text(), filter);
        if (!file.isEmpty())
            edit->setText(file);
    });
    return edit;
}

void AttachDialog::setControl(const QString &address, const QString &keyPath,
                              const QString &serverKeyPath)
{
    m_address->setText(address);
    m_key->setText(keyPath);
    m_serverKey->setText(serverKeyPath);
}

AttachSpec AttachDialog::spec() const
{
    AttachSpec spec;
    spec.control = m_address->text().trimmed();
    spec.keyPath = m_key->text().trimmed();
    spec.serverKeyPath = m_serverKey->text().trimmed();
    return spec;
}

bool AttachDialog::connectToServer()
{
    m_servers->clear();
    m_found.clear();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    const AttachSpec attach = spec();
    if (attach.control.isEmpty()) {
        m_status->setText(tr("Enter the control address first."));
        return false;
    }
    if (attach.keyPath.isEmpty() != attach.serverKeyPath.isEmpty()) {
        m_status->setText(tr("CURVE needs both keys: ours (.secret) and the server's (.pub)."));
        return false;
    }
    m_status->setText(tr("Connecting to %1…").arg(attach.control));
    QApplication::setOverrideCursor(Qt::WaitCursor);
    QString error;
    const auto found = RemoteServer::probe(attach, 3000, &error);
    QApplication::restoreOverrideCursor();
    if (!found) {
        m_status->setText(tr("Cannot attach: %1").arg(error));
        return false;
    }
    m_found = *found;
    for (const ServerConfig &config : std::as_const(m_found)) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1 (%2)").arg(config.name, kindName(config.kind)), m_servers);
        item->setData(Qt::UserRole, config.name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    m_status->setText(m_found.size() == 1
                          ? tr("1 server at %1.").arg(attach.control)
                          : tr("%1 servers at %2.").arg(m_found.size()).arg(attach.control));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_found.isEmpty());
    return true;
}

QList<ServerConfig> AttachDialog::configs() const
{
    QList<ServerConfig> out;
    for (int i = 0; i < m_servers->count(); ++i) {
        const QListWidgetItem *item = m_servers->item(i);
        if (item->checkState() == Qt::Checked && i < m_found.size())
            out << m_found.at(i);
    }
    return out;
}

QString AttachDialog::statusText() const
{
    return m_status->text();
}

} // namespace qpalm
