// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cachepanel.h"

#include "cachesnapshot.h"
#include "serverhandle.h"

#include <QButtonGroup>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStringDecoder>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>

namespace qpalm {

namespace {
bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}
} // namespace

CacheKeyModel::CacheKeyModel(QObject *parent) : QAbstractListModel(parent) {}

int CacheKeyModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

QVariant CacheKeyModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QByteArray &key = m_keys[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return displayBytes(key, 200);
    case Qt::ToolTipRole:
        return tr("%1 (%2 bytes)").arg(displayBytes(key, 2000)).arg(key.size());
    case KeyRole:
        return key;
    default:
        return {};
    }
}

void CacheKeyModel::setKeys(QList<QByteArray> keys)
{
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    if (keys == m_keys)
        return;
    beginResetModel();
    m_keys = std::move(keys);
    endResetModel();
}

int CacheKeyModel::rowOf(const QByteArray &key) const
{
    const auto it = std::lower_bound(m_keys.begin(), m_keys.end(), key);
    return (it != m_keys.end() && *it == key) ? int(it - m_keys.begin()) : -1;
}

// ---------------------------------------------------------------------------------------------

CachePanel::CachePanel(QWidget *parent) : QWidget(parent)
{
    m_server = new ServerChooser(this);
    m_server->setObjectName(QStringLiteral("server"));
    m_server->setToolTip(tr("Whose cache to inspect (a worker's cache is its master's)."));
    m_refreshButton = new QPushButton(tr("Refresh"), this);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_snapshotButton = new QPushButton(tr("Snapshot..."), this);
    m_snapshotButton->setObjectName(QStringLiteral("snapshotButton"));
    m_snapshotButton->setToolTip(tr("Save every key and value of this cache to a file."));
    m_restoreButton = new QPushButton(tr("Restore..."), this);
    m_restoreButton->setObjectName(QStringLiteral("restoreButton"));
    m_restoreButton->setToolTip(
        tr("Put a snapshot file's keys and values into this cache (it may be another server's)."));
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter keys"));
    m_filter->setClearButtonEnabled(true);

    m_keys = new CacheKeyModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_keys);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_keyView = new QListView(this);
    m_keyView->setObjectName(QStringLiteral("keys"));
    m_keyView->setModel(m_proxy);
    m_keyView->setUniformItemSizes(true);
    m_keyView->setSelectionMode(QAbstractItemView::SingleSelection);

    m_keyEdit = new QLineEdit(this);
    m_keyEdit->setObjectName(QStringLiteral("key"));
    m_keyEdit->setPlaceholderText(tr("empty: the server picks a fresh uuid"));
    m_valueEdit = new QPlainTextEdit(this);
    m_valueEdit->setObjectName(QStringLiteral("value"));
    m_valueEdit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_textMode = new QRadioButton(tr("Text"), this);
    m_textMode->setObjectName(QStringLiteral("textMode"));
    m_textMode->setChecked(true);
    m_hexMode = new QRadioButton(tr("He&x"), this);
    m_hexMode->setObjectName(QStringLiteral("hexMode"));
    auto *modeGroup = new QButtonGroup(this);
    modeGroup->addButton(m_textMode);
    modeGroup->addButton(m_hexMode);
    m_valueInfo = new QLabel(this);
    m_valueInfo->setObjectName(QStringLiteral("valueInfo"));
    m_setButton = new QPushButton(tr("Set"), this);
    m_setButton->setObjectName(QStringLiteral("setButton"));
    m_setButton->setToolTip(tr("Store the value under the key."));
    m_deleteButton = new QPushButton(tr("Delete"), this);
    m_deleteButton->setObjectName(QStringLiteral("deleteButton"));
    m_deleteButton->setToolTip(tr("Delete the key from the cache."));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    auto *serverLabel = new QLabel(tr("Server:"), this);
    serverLabel->setBuddy(m_server);
    top->addWidget(serverLabel);
    top->addWidget(m_server, 1);
    top->addWidget(m_refreshButton);
    top->addWidget(m_snapshotButton);
    top->addWidget(m_restoreButton);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_keyView, 1);

    auto *right = new QWidget(this);
    auto *form = new QFormLayout(right);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Key:"), m_keyEdit);
    auto *modeRow = new QHBoxLayout;
    modeRow->addWidget(m_textMode);
    modeRow->addWidget(m_hexMode);
    modeRow->addSpacing(12);
    modeRow->addWidget(m_valueInfo, 1);
    form->addRow(tr("Show as:"), modeRow);
    form->addRow(tr("Value:"), m_valueEdit);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_setButton);
    buttons->addWidget(m_deleteButton);
    form->addRow(buttons);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    connect(m_refreshButton, &QPushButton::clicked, this, &CachePanel::refresh);
    connect(m_snapshotButton, &QPushButton::clicked, this, &CachePanel::chooseSnapshotToSave);
    connect(m_restoreButton, &QPushButton::clicked, this, &CachePanel::chooseSnapshotToRestore);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_server, &ServerChooser::currentServerChanged, this, &CachePanel::onServerChanged);
    connect(m_keyView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &CachePanel::onSelectionChanged);
    connect(m_valueEdit, &QPlainTextEdit::textChanged, this, &CachePanel::updateValueInfo);
    connect(m_hexMode, &QRadioButton::toggled, this, &CachePanel::onModeToggled);
    connect(m_setButton, &QPushButton::clicked, this, [this] {
        QByteArray value;
        QString error;
        if (!editedValue(&value, &error)) {
            fail(error);
            return;
        }
        setValue(editedKey(), value);
    });
    connect(m_deleteButton, &QPushButton::clicked, this, [this] { deleteEditedKey(); });

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("qpalm-cache-panel"));
    m_worker = new ClientWorker;
    m_closing = std::make_shared<std::atomic<bool>>(false);
    m_worker->setInterrupt(m_closing);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ClientWorker::keysListed, this, &CachePanel::onKeysListed);
    connect(m_worker, &ClientWorker::valueFetched, this, &CachePanel::onValueFetched);
    connect(m_worker, &ClientWorker::valueStored, this, &CachePanel::onValueStored);
    connect(m_worker, &ClientWorker::keyRemoved, this, &CachePanel::onKeyRemoved);
    connect(m_worker, &ClientWorker::cacheFailed, this, &CachePanel::onFailed);
    connect(m_worker, &ClientWorker::snapshotSaved, this, &CachePanel::onSnapshotSaved);
    connect(m_worker, &ClientWorker::snapshotRestored, this, &CachePanel::onSnapshotRestored);
    m_thread->start();

    updateValueInfo();
}

