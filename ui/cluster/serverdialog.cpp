// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "serverdialog.h"

#include "clusterfile.h"
#include "servertraits.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCursor>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace qpalm {

namespace {

// The order the kind box offers them in.
const QList<ServerKind> kKinds{ServerKind::Server, ServerKind::Master,   ServerKind::Worker,
                               ServerKind::Hub,    ServerKind::Pipeline, ServerKind::Sink};

// Whether kind binds the address field named key (else it connects there, or has no such field).
bool binds(ServerKind kind, const QString &key)
{
    const auto field = fieldFromName(key);
    return field && traitsOf(kind).boundFields().contains(*field);
}

QStringList splitList(const QString &text)
{
    QStringList items;
    const QStringList parts =
        text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString &part : parts)
        items.append(part.trimmed());
    return items;
}

// Ports already suggested in this process, so two fields never get the same one.
QSet<int> &handedOutPorts()
{
    static QSet<int> ports;
    return ports;
}

int portOf(const QString &address)
{
    if (!address.startsWith(QLatin1String("tcp://")))
        return 0;
    return address.mid(address.lastIndexOf(QLatin1Char(':')) + 1).toInt();
}

} // namespace

ServerDialog::ServerDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Server"));
    buildForm();
    prepareNew(ServerKind::Server);
}

ServerDialog::~ServerDialog() = default;

void ServerDialog::buildForm()
{
    auto *layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    layout->addLayout(m_form);

    m_kind = new QComboBox(this);
    for (ServerKind kind : kKinds)
        m_kind->addItem(kindName(kind), int(kind));
    m_kind->setToolTip(tr("pylm server kind"));
    m_form->addRow(tr("&Kind:"), m_kind);
    m_fields.insert(QStringLiteral("kind"), m_kind);

    m_name = new QLineEdit(this);
    m_name->setToolTip(
        tr("Unique name; clients call NAME.function, workers are named NAME-1, NAME-2, ..."));
    m_form->addRow(tr("&Name:"), m_name);
    m_fields.insert(QStringLiteral("name"), m_name);

    addAddressRow(
        QStringLiteral("db_address"), tr("&DB address:"),
        tr("REP socket of the cache; workers and clients connect here to configure themselves"));
    addAddressRow(QStringLiteral("pull_address"), tr("P&ull address:"),
                  tr("PULL socket receiving from clients"));
    addAddressRow(QStringLiteral("sub_address"), tr("&Sub address:"),
                  tr("Publisher this server subscribes to"));
    addAddressRow(QStringLiteral("sub_addresses"), tr("Sub a&ddresses:"),
                  tr("Publishers this sink subscribes to, separated by commas"));
    m_previous = new QLineEdit(this);
    m_previous->setToolTip(
        tr("Topic(s) to subscribe to: the previous stage's name (a sink: one per sub address)"));
    m_form->addRow(tr("P&revious:"), m_previous);
    m_fields.insert(QStringLiteral("previous"), m_previous);
    addAddressRow(QStringLiteral("pub_address"), tr("P&ub address:"),
                  tr("PUB socket results are published on"));
    addAddressRow(QStringLiteral("worker_push_address"), tr("Worker pus&h address:"),
                  tr("PUSH socket sending work to workers (a worker: read from the master's cache "
                     "when empty)"));
    addAddressRow(QStringLiteral("worker_pull_address"), tr("Worker pu&ll address:"),
                  tr("PULL socket receiving results from workers (a worker: read from the master's "
                     "cache when empty)"));

    m_pipelined = new QCheckBox(tr("Publish under this server's name for the next stage"), this);
    m_form->addRow(tr("Pipelined:"), m_pipelined);
    m_fields.insert(QStringLiteral("pipelined"), m_pipelined);
    m_toClient = new QCheckBox(tr("Publish to the client (else to the next stage)"), this);
    m_form->addRow(tr("To client:"), m_toClient);
    m_fields.insert(QStringLiteral("to_client"), m_toClient);

    m_replicas = new QSpinBox(this);
    m_replicas->setRange(1, 256);
    m_replicas->setToolTip(tr("How many copies of this worker run"));
    m_form->addRow(tr("R&eplicas:"), m_replicas);
    m_fields.insert(QStringLiteral("replicas"), m_replicas);

    m_logLevel = new QComboBox(this);
    for (LogLevel level :
         {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error, LogLevel::Critical})
        m_logLevel->addItem(levelName(level), int(level));
    m_form->addRow(tr("&Log level:"), m_logLevel);
    m_fields.insert(QStringLiteral("log_level"), m_logLevel);

    auto *scriptRow = new QWidget(this);
    auto *scriptLayout = new QHBoxLayout(scriptRow);
    scriptLayout->setContentsMargins(0, 0, 0, 0);
    m_script = new QLineEdit(scriptRow);
    m_script->setPlaceholderText(tr("Lua script with the handlers (optional)"));
    auto *browse = new QToolButton(scriptRow);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose a Lua script"));
    scriptLayout->addWidget(m_script);
    scriptLayout->addWidget(browse);
    m_form->addRow(tr("S&cript:"), scriptRow);
    m_fields.insert(QStringLiteral("script"), m_script);
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose Script"),
                                                          QFileInfo(m_script->text()).path(),
                                                          tr("Lua scripts (*.lua);;All files (*)"));
        if (!file.isEmpty())
            m_script->setText(file);
    });

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("validationError"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    layout->addWidget(m_errorLabel);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *suggest = m_buttons->addButton(tr("&Suggest Ports"), QDialogButtonBox::ActionRole);
    suggest->setToolTip(
        tr("Fill empty or invalid addresses this server binds with free local ports"));
    connect(suggest, &QPushButton::clicked, this, &ServerDialog::suggestAddresses);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        validate();
        if (isValid())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        if (m_isNew && !m_filling) {
            // A new entry follows its kind: fresh name (unless typed), fresh addresses.
            const QString name = m_name->text();
            const bool typed = name != m_autoName;
            prepareNew(static_cast<ServerKind>(m_kind->currentData().toInt()));
            if (typed)
                m_name->setText(name);
            return;
        }
        updateVisibleFields();
        validate();
    });
    auto revalidate = [this] { validate(); };
    connect(m_name, &QLineEdit::textChanged, this, revalidate);
    connect(m_previous, &QLineEdit::textChanged, this, revalidate);
    connect(m_script, &QLineEdit::textChanged, this, revalidate);
    connect(m_replicas, &QSpinBox::valueChanged, this, revalidate);
    connect(m_pipelined, &QCheckBox::toggled, this, revalidate);
    connect(m_toClient, &QCheckBox::toggled, this, revalidate);
    resize(560, sizeHint().height());
    setMinimumWidth(480);
}

