// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "dispatcher.h"

#include "logger.h"

#include <QDateTime>

#include <QHash>

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <typeinfo>

namespace qpalm {

void ServerContext::reportStuckCall(const QString &text)
{
    LogRecord record;
    record.msecsSinceEpoch = QDateTime::currentMSecsSinceEpoch();
    record.server = serverName();
    record.level = LogLevel::Error;
    record.text = text;
    printPylmLine(record);
}

NativeHandlers &NativeHandlers::add(const std::string &name, NativeSimpleFunction function)
{
    m_functions[name] = [function = std::move(function)](ServerContext &context,
                                                         const std::string &payload,
                                                         std::vector<std::string> &results) {
        if (auto result = function(context, payload))
            results.push_back(std::move(*result));
    };
    return *this;
}

NativeHandlers &NativeHandlers::addMulti(const std::string &name, NativeFunction function)
{
    m_functions[name] = std::move(function);
    return *this;
}

NativeHandlers &NativeHandlers::setScatter(NativeFanOut scatter)
{
    m_scatter = std::move(scatter);
    return *this;
}

NativeHandlers &NativeHandlers::setGather(NativeFanOut gather)
{
    m_gather = std::move(gather);
    return *this;
}

NativeHandlers &NativeHandlers::setHandleStream(NativeStream handleStream)
{
    m_handleStream = std::move(handleStream);
    return *this;
}

CallResult Dispatcher::scatter(Message &&in, std::vector<Message> &out, UserError &)
{
    out.push_back(std::move(in));
    return CallResult::Ok;
}

CallResult Dispatcher::gather(Message &&in, std::vector<Message> &out, UserError &)
{
    out.push_back(std::move(in));
    return CallResult::Ok;
}

CallResult Dispatcher::handleStream(Message &, std::string &, UserError &)
{
    return CallResult::NotFound;
}

namespace {
std::mutex g_registryMutex;
QHash<QString, std::shared_ptr<const NativeHandlers>> &registry()
{
    static QHash<QString, std::shared_ptr<const NativeHandlers>> sets;
    return sets;
}
} // namespace

void NativeHandlers::registerSet(const QString &name,
                                 std::shared_ptr<const NativeHandlers> handlers)
{
    std::lock_guard lock(g_registryMutex);
    registry().insert(name, std::move(handlers));
}

void NativeHandlers::unregisterSet(const QString &name)
{
    std::lock_guard lock(g_registryMutex);
    registry().remove(name);
}

std::shared_ptr<const NativeHandlers> NativeHandlers::lookup(const QString &name)
{
    std::lock_guard lock(g_registryMutex);
    return registry().value(name);
}

bool Dispatcher::reload(const ScriptSource &, QString *errorText)
{
    if (errorText)
        *errorText = QStringLiteral("this server has no script to reload");
    return false;
}

void attachFailedMessage(UserError &error, const Message &message, FailedCall call)
{
    if (error.call == FailedCall::Unknown)
        error.call = call;
    if (error.message)
        return;
    auto copy = std::make_shared<Message>();
    copy->pipeline = message.pipeline;
    copy->client = message.client;
    copy->stage = message.stage;
    copy->function = message.function;
    copy->cache = message.cache;
    copy->payload = message.payload.substr(0, size_t(kMaxAttachedPayloadBytes));
    error.payloadBytes = qint64(message.payload.size());
    error.message = std::move(copy);
}

UserError describeCurrentException(std::string_view where)
{
    UserError error;
    QString type = QStringLiteral("unknown exception");
    QString what;
    try {
        throw;
    } catch (const std::exception &e) {
        int status = 0;
        char *demangled = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
        type = QString::fromUtf8(status == 0 && demangled ? demangled : typeid(e).name());
        std::free(demangled);
        what = QString::fromUtf8(e.what());
    } catch (...) {
        if (const std::type_info *info = abi::__cxa_current_exception_type()) {
            int status = 0;
            char *demangled = abi::__cxa_demangle(info->name(), nullptr, nullptr, &status);
            type = QString::fromUtf8(status == 0 && demangled ? demangled : info->name());
            std::free(demangled);
        }
    }
    error.text = what.isEmpty() ? type : type + QStringLiteral(": ") + what;
    error.traceback =
        QStringLiteral("Traceback (most recent call last):\n  native handler '%1'\n%2")
            .arg(QString::fromUtf8(where.data(), qsizetype(where.size())), error.text);
    return error;
}

NativeDispatcher::NativeDispatcher(ServerContext &context,
                                   std::shared_ptr<const NativeHandlers> handlers)
    : m_context(context), m_handlers(std::move(handlers))
{
}

CallResult NativeDispatcher::call(std::string_view method, const std::string &payload,
                                  std::vector<std::string> &results, UserError &error)
{
    if (!m_handlers)
        return CallResult::NotFound;
    const auto &functions = m_handlers->functions();
    const auto it = functions.find(method);
    if (it == functions.end())
        return CallResult::NotFound;
    try {
        it->second(m_context, payload, results);
        return CallResult::Ok;
    } catch (...) {
        error = describeCurrentException(method);
        results.clear();
        return CallResult::Failed;
    }
}

bool NativeDispatcher::hasScatter() const
{
    return m_handlers && m_handlers->scatter();
}

CallResult NativeDispatcher::scatter(Message &&in, std::vector<Message> &out, UserError &error)
{
    if (!hasScatter())
        return Dispatcher::scatter(std::move(in), out, error);
    try {
        m_handlers->scatter()(m_context, std::move(in), out);
        return CallResult::Ok;
    } catch (...) {
        error = describeCurrentException("scatter");
        // As given, unless the handler moved from it first.
        attachFailedMessage(error, in, FailedCall::Scatter);
        return CallResult::Failed;
    }
}

bool NativeDispatcher::hasGather() const
{
    return m_handlers && m_handlers->gather();
}

CallResult NativeDispatcher::gather(Message &&in, std::vector<Message> &out, UserError &error)
{
    if (!hasGather())
        return Dispatcher::gather(std::move(in), out, error);
    try {
        m_handlers->gather()(m_context, std::move(in), out);
        return CallResult::Ok;
    } catch (...) {
        error = describeCurrentException("gather");
        // As given, unless the handler moved from it first.
        attachFailedMessage(error, in, FailedCall::Gather);
        return CallResult::Failed;
    }
}

bool NativeDispatcher::hasHandleStream() const
{
    return m_handlers && m_handlers->handleStream();
}

CallResult NativeDispatcher::handleStream(Message &message, std::string &topic, UserError &error)
{
    if (!hasHandleStream())
        return CallResult::NotFound;
    try {
        topic = m_handlers->handleStream()(m_context, message);
        return CallResult::Ok;
    } catch (...) {
        error = describeCurrentException("handle_stream");
        // As given, unless the handler moved from it first.
        attachFailedMessage(error, message, FailedCall::HandleStream);
        return CallResult::Failed;
    }
}

CallResult CompositeDispatcher::call(std::string_view method, const std::string &payload,
                                     std::vector<std::string> &results, UserError &error)
{
    for (const auto &part : m_parts) {
        const CallResult result = part->call(method, payload, results, error);
        if (result != CallResult::NotFound)
            return result;
    }
    return CallResult::NotFound;
}

bool CompositeDispatcher::hasScatter() const
{
    for (const auto &part : m_parts)
        if (part->hasScatter())
            return true;
    return false;
}

CallResult CompositeDispatcher::scatter(Message &&in, std::vector<Message> &out, UserError &error)
{
    for (const auto &part : m_parts)
        if (part->hasScatter())
            return part->scatter(std::move(in), out, error);
    return Dispatcher::scatter(std::move(in), out, error);
}

bool CompositeDispatcher::hasGather() const
{
    for (const auto &part : m_parts)
        if (part->hasGather())
            return true;
    return false;
}

CallResult CompositeDispatcher::gather(Message &&in, std::vector<Message> &out, UserError &error)
{
    for (const auto &part : m_parts)
        if (part->hasGather())
            return part->gather(std::move(in), out, error);
    return Dispatcher::gather(std::move(in), out, error);
}

bool CompositeDispatcher::hasHandleStream() const
{
    for (const auto &part : m_parts)
        if (part->hasHandleStream())
            return true;
    return false;
}

CallResult CompositeDispatcher::handleStream(Message &message, std::string &topic, UserError &error)
{
    for (const auto &part : m_parts)
        if (part->hasHandleStream())
            return part->handleStream(message, topic, error);
    return CallResult::NotFound;
}

bool CompositeDispatcher::reload(const ScriptSource &script, QString *errorText)
{
    if (m_parts.empty())
        return Dispatcher::reload(script, errorText);
    return m_parts.front()->reload(script, errorText);
}

void CompositeDispatcher::interrupt()
{
    for (const auto &part : m_parts)
        part->interrupt();
}

} // namespace qpalm
