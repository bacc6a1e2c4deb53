// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// ServerDialog: fields per kind, free ports, inline validation and OK only when valid.
#include "serverdialog.h"

#include "clusterfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace qpalm;
using namespace Qt::StringLiterals;

namespace {
const QStringList kFields{QStringLiteral("kind"),
                          QStringLiteral("name"),
                          QStringLiteral("db_address"),
                          QStringLiteral("pull_address"),
                          QStringLiteral("pub_address"),
                          QStringLiteral("worker_pull_address"),
                          QStringLiteral("worker_push_address"),
                          QStringLiteral("sub_address"),
                          QStringLiteral("sub_addresses"),
                          QStringLiteral("previous"),
                          QStringLiteral("pipelined"),
                          QStringLiteral("to_client"),
                          QStringLiteral("log_level"),
                          QStringLiteral("script"),
                          QStringLiteral("replicas")};

QLineEdit *edit(ServerDialog &dialog, const QString &key)
{
    return qobject_cast<QLineEdit *>(dialog.field(key));
}

QPushButton *okButton(ServerDialog &dialog)
{
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

bool canBind(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(quint16(port));
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0;
    ::close(fd);
    return ok;
}

ServerConfig masterEntry()
{
    ServerConfig m;
    m.kind = ServerKind::Master;
    m.name = QStringLiteral("boss");
    m.dbAddress = QStringLiteral("tcp://127.0.0.1:46000");
    m.pullAddress = QStringLiteral("tcp://127.0.0.1:46001");
    m.pubAddress = QStringLiteral("tcp://127.0.0.1:46002");
    m.workerPullAddress = QStringLiteral("tcp://127.0.0.1:46003");
    m.workerPushAddress = QStringLiteral("tcp://127.0.0.1:46004");
    return m;
}
} // namespace

class TestServerDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fieldsPerKind_data();
    void fieldsPerKind();
    void newEntriesAreValid_data();
    void newEntriesAreValid();
    void freePortsAreFree();
    void badAddressDisablesOk();
    void requiredFieldsNamed();
    void duplicatesAndClashes();
    void scriptMustExist();
    void configRoundTrip();
    void workerFollowsMaster();
};

void TestServerDialog::fieldsPerKind_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("shown");
    const QStringList common{u"kind"_s, u"name"_s, u"log_level"_s, u"script"_s};
    QTest::newRow("server") << int(ServerKind::Server)
                            << common + QStringList{u"db_address"_s, u"pull_address"_s,
                                                    u"pub_address"_s, u"pipelined"_s};
    QTest::newRow("master") << int(ServerKind::Master)
                            << common +
                                   QStringList{u"db_address"_s,          u"pull_address"_s,
                                               u"pub_address"_s,         u"worker_pull_address"_s,
                                               u"worker_push_address"_s, u"pipelined"_s};
    QTest::newRow("hub") << int(ServerKind::Hub) << common + QStringList{u"db_address"_s,
                                                                         u"sub_address"_s,
                                                                         u"previous"_s,
                                                                         u"pub_address"_s,
                                                                         u"worker_pull_address"_s,
                                                                         u"worker_push_address"_s,
                                                                         u"pipelined"_s};
    QTest::newRow("worker") << int(ServerKind::Worker)
                            << common + QStringList{u"db_address"_s, u"worker_pull_address"_s,
                                                    u"worker_push_address"_s, u"replicas"_s};
    QTest::newRow("pipeline") << int(ServerKind::Pipeline)
                              << common + QStringList{u"db_address"_s, u"sub_address"_s,
                                                      u"previous"_s, u"pub_address"_s,
                                                      u"to_client"_s};
    QTest::newRow("sink") << int(ServerKind::Sink)
                          << common + QStringList{u"db_address"_s, u"sub_addresses"_s,
                                                  u"previous"_s, u"pub_address"_s, u"to_client"_s};
}

void TestServerDialog::fieldsPerKind()
{
    QFETCH(int, kind);
    QFETCH(QStringList, shown);
    ServerDialog dialog;
    dialog.prepareNew(static_cast<ServerKind>(kind));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    for (const QString &key : kFields) {
        QWidget *w = dialog.field(key);
        QVERIFY2(w, qPrintable(key));
        QCOMPARE(ServerDialog::kindUsesField(static_cast<ServerKind>(kind), key),
                 shown.contains(key));
        QVERIFY2(w->isVisible() == shown.contains(key),
                 qPrintable(QStringLiteral("%1 visible: %2").arg(key).arg(w->isVisible())));
    }
}