CachePanel::~CachePanel()
{
    m_closing->store(true);
    m_thread->quit();
    m_thread->wait();
}

void CachePanel::setServers(const QList<ServerHandle *> &servers)
{
    m_server->setServers(servers);
}

void CachePanel::setCluster(Cluster *cluster)
{
    m_server->setCluster(cluster);
}

ServerHandle *CachePanel::currentServer() const
{
    return m_server->currentServer();
}

bool CachePanel::setCurrentServer(const QString &name)
{
    return m_server->setCurrentServer(name);
}

template <typename Call> bool CachePanel::send(const QString &operation, Call call)
{
    QString error;
    const ClientEndpoint endpoint = endpointFor(m_server->currentServer(), &error);
    if (!error.isEmpty()) {
        fail(tr("Cannot %1: %2").arg(operation, error));
        return false;
    }
    m_pending.push_back(m_generation);
    m_status->setText(tr("Working..."));
    ClientWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, endpoint, call] { call(worker, endpoint); }, Qt::QueuedConnection);
    return true;
}

bool CachePanel::acceptReply()
{
    if (m_pending.empty())
        return false;
    const int generation = m_pending.front();
    m_pending.pop_front();
    return generation == m_generation;
}

void CachePanel::refresh()
{
    send(tr("list the keys"),
         [](ClientWorker *worker, const ClientEndpoint &endpoint) { worker->listKeys(endpoint); });
}

void CachePanel::saveSnapshot(const QString &path)
{
    send(tr("save a snapshot"), [path](ClientWorker *worker, const ClientEndpoint &endpoint) {
        worker->saveSnapshot(endpoint, path);
    });
}

