// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "clientworker.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QWidget>

#include <deque>
#include <functional>

class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSortFilterProxyModel;
class QThread;

namespace qpalm {

class Cluster;
class ServerHandle;

// The keys of one server's cache, sorted; DisplayRole is readable text, KeyRole the raw bytes.
class CacheKeyModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { KeyRole = Qt::UserRole + 1 };

    explicit CacheKeyModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Replaces the keys (sorted bytewise).
    void setKeys(QList<QByteArray> keys);
    const QList<QByteArray> &keys() const { return m_keys; }
    // Row of key, or -1.
    int rowOf(const QByteArray &key) const;

private:
    QList<QByteArray> m_keys;
};

// Cache inspector: lists a server's keys, shows a value as text or hex, sets and deletes keys.
// Every cache call runs on a worker thread; results arrive as signals.
class CachePanel : public QWidget
{
    Q_OBJECT
public:
    explicit CachePanel(QWidget *parent = nullptr);
    ~CachePanel() override;

    // True for keys a server publishes in its cache for its peers ("name", the addresses such as
    // worker_pull_address): deleting one cuts workers and clients off.
    static bool isPublishedKey(const QByteArray &key);
    // Asks whether to delete (question, warning); the default shows a message box. Tests and
    // scripts replace it.
    void setDeleteConfirmation(std::function<bool(const QString &, bool)> confirm)
    {
        m_confirmDelete = std::move(confirm);
    }
    // What the Delete button does: asks, then removes the edited key. False when declined.
    bool deleteEditedKey();

    // The servers to choose from (all but workers: a worker's cache is its master's).
    void setServers(const QList<ServerHandle *> &servers);
    // Follows a cluster's servers as they come and go.
    void setCluster(Cluster *cluster);
    ServerHandle *currentServer() const;
    // Selects a server by name (and refreshes); false when it is not listed.
    bool setCurrentServer(const QString &name);

    // Lists the keys again; keysRefreshed or operationFailed follows.
    void refresh();
    // Fetches key's value into the editor; valueShown or operationFailed follows.
    void showKey(const QByteArray &key);
    // Stores value under key (empty key: a fresh uuid), then refreshes; valueStored or
    // operationFailed follows.
    void setValue(const QByteArray &key, const QByteArray &value);
    // Deletes key, then refreshes; keyRemoved or operationFailed follows.
    void removeKey(const QByteArray &key);

    // Saves every key/value of the current server's cache to path (engine/cachesnapshot.h);
    // snapshotSaved or operationFailed follows.
    void saveSnapshot(const QString &path);
    // Writes the snapshot at path into the current server's cache; with replace, keys it does not
    // have are deleted (published keys are never touched). A bad file changes nothing.
    // snapshotRestored or operationFailed follows.
    void restoreSnapshot(const QString &path, bool replace = true);

    // Shows (and edits) the value as hex pairs instead of text.
    void setHexMode(bool hex);
    bool hexMode() const;
    // The key and value as the editors hold them now; false (reason in error) when the hex is
    // malformed.
    QByteArray editedKey() const;
    bool editedValue(QByteArray *value, QString *error = nullptr) const;
    // True when the value editor no longer shows the value last fetched or stored.
    bool isValueEdited() const;

    CacheKeyModel *keyModel() const { return m_keys; }
    // Requests sent to the worker and not answered yet.
    int pendingRequests() const { return int(m_pending.size()); }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // GUI thread: the key list was refreshed.
    void keysRefreshed(int count);
    // GUI thread: a value was fetched and shown.
    void valueShown(const QByteArray &key, const QByteArray &value);
    // GUI thread: a set succeeded (key is the one used).
    void valueStored(const QByteArray &key);
    // GUI thread: a delete succeeded.
    void keyRemoved(const QByteArray &key);
    // GUI thread: count keys were saved to path.
    void snapshotSaved(const QString &path, int count);
    // GUI thread: path was restored (set keys written, removed deleted).
    void snapshotRestored(const QString &path, int set, int removed);
    // GUI thread: a call failed or could not be made; text names what went wrong.
    void operationFailed(const QString &error);

private:
    // Queues one worker call for the current server; false (and operationFailed) when there is
    // none.
    template <typename Call> bool send(const QString &operation, Call call);
    bool acceptReply();
    void onServerChanged(ServerHandle *server);
    void onKeysListed(const QList<QByteArray> &keys);
    void onValueFetched(const QByteArray &key, const QByteArray &value);
    void onValueStored(const QByteArray &key);
    void onKeyRemoved(const QByteArray &key);
    void onFailed(const QString &operation, const QString &error);
    void onSnapshotSaved(const QString &path, int count);
    void onSnapshotRestored(const QString &path, int set, int removed, int kept);
    void chooseSnapshotToSave();
    void chooseSnapshotToRestore();
    void fail(const QString &error);
    void showValue(const QByteArray &value);
    void setKeyField(const QByteArray &key);
    void onModeToggled();
    void onSelectionChanged();
    void updateValueInfo();

    ServerChooser *m_server = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_snapshotButton = nullptr;
    QPushButton *m_restoreButton = nullptr;
    QLineEdit *m_filter = nullptr;
    QListView *m_keyView = nullptr;
    CacheKeyModel *m_keys = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_keyEdit = nullptr;
    QPlainTextEdit *m_valueEdit = nullptr;
    QRadioButton *m_textMode = nullptr;
    QRadioButton *m_hexMode = nullptr;
    QLabel *m_valueInfo = nullptr;
    QPushButton *m_setButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QLabel *m_status = nullptr;

    QThread *m_thread = nullptr;
    ClientWorker *m_worker = nullptr;
    CancelFlag m_closing; // set when the panel goes: a pending cache call ends at once
    QPointer<ServerHandle> m_watched;
    int m_generation = 0;      // bumped when the server changes; older replies are ignored
    std::deque<int> m_pending; // generation of each request in flight, oldest first
    QByteArray m_keyBytes;     // the key the key field shows, while not edited
    QString m_renderedKey;     // m_keyBytes as put in the key field
    QByteArray m_valueBytes;   // the value the editor shows, while not edited
    QString m_renderedValue;   // m_valueBytes as put in the editor
    bool m_hex = false;
    QByteArray m_selectAfterRefresh;
    QString m_lastError;
    std::function<bool(const QString &, bool)> m_confirmDelete;
};

} // namespace qpalm
