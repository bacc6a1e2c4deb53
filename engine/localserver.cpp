#include "localserver.h"

#include "serveractor.h"

namespace qpalm {

namespace {
const int kMetaTypes = [] {
    qRegisterMetaType<qpalm::LogRecord>();
    qRegisterMetaType<qpalm::LogBatch>();
    qRegisterMetaType<qpalm::LogLevel>();
    qRegisterMetaType<qpalm::ServerStats>();
    qRegisterMetaType<qpalm::ServerHandle::State>();
    return 0;
}();
} // namespace

LocalServer::LocalServer(ServerConfig config, QObject *parent)
    : ServerHandle(parent), m_config(std::move(config))
{
    (void)kMetaTypes;
}

LocalServer::~LocalServer()
{
    if (m_actor)
        m_actor->stop();
}

bool LocalServer::start()
{
    if (m_state == State::Running || m_state == State::Starting)
        return m_state == State::Running;
    setState(State::Starting);
    m_error.clear();
    m_stats = ServerStats();
    m_actor = std::make_unique<ServerActor>(this, m_config, m_addresses);
    QString error;
    QMap<QString, QString> addresses;
    if (!m_actor->start(m_startTimeoutMs, &error, &addresses)) {
        m_actor.reset();
        m_error = error;
        setState(State::Failed);
        Q_EMIT failed(error);
        return false;
    }
    m_addresses = addresses;
    setState(State::Running);
    Q_EMIT started();
    return true;
}

void LocalServer::stop()
{
    if (!m_actor)
        return;
    setState(State::Stopping);
    m_actor->stop();
    m_actor.reset();
    setState(State::Stopped);
    Q_EMIT stopped();
}

void LocalServer::setLogLevel(LogLevel level)
{
    if (m_config.logLevel == level)
        return;
    m_config.logLevel = level;
    if (m_actor)
        m_actor->setLogLevelNow(level);
    Q_EMIT logLevelChanged(level);
}

bool LocalServer::reloadScript(const QString &scriptPath, QString *errorText)
{
    const QString path = scriptPath.isEmpty() ? m_config.scriptPath : scriptPath;
    if (path.isEmpty()) {
        const QString reason = QStringLiteral("server '%1' has no script").arg(m_config.name);
        if (errorText)
            *errorText = reason;
        Q_EMIT scriptReloadFailed(reason);
        return false;
    }
    if (!m_actor) {
        // Not running: the new script is used at the next start.
        m_config.scriptPath = path;
        Q_EMIT scriptReloaded(path);
        return true;
    }
    const auto reply =
        m_actor->command({"RELOAD", path.toStdString()}, m_config.limits.timeLimitMs + 5000);
    if (reply && !reply->empty() && reply->front() == "OK") {
        m_config.scriptPath = path;
        Q_EMIT scriptReloaded(path);
        return true;
    }
    const QString reason =
        reply && reply->size() > 1
            ? QString::fromStdString(reply->at(1))
            : QStringLiteral("server '%1' did not answer the reload").arg(m_config.name);
    if (errorText)
        *errorText = reason;
    Q_EMIT scriptReloadFailed(reason);
    return false;
}

void LocalServer::requestScriptReload(const QString &scriptPath)
{
    const QString path = scriptPath.isEmpty() ? m_config.scriptPath : scriptPath;
    if (!m_actor || path.isEmpty()) {
        reloadScript(path); // nothing runs, or nothing to load: answered at once
        return;
    }
    m_actor->post({"RELOAD", path.toStdString(), "queued"});
}

void LocalServer::deliverReload(bool ok, const QString &scriptPath, const QString &error)
{
    if (ok) {
        m_config.scriptPath = scriptPath;
        Q_EMIT scriptReloaded(scriptPath);
    } else {
        Q_EMIT scriptReloadFailed(error);
    }
}

void LocalServer::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void LocalServer::deliverRecords(LogBatch records)
{
    Q_EMIT recordsLogged(records);
}

void LocalServer::deliverStats(ServerStats stats)
{
    m_stats = stats;
    Q_EMIT statsUpdated(stats);
}

} // namespace qpalm