QLineEdit *ServerDialog::addAddressRow(const QString &key, const QString &label, const QString &tip)
{
    auto *row = new QWidget(this);
    auto *rowLayout = new QHBoxLayout(row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    auto *edit = new QLineEdit(row);
    edit->setObjectName(key);
    edit->setToolTip(tip);
    edit->setPlaceholderText(key == QLatin1String("sub_addresses")
                                 ? tr("tcp://127.0.0.1:5561, tcp://127.0.0.1:5571")
                                 : tr("tcp://127.0.0.1:5555"));
    auto *choices = new QToolButton(row);
    choices->setText(tr("▾"));
    choices->setToolTip(tr("Pick a free port or another server's address"));
    rowLayout->addWidget(edit);
    rowLayout->addWidget(choices);
    m_form->addRow(label, row);
    m_addresses.insert(key, edit);
    m_fields.insert(key, edit);
    connect(edit, &QLineEdit::textChanged, this, [this] { validate(); });
    connect(choices, &QToolButton::clicked, this, [this, key] { showAddressChoices(key); });
    return edit;
}

bool ServerDialog::kindUsesField(ServerKind kind, const QString &key)
{
    const auto field = fieldFromName(key);
    return field && traitsOf(kind).takes(*field);
}

void ServerDialog::updateVisibleFields()
{
    const auto kind = static_cast<ServerKind>(m_kind->currentData().toInt());
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        QWidget *w = it.value();
        // Address and script rows hold a container; hide the whole row.
        QWidget *rowWidget =
            (w->parentWidget() && w->parentWidget() != this) ? w->parentWidget() : w;
        m_form->setRowVisible(rowWidget, kindUsesField(kind, it.key()));
    }
    const bool sink = traitsOf(kind).takes(ClusterField::SubAddresses);
    m_previous->setPlaceholderText(sink ? tr("topics, one per sub address: stage_a, stage_b")
                                        : tr("name of the previous stage"));
    // Where a kind connects instead of binding, the address comes from the master.
    m_addresses.value(QStringLiteral("worker_push_address"))
        ->setPlaceholderText(binds(kind, u"worker_push_address"_s) ? tr("tcp://127.0.0.1:5557")
                                                                   : tr("from the master's cache"));
    m_addresses.value(QStringLiteral("worker_pull_address"))
        ->setPlaceholderText(binds(kind, u"worker_pull_address"_s) ? tr("tcp://127.0.0.1:5558")
                                                                   : tr("from the master's cache"));
    m_addresses.value(QStringLiteral("db_address"))
        ->setPlaceholderText(binds(kind, u"db_address"_s) ? tr("tcp://127.0.0.1:5559")
                                                          : tr("the master's db_address"));
    // Fit the height to the rows shown.
    layout()->activate();
    resize(width(), sizeHint().height());
}

