// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "callreplay.h"

#include "callwatch.h"
#include "dispatcher.h"
#include "logger.h"

namespace qpalm::server {

namespace {

QString quoted(const std::string &text)
{
    return QLatin1Char('\'') + QString::fromUtf8(text.data(), qsizetype(text.size())) +
           QLatin1Char('\'');
}

// Runs call under the watch (a call stuck past its limit is reported as any other) and keeps
// its error in out; false when it failed.
template <typename Call>
bool runWatched(CallWatch *watch, const char *name, CallReplayResult &out, Call &&call)
{
    UserError error;
    if (watch)
        watch->begin(name);
    const CallResult result = call(error);
    if (watch)
        watch->end();
    out.ran = true;
    if (result != CallResult::Failed)
        return true;
    out.failed = true;
    out.text = error.text;
    out.traceback = error.traceback.isEmpty() ? error.text : error.traceback;
    return false;
}

// Gather on the recorded input: what it yields, or its error.
void runGather(Dispatcher &dispatcher, CallWatch *watch, Message message, CallReplayResult &out)
{
    if (!dispatcher.hasGather()) {
        out.ran = true;
        out.outputs.append(std::move(message));
        out.text = QStringLiteral("the current script has no gather: the message passes through");
        return;
    }
    std::vector<Message> yielded;
    if (!runWatched(watch, "gather", out, [&](UserError &error) {
            return dispatcher.gather(std::move(message), yielded, error);
        }))
        return;
    for (Message &m : yielded)
        out.outputs.append(std::move(m));
}

// handle_stream on the recorded input: the topic it picks and the message it keeps, or its error.
void runHandleStream(Dispatcher &dispatcher, CallWatch *watch, Message message,
                     CallReplayResult &out)
{
    if (!dispatcher.hasHandleStream()) {
        out.ran = true;
        out.topic = QString::fromStdString(message.client);
        out.outputs.append(std::move(message));
        out.text = QStringLiteral("the current script has no handle_stream: the message goes "
                                  "to its client's topic");
        return;
    }
    std::string topic;
    if (!runWatched(watch, "handle_stream", out, [&](UserError &error) {
            return dispatcher.handleStream(message, topic, error);
        }))
        return;
    out.topic = QString::fromStdString(topic);
    out.outputs.append(std::move(message));
}

} // namespace

ServerEvent replayCall(Dispatcher *dispatcher, CallWatch *watch, Logger &logger,
                       const ServerCommand &command)
{
    ServerEvent event;
    event.type = ServerEvent::Type::CallReplayed;
    event.commandSequence = command.sequence;
    CallReplayResult &out = event.replay;
    out.call = command.call;
    const QString name = failedCallName(command.call);
    if (!dispatcher) {
        out.text = QStringLiteral("no script is loaded yet");
    } else if (command.call == FailedCall::Gather) {
        runGather(*dispatcher, watch, command.message, out);
    } else if (command.call == FailedCall::HandleStream) {
        runHandleStream(*dispatcher, watch, command.message, out);
    } else {
        out.text = QStringLiteral("only gather and handle_stream run on a recorded input");
    }
    const QString input = QStringLiteral("function %1, stage %2, %3 payload bytes")
                              .arg(quoted(command.message.function))
                              .arg(command.message.stage)
                              .arg(command.message.payload.size());
    if (!out.ran)
        logger.warning(QStringLiteral("Replay of %1 not run: %2").arg(name, out.text));
    else if (out.failed)
        logger.info(QStringLiteral("Replayed %1 on a recorded message (%2): it failed again: %3")
                        .arg(name, input, out.text));
    else
        logger.info(QStringLiteral("Replayed %1 on a recorded message (%2): %3 message(s) out")
                        .arg(name, input)
                        .arg(out.outputs.size()));
    return event;
}

} // namespace qpalm::server