void CachePanel::restoreSnapshot(const QString &path, bool replace)
{
    send(tr("restore a snapshot"),
         [path, replace](ClientWorker *worker, const ClientEndpoint &endpoint) {
             worker->restoreSnapshot(endpoint, path, replace);
         });
}

void CachePanel::showKey(const QByteArray &key)
{
    send(tr("get a value"), [key](ClientWorker *worker, const ClientEndpoint &endpoint) {
        worker->fetchValue(endpoint, key);
    });
}

void CachePanel::setValue(const QByteArray &key, const QByteArray &value)
{
    send(tr("set a value"), [key, value](ClientWorker *worker, const ClientEndpoint &endpoint) {
        worker->storeValue(endpoint, key, value);
    });
}

bool CachePanel::isPublishedKey(const QByteArray &key)
{
    return qpalm::isPublishedCacheKey(key);
}

bool CachePanel::deleteEditedKey()
{
    const QByteArray key = editedKey();
    if (key.isEmpty()) {
        fail(tr("No key to delete: pick one in the list or type it."));
        return false;
    }
    const bool warn = isPublishedKey(key);
    const QString question =
        warn ? tr("Delete %1? The server publishes it for its peers: workers and clients that "
                  "read it can no longer connect.")
                   .arg(displayBytes(key, 80))
             : tr("Delete %1 from the cache?").arg(displayBytes(key, 80));
    const bool yes = m_confirmDelete
                         ? m_confirmDelete(question, warn)
                         : (warn ? QMessageBox::warning(this, tr("Delete Published Key"), question,
                                                        QMessageBox::Yes | QMessageBox::Cancel,
                                                        QMessageBox::Cancel)
                                 : QMessageBox::question(this, tr("Delete Key"), question,
                                                         QMessageBox::Yes | QMessageBox::Cancel,
                                                         QMessageBox::Yes)) == QMessageBox::Yes;
    if (!yes)
        return false;
    removeKey(key);
    return true;
}

void CachePanel::removeKey(const QByteArray &key)
{
    send(tr("delete a key"), [key](ClientWorker *worker, const ClientEndpoint &endpoint) {
        worker->removeKey(endpoint, key);
    });
}

void CachePanel::setHexMode(bool hex)
{
    (hex ? m_hexMode : m_textMode)->setChecked(true);
}

bool CachePanel::hexMode() const
{
    return m_hex;
}

QByteArray CachePanel::editedKey() const
{
    const QString text = m_keyEdit->text();
    return text == m_renderedKey ? m_keyBytes : text.toUtf8();
}

bool CachePanel::isValueEdited() const
{
    return m_valueEdit->toPlainText() != m_renderedValue;
}

bool CachePanel::editedValue(QByteArray *value, QString *error) const
{
    if (!isValueEdited()) {
        *value = m_valueBytes;
        return true;
    }
    if (!m_hex) {
        *value = m_valueEdit->toPlainText().toUtf8();
        return true;
    }
    QString why;
    if (!parseHex(m_valueEdit->toPlainText(), value, &why)) {
        if (error)
            *error = tr("The value is not valid hex: %1").arg(why);
        return false;
    }
    return true;
}

void CachePanel::onServerChanged(ServerHandle *server)
{
    ++m_generation;
    if (m_watched)
        disconnect(m_watched, nullptr, this, nullptr);
    m_watched = server;
    m_keys->setKeys({});
    setKeyField({});
    showValue({});
    if (!server) {
        m_status->setText(tr("No server."));
        return;
    }
    connect(server, &ServerHandle::started, this, &CachePanel::refresh);
    connect(server, &ServerHandle::stopped, this, [this] {
        ++m_generation;
        m_keys->setKeys({});
        m_status->setText(tr("The server stopped."));
    });
    if (server->state() == ServerHandle::State::Running)
        refresh();
    else
        m_status->setText(tr("Server '%1' is not running.").arg(server->name()));
}