void TestServerDialog::newEntriesAreValid_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("server") << int(ServerKind::Server);
    QTest::newRow("master") << int(ServerKind::Master);
}

void TestServerDialog::newEntriesAreValid()
{
    QFETCH(int, kind);
    ServerDialog dialog;
    dialog.prepareNew(static_cast<ServerKind>(kind));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    QVERIFY(okButton(dialog)->isEnabled());
    const ServerConfig c = dialog.config();
    QCOMPARE(int(c.kind), kind);
    QVERIFY(!c.name.isEmpty());
    QVERIFY(!validateServer(c));
    // Every bound address is a distinct loopback port.
    const QStringList bound = c.boundAddresses();
    QVERIFY(bound.size() >= 3);
    QCOMPARE(QSet<QString>(bound.cbegin(), bound.cend()).size(), bound.size());
    for (const QString &address : bound)
        QVERIFY2(address.startsWith(QStringLiteral("tcp://127.0.0.1:")), qPrintable(address));
}

void TestServerDialog::freePortsAreFree()
{
    QSet<int> seen;
    for (int i = 0; i < 5; ++i) {
        const int port = ServerDialog::freeTcpPort();
        QVERIFY(port > 0);
        QVERIFY(!seen.contains(port));
        seen.insert(port);
        QVERIFY(canBind(port));
    }
}

void TestServerDialog::badAddressDisablesOk()
{
    ServerDialog dialog;
    dialog.prepareNew(ServerKind::Server);
    QVERIFY(dialog.isValid());
    QSignalSpy validity(&dialog, &ServerDialog::validityChanged);
    QLineEdit *pub = edit(dialog, QStringLiteral("pub_address"));
    const QString good = pub->text();
    pub->setText(QStringLiteral("tcp:/nowhere"));
    QVERIFY(!dialog.isValid());
    QVERIFY(!okButton(dialog)->isEnabled());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("pub_address")),
             qPrintable(dialog.validationError()));
    auto *label = dialog.findChild<QLabel *>(QStringLiteral("validationError"));
    QCOMPARE(label->text(), dialog.validationError());
    QVERIFY(!pub->styleSheet().isEmpty()); // the field is marked
    QCOMPARE(validity.size(), 1);
    QCOMPARE(validity.last().at(0).toBool(), false);

    // Accepting is refused while invalid.
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    okButton(dialog)->click();
    QCOMPARE(accepted.size(), 0);

    pub->setText(good);
    QVERIFY(dialog.isValid());
    QVERIFY(okButton(dialog)->isEnabled());
    QVERIFY(pub->styleSheet().isEmpty());
    QCOMPARE(validity.last().at(0).toBool(), true);
    okButton(dialog)->click();
    QCOMPARE(accepted.size(), 1);
}

void TestServerDialog::requiredFieldsNamed()
{
    ServerDialog dialog;
    dialog.prepareNew(ServerKind::Master);
    edit(dialog, QStringLiteral("worker_push_address"))->clear();
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("worker_push_address")),
             qPrintable(dialog.validationError()));
    edit(dialog, QStringLiteral("worker_push_address"))
        ->setText(QStringLiteral("tcp://127.0.0.1:*"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));

    edit(dialog, QStringLiteral("name"))->clear();
    QVERIFY(!dialog.isValid());
    QVERIFY(dialog.validationError().contains(QStringLiteral("name")));
    edit(dialog, QStringLiteral("name"))->setText(QStringLiteral("bad name"));
    QVERIFY(!dialog.isValid());
    edit(dialog, QStringLiteral("name"))->setText(QStringLiteral("good_name"));
    QVERIFY(dialog.isValid());

    // A pipeline needs its previous stage's topic.
    dialog.setConfig([] {
        ServerConfig p;
        p.kind = ServerKind::Pipeline;
        p.name = QStringLiteral("p");
        p.dbAddress = QStringLiteral("tcp://127.0.0.1:*");
        p.subAddress = QStringLiteral("tcp://127.0.0.1:46002");
        p.pubAddress = QStringLiteral("tcp://127.0.0.1:*");
        return p;
    }());
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("previous")),
             qPrintable(dialog.validationError()));
    edit(dialog, QStringLiteral("previous"))->setText(QStringLiteral("boss"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
}

void TestServerDialog::duplicatesAndClashes()
{
    ServerDialog dialog;
    dialog.setOtherServers({masterEntry()});
    dialog.prepareNew(ServerKind::Server);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    QVERIFY(dialog.config().name != QStringLiteral("boss"));
    edit(dialog, QStringLiteral("name"))->setText(QStringLiteral("boss"));
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("boss")),
             qPrintable(dialog.validationError()));
    edit(dialog, QStringLiteral("name"))->setText(QStringLiteral("second"));
    QVERIFY(dialog.isValid());
    edit(dialog, QStringLiteral("pull_address"))->setText(masterEntry().pullAddress);
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.validationError().contains(QStringLiteral("46001")),
             qPrintable(dialog.validationError()));
}

