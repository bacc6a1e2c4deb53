// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "serverconfig.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace qpalm {

// Creates or edits one server entry: only the fields its kind uses, free ports suggested,
// problems shown inline and OK disabled until the entry is valid.
class ServerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ServerDialog(QWidget *parent = nullptr);
    ~ServerDialog() override;

    // The cluster's other entries: names must differ, bound addresses too; offered as targets.
    void setOtherServers(const QList<ServerConfig> &others);
    // Fills the fields from an existing entry (edit mode: kind and name stay editable).
    void setConfig(const ServerConfig &config);
    // A fresh entry of kind with a unique name and free ports for what it binds.
    void prepareNew(ServerKind kind);
    // The entry as the fields describe it.
    ServerConfig config() const;

    bool isValid() const { return m_error.isEmpty(); }
    // What is wrong ("field 'pub_address': ..."), or empty.
    QString validationError() const { return m_error; }
    // The pylm parameter a field edits ("name", "db_address", "previous", "replicas", "script",
    // ...).
    QWidget *field(const QString &key) const { return m_fields.value(key); }
    // True when kind's form shows the field key.
    static bool kindUsesField(ServerKind kind, const QString &key);
    // Fills every empty address this kind binds with a free loopback port.
    void suggestAddresses(); // also replaces addresses that are not valid
    // A TCP port on 127.0.0.1 that is free now (asks the OS), or 0.
    static int freeTcpPort();

Q_SIGNALS:
    // GUI thread: the entry became valid or invalid.
    void validityChanged(bool valid);

private:
    void buildForm();
    QLineEdit *addAddressRow(const QString &key, const QString &label, const QString &tip);
    void updateVisibleFields();
    void validate();
    void showAddressChoices(const QString &key);
    QString uniqueName(ServerKind kind) const;
    QString suggestedAddress();

    QFormLayout *m_form = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_name = nullptr;
    QHash<QString, QLineEdit *> m_addresses;
    QLineEdit *m_previous = nullptr;
    QCheckBox *m_pipelined = nullptr;
    QCheckBox *m_toClient = nullptr;
    QComboBox *m_logLevel = nullptr;
    QLineEdit *m_script = nullptr;
    QSpinBox *m_replicas = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QHash<QString, QWidget *> m_fields;
    QList<ServerConfig> m_others;
    ServerConfig m_base; // keeps what the form does not show (limits, handlers)
    bool m_isNew = false;
    QString m_autoName; // the name prepareNew chose, replaced on a kind change unless edited
    QString m_error;
    bool m_filling = false;
};

} // namespace qpalm