void ServerDialog::setOtherServers(const QList<ServerConfig> &others)
{
    m_others = others;
    validate();
}

void ServerDialog::setConfig(const ServerConfig &config)
{
    m_filling = true;
    m_isNew = false;
    m_base = config;
    m_kind->setCurrentIndex(qMax(0, m_kind->findData(int(config.kind))));
    m_name->setText(config.name);
    m_addresses.value(QStringLiteral("db_address"))->setText(config.dbAddress);
    m_addresses.value(QStringLiteral("pull_address"))->setText(config.pullAddress);
    m_addresses.value(QStringLiteral("pub_address"))->setText(config.pubAddress);
    m_addresses.value(QStringLiteral("worker_pull_address"))->setText(config.workerPullAddress);
    m_addresses.value(QStringLiteral("worker_push_address"))->setText(config.workerPushAddress);
    m_addresses.value(QStringLiteral("sub_address"))->setText(config.subAddress);
    m_addresses.value(QStringLiteral("sub_addresses"))
        ->setText(config.subAddresses.join(QStringLiteral(", ")));
    m_previous->setText(config.previous.join(QStringLiteral(", ")));
    m_pipelined->setChecked(config.pipelined);
    m_toClient->setChecked(config.toClient);
    m_logLevel->setCurrentIndex(qMax(0, m_logLevel->findData(int(config.logLevel))));
    m_script->setText(config.scriptPath);
    m_replicas->setValue(qMax(1, config.replicas));
    m_filling = false;
    setWindowTitle(config.name.isEmpty() ? tr("New Server")
                                         : tr("Edit Server %1").arg(config.name));
    updateVisibleFields();
    validate();
}

void ServerDialog::prepareNew(ServerKind kind)
{
    ServerConfig config;
    config.kind = kind;
    config.name = uniqueName(kind);
    const ServerKindTraits &traits = traitsOf(kind);
    if (!binds(kind, u"db_address"_s)) {
        // A worker: serve the first master.
        for (const ServerConfig &other : std::as_const(m_others)) {
            if (traitsOf(other.kind).hasWorkers) {
                config.dbAddress = other.dbAddress;
                break;
            }
        }
    } else if (traits.subscribes) {
        // Subscribe to the last stage so far, the usual place for a new one.
        for (auto it = m_others.crbegin(); it != m_others.crend(); ++it) {
            if (binds(it->kind, u"pub_address"_s) && !it->pubAddress.isEmpty()) {
                if (traits.takes(ClusterField::SubAddresses))
                    config.subAddresses = {it->pubAddress};
                else
                    config.subAddress = it->pubAddress;
                config.previous = {it->name};
                break;
            }
        }
    }
    setConfig(config);
    m_isNew = true;
    m_autoName = config.name;
    setWindowTitle(tr("New Server"));
    suggestAddresses();
}

QString ServerDialog::uniqueName(ServerKind kind) const
{
    const QString base = kindName(kind);
    for (int i = 1;; ++i) {
        const QString candidate = base + QString::number(i);
        const bool taken =
            std::any_of(m_others.cbegin(), m_others.cend(), [&](const ServerConfig &c) {
                return c.name == candidate || c.name.startsWith(candidate + QLatin1Char('-'));
            });
        if (!taken)
            return candidate;
    }
}

ServerConfig ServerDialog::config() const
{
    ServerConfig c = m_base;
    c.kind = static_cast<ServerKind>(m_kind->currentData().toInt());
    c.name = m_name->text().trimmed();
    const auto uses = [&c](const char *key) { return kindUsesField(c.kind, QLatin1String(key)); };
    const auto text = [this, &uses](const char *key) {
        return uses(key) ? m_addresses.value(QLatin1String(key))->text().trimmed() : QString();
    };
    c.dbAddress = text("db_address");
    c.pullAddress = text("pull_address");
    c.pubAddress = text("pub_address");
    c.workerPullAddress = text("worker_pull_address");
    c.workerPushAddress = text("worker_push_address");
    c.subAddress = text("sub_address");
    c.subAddresses = uses("sub_addresses")
                         ? splitList(m_addresses.value(u"sub_addresses"_s)->text())
                         : QStringList();
    c.previous = uses("previous") ? splitList(m_previous->text()) : QStringList();
    c.pipelined = uses("pipelined") && m_pipelined->isChecked();
    c.toClient = uses("to_client") ? m_toClient->isChecked() : true;
    c.logLevel = static_cast<LogLevel>(m_logLevel->currentData().toInt());
    c.scriptPath = m_script->text().trimmed();
    c.replicas = uses("replicas") ? m_replicas->value() : 1;
    return c;
}