void TestServerDialog::scriptMustExist()
{
    QTemporaryDir dir;
    ServerDialog dialog;
    dialog.prepareNew(ServerKind::Server);
    edit(dialog, QStringLiteral("script"))->setText(dir.filePath(QStringLiteral("missing.lua")));
    QVERIFY(!dialog.isValid());
    QVERIFY(dialog.validationError().contains(QStringLiteral("script")));
    QFile file(dir.filePath(QStringLiteral("there.lua")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("function foo(m) return m end\n");
    file.close();
    edit(dialog, QStringLiteral("script"))->setText(file.fileName());
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    QCOMPARE(dialog.config().scriptPath, file.fileName());
}

void TestServerDialog::configRoundTrip()
{
    ServerConfig sink;
    sink.kind = ServerKind::Sink;
    sink.name = QStringLiteral("collector");
    sink.dbAddress = QStringLiteral("tcp://127.0.0.1:46100");
    sink.subAddresses = {QStringLiteral("tcp://127.0.0.1:46101"),
                         QStringLiteral("tcp://127.0.0.1:46102")};
    sink.previous = {QStringLiteral("even"), QStringLiteral("odd")};
    sink.pubAddress = QStringLiteral("tcp://127.0.0.1:46103");
    sink.toClient = false;
    sink.logLevel = LogLevel::Warning;
    sink.limits.timeLimitMs = 1234;
    sink.delivery.heartbeatMs = 321;
    sink.delivery.credit = 9;
    ServerDialog dialog;
    dialog.setConfig(sink);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    const ServerConfig back = dialog.config();
    QCOMPARE(back.kind, sink.kind);
    QCOMPARE(back.name, sink.name);
    QCOMPARE(back.subAddresses, sink.subAddresses);
    QCOMPARE(back.previous, sink.previous);
    QCOMPARE(back.pubAddress, sink.pubAddress);
    QCOMPARE(back.toClient, false);
    QCOMPARE(back.logLevel, LogLevel::Warning);
    QCOMPARE(back.limits.timeLimitMs, 1234); // kept although not shown
    QCOMPARE(back.delivery, sink.delivery);  // so are the delivery settings
    QCOMPARE(back.pullAddress, QString());

    // Fields of another kind do not leak into the entry.
    auto *kind = qobject_cast<QComboBox *>(dialog.field(QStringLiteral("kind")));
    kind->setCurrentIndex(kind->findData(int(ServerKind::Worker)));
    QVERIFY(dialog.config().pubAddress.isEmpty());
    QVERIFY(dialog.config().subAddresses.isEmpty());
    QVERIFY(dialog.config().previous.isEmpty());
    QCOMPARE(dialog.config().delivery, sink.delivery);
}

void TestServerDialog::workerFollowsMaster()
{
    ServerDialog dialog;
    dialog.setOtherServers({masterEntry()});
    dialog.prepareNew(ServerKind::Worker);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    QCOMPARE(dialog.config().dbAddress, masterEntry().dbAddress);
    QVERIFY(dialog.config().workerPushAddress.isEmpty());
    qobject_cast<QSpinBox *>(dialog.field(QStringLiteral("replicas")))->setValue(4);
    QCOMPARE(dialog.config().replicas, 4);
    edit(dialog, QStringLiteral("db_address"))->clear();
    QVERIFY(!dialog.isValid());
    QVERIFY(dialog.validationError().contains(QStringLiteral("db_address")));

    // A new entry switched to another kind gets that kind's name and addresses.
    auto *kind = qobject_cast<QComboBox *>(dialog.field(QStringLiteral("kind")));
    kind->setCurrentIndex(kind->findData(int(ServerKind::Master)));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.validationError()));
    QVERIFY(dialog.config().name.startsWith(QStringLiteral("master")));
    QVERIFY(!dialog.config().workerPushAddress.isEmpty());
}

QTEST_MAIN(TestServerDialog)
#include "tst_serverdialog.moc"
