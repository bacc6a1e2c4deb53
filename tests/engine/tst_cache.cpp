// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// A server's cache over its REP socket: pylm's verbs through qpalm::Client, raw requests for
// what Client cannot send, and the keys servers preset for clients and workers.

#include "enginetest.h"
#include "rawzmq.h"

#include <QRegularExpression>

using namespace qpalm;
using namespace qpalm::test;

namespace {

// One raw request on a fresh REQ socket; nullopt when nothing came back.
std::optional<std::string> rawCacheRequest(const QString &dbAddress, const Message &request,
                                           int timeoutMs = 3000)
{
    zmq::socket_t req = rawSocket(zmq::socket_type::req);
    req.connect(str(dbAddress));
    if (!sendFrames(req, {encodeMessage(request)}))
        return std::nullopt;
    auto reply = recvFrames(req, timeoutMs);
    if (!reply || reply->size() != 1)
        return std::nullopt;
    return reply->front();
}

Message cacheMessage(const std::string &function, const std::string &payload,
                     const std::string &key = {})
{
    Message message;
    message.pipeline = newUuid();
    message.client = newUuid();
    message.function = function;
    message.payload = payload;
    message.cache = key;
    return message;
}

} // namespace

class TestCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setGetDeleteThroughClient()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("cached"), newHandlers()));
        QPALM_CLIENT(client, rig, server, QString());

        const std::string binary("\x00\x01value\xff", 8);
        const auto key = client->set(binary, "my_key");
        QVERIFY2(key.has_value(), client->lastError().c_str());
        QCOMPARE(*key, std::string("my_key"));

        auto value = client->get("my_key");
        QVERIFY2(value.has_value(), client->lastError().c_str());
        QCOMPARE(*value, binary);

        // Overwrite keeps one key.
        QCOMPARE(client->set("second", "my_key").value_or("?"), std::string("my_key"));
        QCOMPARE(client->get("my_key").value_or("?"), std::string("second"));

        const auto removed = client->remove("my_key");
        QVERIFY2(removed.has_value(), client->lastError().c_str());
        QCOMPARE(*removed, std::string("my_key"));
        value = client->get("my_key");
        QVERIFY2(value.has_value(), client->lastError().c_str());
        QCOMPARE(*value, std::string()); // a missing key answers empty, like pylm
    }

    // pylm: a client given a pipeline (a session) stores set() keys under that pipeline.
    void sessionClientPrefixesKeys()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("sessions"), newHandlers()));
        Client session(
            {"sessions", str(server->address(QStringLiteral("db_address"))), {}, {}, "session-7"});
        const auto key = session.set("v", "k");
        QVERIFY2(key.has_value(), session.lastError().c_str());
        QCOMPARE(*key, std::string("session-7k"));
        QCOMPARE(session.get("session-7k").value_or("?"), std::string("v"));
        Client plain({"sessions", str(server->address(QStringLiteral("db_address")))});
        QCOMPARE(plain.set("w", "k").value_or("?"), std::string("k"));
    }

    void setWithoutKeyReturnsUuid()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("cached"), newHandlers()));
        QPALM_CLIENT(client, rig, server, QString());
        static const QRegularExpression uuid(
            QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
        const auto key1 = client->set("one");
        const auto key2 = client->set("two");
        QVERIFY(key1 && key2);
        QVERIFY2(uuid.match(qstr(*key1)).hasMatch(), key1->c_str());
        QVERIFY2(uuid.match(qstr(*key2)).hasMatch(), key2->c_str());
        QVERIFY(*key1 != *key2);
        QCOMPARE(client->get(*key1).value_or("?"), std::string("one"));
        QCOMPARE(client->get(*key2).value_or("?"), std::string("two"));
    }

    void keysExtension()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("cached"), newHandlers()));
        QPALM_CLIENT(client, rig, server, QString());
        QVERIFY(client->set("1", "alpha"));
        QVERIFY(client->set("2", "beta"));
        const auto keys = client->keys();
        QVERIFY2(keys.has_value(), client->lastError().c_str());
        const QStringList list = toQStringList(*keys);
        QVERIFY2(list.contains(QStringLiteral("alpha")) && list.contains(QStringLiteral("beta")),
                 qPrintable(list.join(u',')));
        QVERIFY(list.contains(QStringLiteral("name")));
    }

    void rawVerbsLikePylm()
    {
        // Exactly the requests pylm's Client and Worker send, on a plain REQ socket.
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("rawcache"), newHandlers()));
        const QString db = server->address(QStringLiteral("db_address"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.set", "v1", "k1")).value_or("<none>"),
                 std::string("k1"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.get", "k1")).value_or("<none>"),
                 std::string("v1"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("_.get", "k1")).value_or("<none>"),
                 std::string("v1"));
        const auto newKey = rawCacheRequest(db, cacheMessage("_.set", "v2"));
        QVERIFY(newKey.has_value());
        QCOMPARE(newKey->size(), std::size_t(36));
        QCOMPARE(rawCacheRequest(db, cacheMessage("_.get", *newKey)).value_or("<none>"),
                 std::string("v2"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.delete", "k1")).value_or("<none>"),
                 std::string("k1"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.get", "k1")).value_or("<none>"),
                 std::string());
    }

    void unknownVerbAnswersEmpty()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("rawcache"), newHandlers()));
        const QString db = server->address(QStringLiteral("db_address"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.set", "v1", "k1")).value_or("<none>"),
                 std::string("k1"));
        for (const char *function : {"rawcache.frobnicate", "rawcache.eval", "nodot", ""}) {
            const auto reply = rawCacheRequest(db, cacheMessage(function, "k1"));
            QVERIFY2(reply.has_value(), function);
            QCOMPARE(*reply, std::string());
        }
        // The REP socket is still in step and the value untouched.
        QCOMPARE(rawCacheRequest(db, cacheMessage("rawcache.get", "k1")).value_or("<none>"),
                 std::string("v1"));
    }

    void presetKeysServer()
    {
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("preset_server"), newHandlers()));
        QPALM_CLIENT(client, rig, server, QString());
        QCOMPARE(client->get("name").value_or("?"), std::string("preset_server"));
        for (const QString &parameter :
             {QStringLiteral("pull_address"), QStringLiteral("pub_address")}) {
            const QString resolved = server->address(parameter);
            QVERIFY2(!resolved.isEmpty() && !resolved.contains(u'*'),
                     qPrintable(parameter + u'=' + resolved));
            QCOMPARE(qstr(client->get(str(parameter)).value_or("?")), resolved);
        }
        // The client configured itself from those keys.
        QCOMPARE(qstr(client->pushAddress()), server->address(QStringLiteral("pull_address")));
        QCOMPARE(qstr(client->subAddress()), server->address(QStringLiteral("pub_address")));
    }

    void presetKeysMaster()
    {
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("preset_master")));
        QPALM_CLIENT(client, rig, master, QString());
        QCOMPARE(client->get("name").value_or("?"), std::string("preset_master"));
        for (const QString &parameter :
             {QStringLiteral("pull_address"), QStringLiteral("pub_address"),
              QStringLiteral("worker_pull_address"), QStringLiteral("worker_push_address")}) {
            const QString resolved = master->address(parameter);
            QVERIFY2(!resolved.isEmpty() && !resolved.contains(u'*'),
                     qPrintable(parameter + u'=' + resolved));
            QCOMPARE(qstr(client->get(str(parameter)).value_or("?")), resolved);
        }
    }

    void presetKeysHub()
    {
        // A hub's cache serves its workers; its inbound is a SUB, so there is no pull_address.
        zmq::socket_t upstream = rawSocket(zmq::socket_type::pub);
        const std::string upstreamAddress = bindAny(upstream);
        Rig rig;
        QPALM_START(
            hub, rig,
            hubConfig(QStringLiteral("preset_hub"), qstr(upstreamAddress), QStringLiteral("up")));
        const QString db = hub->address(QStringLiteral("db_address"));
        QCOMPARE(rawCacheRequest(db, cacheMessage("_.get", "name")).value_or("?"),
                 std::string("preset_hub"));
        QCOMPARE(
            qstr(rawCacheRequest(db, cacheMessage("_.get", "worker_push_address")).value_or("?")),
            hub->address(QStringLiteral("worker_push_address")));
        QCOMPARE(
            qstr(rawCacheRequest(db, cacheMessage("_.get", "worker_pull_address")).value_or("?")),
            hub->address(QStringLiteral("worker_pull_address")));
        QCOMPARE(qstr(rawCacheRequest(db, cacheMessage("_.get", "pub_address")).value_or("?")),
                 hub->address(QStringLiteral("pub_address")));
    }

    void wrongServerNameRefused()
    {
        // pylm's client checks 'name'; so does ours.
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("right_name"), newHandlers()));
        Client::Options options;
        options.serverName = "wrong_name";
        options.dbAddress = str(server->address(QStringLiteral("db_address")));
        options.timeoutMs = 2000;
        Client client(options);
        QVERIFY(!client.connect());
        QVERIFY2(
            QString::fromStdString(client.lastError()).contains(QStringLiteral("right_name")) ||
                QString::fromStdString(client.lastError()).contains(QStringLiteral("wrong_name")),
            client.lastError().c_str());
    }

    void cacheSharedByWorkers()
    {
        // pylm's cache example: the client sets a value in the master; the worker reads it with
        // self.get.
        auto workerHandlers = newHandlers();
        workerHandlers->add(
            "foo",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                const auto cached = context.cacheGet("cached");
                return payload + "+" + cached.value_or("<missing>");
            });
        workerHandlers->add(
            "store",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                return context.cacheSet(payload, "from_worker");
            });
        workerHandlers->add(
            "store_anonymous",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                return context.cacheSet(payload);
            });
        workerHandlers->add(
            "forget",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                context.cacheDelete(payload);
                return std::string("forgot ") + payload;
            });
        Rig rig;
        QPALM_START(master, rig, masterConfig(QStringLiteral("cache_master")));
        QPALM_START(worker, rig,
                    workerConfig(QStringLiteral("cache_worker"),
                                 master->address(QStringLiteral("db_address")), workerHandlers));
        Q_UNUSED(worker);
        QPALM_CLIENT(client, rig, master, QString());

        QCOMPARE(client->set("Some data", "cached").value_or("?"), std::string("cached"));
        QPALM_EVAL(client, "cache_master.foo", "payload", 1,
                   QStringList{QStringLiteral("payload+Some data")});

        QPALM_EVAL(client, "cache_master.store", "written by worker", 1,
                   QStringList{QStringLiteral("from_worker")});
        QCOMPARE(client->get("from_worker").value_or("?"), std::string("written by worker"));

        const auto anonymous = client->eval("cache_master.store_anonymous", "anon");
        QVERIFY2(anonymous && anonymous->size() == 1, client->lastError().c_str());
        QCOMPARE(anonymous->front().size(), std::size_t(36));
        QCOMPARE(client->get(anonymous->front()).value_or("?"), std::string("anon"));

        QPALM_EVAL(client, "cache_master.forget", "cached", 1,
                   QStringList{QStringLiteral("forgot cached")});
        QCOMPARE(client->get("cached").value_or("?"), std::string());
        QPALM_EVAL(client, "cache_master.foo", "again", 1,
                   QStringList{QStringLiteral("again+<missing>")});
    }

    void serverHandlerUsesOwnCache()
    {
        auto handlers = newHandlers();
        handlers->add(
            "read",
            [](ServerContext &context, const std::string &payload) -> std::optional<std::string> {
                return context.cacheGet(payload).value_or("<missing>");
            });
        Rig rig;
        QPALM_START(server, rig, serverConfig(QStringLiteral("self_cache"), handlers));
        QPALM_CLIENT(client, rig, server, QString());
        QVERIFY(client->set("hello", "greeting"));
        QPALM_EVAL(client, "self_cache.read", "greeting", 1, QStringList{QStringLiteral("hello")});
        QPALM_EVAL(client, "self_cache.read", "name", 1, QStringList{QStringLiteral("self_cache")});
    }
};

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