void ServerDialog::validate()
{
    if (m_filling)
        return;
    const ServerConfig c = config();
    QString field;
    QString error;
    if (c.name.isEmpty()) {
        field = QStringLiteral("name");
        error = tr("field 'name': a server needs a name");
    } else if (auto problem = validateServer(c)) {
        field = problem->field;
        error =
            field.isEmpty() ? problem->message : tr("field '%1': %2").arg(field, problem->message);
    } else if (!c.scriptPath.isEmpty() && !QFileInfo(c.scriptPath).isFile()) {
        field = QStringLiteral("script");
        error = tr("field 'script': no such file: %1").arg(c.scriptPath);
    } else if (!m_others.isEmpty() && !validateCluster(m_others)) {
        // Only problems this entry brings in: the others were valid without it.
        QList<ServerConfig> all = m_others;
        all.append(c);
        if (auto problem = validateCluster(all)) {
            field = problem->field;
            error = problem->toString();
        }
    }
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (auto *edit = qobject_cast<QLineEdit *>(it.value()))
            edit->setStyleSheet(it.key() == field
                                    ? QStringLiteral("QLineEdit { border: 1px solid #c62828; }")
                                    : QString());
    }
    const bool wasValid = m_error.isEmpty();
    m_error = error;
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    if (wasValid != error.isEmpty())
        Q_EMIT validityChanged(error.isEmpty());
}

int ServerDialog::freeTcpPort()
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return 0;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof(address);
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            port = ntohs(address.sin_port);
        ::close(fd);
        if (port == 0)
            return 0;
        if (!handedOutPorts().contains(port)) {
            handedOutPorts().insert(port);
            return port;
        }
    }
    return 0;
}

QString ServerDialog::suggestedAddress()
{
    QSet<int> taken;
    for (const ServerConfig &other : std::as_const(m_others)) {
        const auto named = other.namedAddresses();
        for (const auto &[name, address] : named)
            taken.insert(portOf(address));
    }
    for (const QLineEdit *edit : std::as_const(m_addresses))
        taken.insert(portOf(edit->text()));
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int port = freeTcpPort();
        if (port == 0)
            break;
        if (!taken.contains(port))
            return QStringLiteral("tcp://127.0.0.1:%1").arg(port);
    }
    return QStringLiteral("tcp://127.0.0.1:*");
}

void ServerDialog::suggestAddresses()
{
    // Every address the kind binds gets a free port.
    const auto kind = static_cast<ServerKind>(m_kind->currentData().toInt());
    for (ClusterField field : traitsOf(kind).boundFields()) {
        const QString key(fieldName(field));
        QLineEdit *edit = m_addresses.value(key);
        // Empty or not an address (a typo in the DB address too): a free port replaces it.
        if (edit->text().trimmed().isEmpty() || !isValidAddress(edit->text().trimmed()))
            edit->setText(suggestedAddress());
    }
    validate();
}

void ServerDialog::showAddressChoices(const QString &key)
{
    QLineEdit *edit = m_addresses.value(key);
    QMenu menu(this);
    const ServerKind kind = static_cast<ServerKind>(m_kind->currentData().toInt());
    if (binds(kind, key)) {
        menu.addAction(tr("Free local port"), this,
                       [this, edit] { edit->setText(suggestedAddress()); });
        menu.addAction(tr("Any free port when started (tcp://127.0.0.1:*)"), this,
                       [edit] { edit->setText(QStringLiteral("tcp://127.0.0.1:*")); });
    }
    // Another server's address this one would connect to.
    const QString wanted =
        key == QLatin1String("sub_address") || key == QLatin1String("sub_addresses")
            ? QStringLiteral("pub_address")
            : key;
    for (const ServerConfig &other : std::as_const(m_others)) {
        const auto named = other.namedAddresses();
        for (const auto &[name, address] : named) {
            if (name != wanted || address.isEmpty())
                continue;
            menu.addAction(
                tr("%1's %2: %3").arg(other.name, name, address), this,
                [this, edit, key, address, other] {
                    if (key == QLatin1String("sub_addresses") && !edit->text().trimmed().isEmpty())
                        edit->setText(edit->text().trimmed() + QStringLiteral(", ") + address);
                    else
                        edit->setText(address);
                    if (key.startsWith(QLatin1String("sub_")) &&
                        m_previous->text().trimmed().isEmpty())
                        m_previous->setText(other.name);
                });
        }
    }
    if (menu.isEmpty())
        menu.addAction(tr("No suggestion"))->setEnabled(false);
    menu.exec(QCursor::pos());
}

} // namespace qpalm