void CachePanel::onKeysListed(const QList<QByteArray> &keys)
{
    if (!acceptReply())
        return;
    const QByteArray wanted = !m_selectAfterRefresh.isEmpty() ? m_selectAfterRefresh : editedKey();
    m_selectAfterRefresh.clear();
    {
        const QSignalBlocker blocker(m_keyView->selectionModel());
        m_keys->setKeys(keys);
        const int row = m_keys->rowOf(wanted);
        if (row >= 0) {
            const QModelIndex index = m_proxy->mapFromSource(m_keys->index(row));
            m_keyView->selectionModel()->setCurrentIndex(index,
                                                         QItemSelectionModel::ClearAndSelect);
            m_keyView->scrollTo(index);
        }
    }
    m_status->setText(tr("%n key(s).", nullptr, int(keys.size())));
    if (!wanted.isEmpty() && m_keys->rowOf(wanted) >= 0 && !isValueEdited()) {
        setKeyField(wanted);
        showKey(wanted);
    }
    Q_EMIT keysRefreshed(int(keys.size()));
}

void CachePanel::onValueFetched(const QByteArray &key, const QByteArray &value)
{
    if (!acceptReply())
        return;
    if (key == editedKey() || m_keyEdit->text().isEmpty()) {
        setKeyField(key);
        showValue(value);
    }
    m_status->setText(tr("%1: %n byte(s).", nullptr, int(value.size())).arg(displayBytes(key, 80)));
    Q_EMIT valueShown(key, value);
}

void CachePanel::onValueStored(const QByteArray &key)
{
    if (!acceptReply())
        return;
    QByteArray value;
    if (editedValue(&value))
        showValue(value); // what the server now holds
    setKeyField(key);
    m_status->setText(tr("Stored %1.").arg(displayBytes(key, 80)));
    m_selectAfterRefresh = key;
    Q_EMIT valueStored(key);
    refresh();
}

void CachePanel::onKeyRemoved(const QByteArray &key)
{
    if (!acceptReply())
        return;
    if (key == editedKey()) {
        setKeyField({});
        showValue({});
    }
    m_status->setText(tr("Deleted %1.").arg(displayBytes(key, 80)));
    Q_EMIT keyRemoved(key);
    refresh();
}

void CachePanel::onFailed(const QString &operation, const QString &error)
{
    Q_UNUSED(operation);
    if (!acceptReply())
        return;
    fail(error);
}

void CachePanel::fail(const QString &error)
{
    m_lastError = error;
    m_status->setText(error);
    Q_EMIT operationFailed(error);
}

void CachePanel::setKeyField(const QByteArray &key)
{
    m_keyBytes = key;
    m_renderedKey = displayBytes(key, 0);
    m_keyEdit->setText(m_renderedKey);
}

void CachePanel::showValue(const QByteArray &value)
{
    m_valueBytes = value;
    m_renderedValue = m_hex ? formatHex(value) : QString::fromUtf8(value);
    m_valueEdit->setPlainText(m_renderedValue);
    updateValueInfo();
}

void CachePanel::onModeToggled()
{
    const bool hex = m_hexMode->isChecked();
    if (hex == m_hex)
        return;
    QByteArray value;
    QString error;
    if (!editedValue(&value, &error)) { // only hex can be malformed: stay in hex
        const QSignalBlocker blocker(m_hexMode);
        const QSignalBlocker blocker2(m_textMode);
        m_hexMode->setChecked(true);
        fail(error);
        return;
    }
    m_hex = hex;
    showValue(value);
}

void CachePanel::onSelectionChanged()
{
    const QModelIndex index = m_proxy->mapToSource(m_keyView->currentIndex());
    if (!index.isValid())
        return;
    const QByteArray key = m_keys->data(index, CacheKeyModel::KeyRole).toByteArray();
    setKeyField(key);
    showKey(key);
}

void CachePanel::updateValueInfo()
{
    QByteArray value;
    if (!editedValue(&value)) {
        m_valueInfo->setText(tr("not valid hex"));
        return;
    }
    QString info = tr("%n byte(s)", nullptr, int(value.size()));
    if (!m_hex && !isValueEdited() && !isValidUtf8(m_valueBytes))
        info += tr("; not UTF-8: switch to hex to see and keep the exact bytes");
    m_valueInfo->setText(info);
}

} // namespace qpalm
