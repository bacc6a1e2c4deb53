// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlcodec.h"

#include "control.pb.h"
#include "message.h"

#include <algorithm>

#include <limits>

namespace qpalm::control {

namespace {

QString fromBytes(const std::string &text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

std::string toBytes(const QString &text)
{
    return text.toStdString();
}

template <typename Proto> bool parse(std::string_view bytes, Proto &proto, QString *error)
{
    if (bytes.size() > std::size_t(std::numeric_limits<int>::max()) ||
        !proto.ParseFromArray(bytes.data(), int(bytes.size()))) {
        if (error)
            *error = QStringLiteral("not a valid control message (%1 bytes)").arg(bytes.size());
        return false;
    }
    if (proto.version() != kVersion) {
        if (error)
            *error = QStringLiteral("control schema version %1 is not supported (this build "
                                    "speaks %2)")
                         .arg(proto.version())
                         .arg(kVersion);
        return false;
    }
    return true;
}

} // namespace

void putStats(const ServerStats &in, Stats *out)
{
    out->set_msecs_since_epoch(in.msecsSinceEpoch);
    out->set_messages_in(in.messagesIn);
    out->set_messages_out(in.messagesOut);
    out->set_errors(in.errors);
    out->set_malformed(in.malformed);
    out->set_dropped(in.dropped);
    out->set_to_workers(in.toWorkers);
    out->set_from_workers(in.fromWorkers);
    out->set_from_plain_workers(in.fromPlainWorkers);
    out->set_cache_requests(in.cacheRequests);
    out->set_pending_out(in.pendingOut);
    out->set_held_for_subscriber(in.heldForSubscriber);
    out->set_in_flight(in.inFlight);
    for (const qpalm::WorkerLedger &w : in.ledger) {
        auto *l = out->add_ledger();
        l->set_worker(toBytes(w.worker));
        l->set_in_flight(w.inFlight);
        l->set_done(w.done);
        l->set_requeued(w.requeued);
        l->set_duplicates_dropped(w.duplicatesDropped);
        l->set_credit(w.credit);
        l->set_last_seen_msecs(w.lastSeenMsecs);
        l->set_gone(w.gone);
        l->set_latency_p50_us(w.latencyP50Us);
        l->set_latency_p99_us(w.latencyP99Us);
    }
}

ServerStats takeStats(const Stats &in, quint64 generation)
{
    ServerStats out;
    out.generation = generation;
    out.msecsSinceEpoch = in.msecs_since_epoch();
    out.messagesIn = in.messages_in();
    out.messagesOut = in.messages_out();
    out.errors = in.errors();
    out.malformed = in.malformed();
    out.dropped = in.dropped();
    out.toWorkers = in.to_workers();
    out.fromWorkers = in.from_workers();
    out.fromPlainWorkers = in.from_plain_workers();
    out.cacheRequests = in.cache_requests();
    out.pendingOut = in.pending_out();
    out.heldForSubscriber = in.held_for_subscriber();
    out.inFlight = in.in_flight();
    for (const auto &l : in.ledger()) {
        qpalm::WorkerLedger w;
        w.worker = fromBytes(l.worker());
        w.inFlight = l.in_flight();
        w.done = l.done();
        w.requeued = l.requeued();
        w.duplicatesDropped = l.duplicates_dropped();
        w.credit = l.credit();
        w.lastSeenMsecs = l.last_seen_msecs();
        w.gone = l.gone();
        w.latencyP50Us = l.latency_p50_us();
        w.latencyP99Us = l.latency_p99_us();
        out.ledger << w;
    }
    return out;
}

void putAttachedMessage(const LogRecord &in, Record *out)
{
    if (!in.message)
        return;
    Message copy = *in.message;
    if (copy.payload.size() > std::size_t(kMaxAttachedPayloadBytes))
        copy.payload.resize(std::size_t(kMaxAttachedPayloadBytes));
    out->set_message(encodeMessage(copy));
    out->set_message_payload_bytes(in.messagePayloadBytes);
    out->set_failed_call(int(in.failedCall));
}

void takeAttachedMessage(const Record &in, LogRecord *out)
{
    if (in.message().empty())
        return;
    auto message = std::make_shared<Message>();
    if (!decodeMessage(in.message(), *message))
        return; // a record without its message is still a record
    if (message->payload.size() > std::size_t(kMaxAttachedPayloadBytes))
        message->payload.resize(std::size_t(kMaxAttachedPayloadBytes));
    out->messagePayloadBytes =
        std::max<qint64>(in.message_payload_bytes(), qint64(message->payload.size()));
    out->message = std::move(message);
    out->failedCall = failedCallFromInt(in.failed_call());
}

bool isValidLevel(int level)
{
    return level >= 10 && level <= 50 && level % 10 == 0;
}

std::string encodeCommand(const ServerCommand &command)
{
    Command proto;
    proto.set_version(kVersion);
    proto.set_sequence(command.sequence);
    switch (command.type) {
    case ServerCommand::Type::Stop:
        proto.mutable_stop();
        break;
    case ServerCommand::Type::SetLevel:
        proto.mutable_set_level()->set_level(int(command.level));
        break;
    case ServerCommand::Type::ReloadScript:
        proto.mutable_reload_script()->set_name(toBytes(command.script.name));
        proto.mutable_reload_script()->set_content(command.script.content.constData(),
                                                   std::size_t(command.script.content.size()));
        break;
    case ServerCommand::Type::Status:
        proto.mutable_status();
        break;
    case ServerCommand::Type::ReplayCall:
        proto.mutable_replay_call()->set_call(int(command.call));
        proto.mutable_replay_call()->set_message(encodeMessage(command.message));
        break;
    }
    return proto.SerializeAsString();
}

bool decodeCommand(std::string_view bytes, ServerCommand *command, QString *error)
{
    Command proto;
    if (!parse(bytes, proto, error))
        return false;
    command->sequence = proto.sequence(); // also for a rejection to name the command
    ServerCommand out;
    out.sequence = proto.sequence();
    switch (proto.kind_case()) {
    case Command::kStop:
        out.type = ServerCommand::Type::Stop;
        break;
    case Command::kSetLevel:
        if (!isValidLevel(proto.set_level().level())) {
            if (error)
                *error = QStringLiteral("log level %1 is not one of 10, 20, 30, 40, 50")
                             .arg(proto.set_level().level());
            return false;
        }
        out.type = ServerCommand::Type::SetLevel;
        out.level = LogLevel(proto.set_level().level());
        break;
    case Command::kReloadScript:
        if (proto.reload_script().name().empty()) {
            if (error)
                *error = QStringLiteral("reload without a script name");
            return false;
        }
        out.type = ServerCommand::Type::ReloadScript;
        out.script.name = fromBytes(proto.reload_script().name());
        out.script.content = QByteArray::fromStdString(proto.reload_script().content());
        break;
    case Command::kStatus:
        out.type = ServerCommand::Type::Status;
        break;
    case Command::kReplayCall: {
        const FailedCall call = failedCallFromInt(proto.replay_call().call());
        if (call != FailedCall::Gather && call != FailedCall::HandleStream) {
            if (error)
                *error = QStringLiteral("replay of call %1: only gather (3) and handle_stream (4) "
                                        "run on a recorded input")
                             .arg(proto.replay_call().call());
            return false;
        }
        if (!decodeMessage(proto.replay_call().message(), out.message)) {
            if (error)
                *error = QStringLiteral("replay without a PalmMessage");
            return false;
        }
        out.type = ServerCommand::Type::ReplayCall;
        out.call = call;
        break;
    }
    case Command::KIND_NOT_SET:
        if (error)
            *error = QStringLiteral("command without a kind");
        return false;
    }
    *command = std::move(out);
    return true;
}

std::string encodeEvent(const ServerEvent &event)
{
    Event proto;
    proto.set_version(kVersion);
    proto.set_sequence(event.sequence);
    proto.set_generation(event.generation);
    switch (event.type) {
    case ServerEvent::Type::Ready: {
        Ready *ready = proto.mutable_ready();
        for (auto it = event.addresses.cbegin(); it != event.addresses.cend(); ++it) {
            Address *address = ready->add_addresses();
            address->set_parameter(toBytes(it.key()));
            address->set_endpoint(toBytes(it.value()));
        }
        break;
    }
    case ServerEvent::Type::Failed:
        proto.mutable_failed()->set_reason(toBytes(event.text));
        break;
    case ServerEvent::Type::Stopped:
        proto.mutable_stopped();
        break;
    case ServerEvent::Type::Records: {
        Records *records = proto.mutable_records();
        for (const LogRecord &record : event.records) {
            Record *out = records->add_records();
            out->set_msecs_since_epoch(record.msecsSinceEpoch);
            out->set_server(toBytes(record.server));
            out->set_level(int(record.level));
            out->set_text(toBytes(record.text));
            out->set_traceback(toBytes(record.traceback));
            out->set_sequence(record.sequence);
            putAttachedMessage(record, out);
        }
        break;
    }
    case ServerEvent::Type::Stats:
        putStats(event.stats, proto.mutable_stats());
        break;
    case ServerEvent::Type::ScriptReloaded:
        proto.mutable_script_reloaded()->set_name(toBytes(event.text));
        break;
    case ServerEvent::Type::ScriptReloadFailed:
        proto.mutable_script_reload_failed()->set_reason(toBytes(event.text));
        break;
    case ServerEvent::Type::CommandRejected:
        proto.mutable_command_rejected()->set_command_sequence(event.commandSequence);
        proto.mutable_command_rejected()->set_reason(toBytes(event.text));
        break;
    case ServerEvent::Type::CallStuck:
        proto.mutable_call_stuck()->set_text(toBytes(event.text));
        break;
    case ServerEvent::Type::CallReturned:
        proto.mutable_call_returned();
        break;
    case ServerEvent::Type::CallReplayed: {
        CallReplayed *r = proto.mutable_call_replayed();
        r->set_command_sequence(event.commandSequence);
        r->set_call(int(event.replay.call));
        r->set_ran(event.replay.ran);
        r->set_failed(event.replay.failed);
        r->set_text(toBytes(event.replay.text));
        r->set_traceback(toBytes(event.replay.traceback));
        for (const Message &m : event.replay.outputs)
            r->add_outputs(encodeMessage(m));
        r->set_topic(toBytes(event.replay.topic));
        break;
    }
    }
    return proto.SerializeAsString();
}

bool decodeEvent(std::string_view bytes, ServerEvent *event, QString *error)
{
    Event proto;
    if (!parse(bytes, proto, error))
        return false;
    ServerEvent out;
    out.sequence = proto.sequence();
    out.generation = proto.generation();
    switch (proto.kind_case()) {
    case Event::kReady:
        out.type = ServerEvent::Type::Ready;
        for (const Address &address : proto.ready().addresses())
            out.addresses.insert(fromBytes(address.parameter()), fromBytes(address.endpoint()));
        break;
    case Event::kFailed:
        out.type = ServerEvent::Type::Failed;
        out.text = fromBytes(proto.failed().reason());
        break;
    case Event::kStopped:
        out.type = ServerEvent::Type::Stopped;
        break;
    case Event::kRecords:
        out.type = ServerEvent::Type::Records;
        for (const Record &record : proto.records().records()) {
            if (!isValidLevel(record.level())) {
                if (error)
                    *error = QStringLiteral("record with log level %1").arg(record.level());
                return false;
            }
            LogRecord in;
            in.msecsSinceEpoch = record.msecs_since_epoch();
            in.server = fromBytes(record.server());
            in.level = LogLevel(record.level());
            in.text = fromBytes(record.text());
            in.traceback = fromBytes(record.traceback());
            in.sequence = record.sequence();
            takeAttachedMessage(record, &in);
            out.records.append(std::move(in));
        }
        break;
    case Event::kStats:
        out.type = ServerEvent::Type::Stats;
        out.stats = takeStats(proto.stats(), out.generation);
        break;
    case Event::kScriptReloaded:
        out.type = ServerEvent::Type::ScriptReloaded;
        out.text = fromBytes(proto.script_reloaded().name());
        break;
    case Event::kScriptReloadFailed:
        out.type = ServerEvent::Type::ScriptReloadFailed;
        out.text = fromBytes(proto.script_reload_failed().reason());
        break;
    case Event::kCommandRejected:
        out.type = ServerEvent::Type::CommandRejected;
        out.commandSequence = proto.command_rejected().command_sequence();
        out.text = fromBytes(proto.command_rejected().reason());
        break;
    case Event::kCallStuck:
        out.type = ServerEvent::Type::CallStuck;
        out.text = fromBytes(proto.call_stuck().text());
        break;
    case Event::kCallReturned:
        out.type = ServerEvent::Type::CallReturned;
        break;
    case Event::kCallReplayed: {
        const CallReplayed &r = proto.call_replayed();
        out.type = ServerEvent::Type::CallReplayed;
        out.commandSequence = r.command_sequence();
        out.replay.call = failedCallFromInt(r.call());
        out.replay.ran = r.ran();
        out.replay.failed = r.failed();
        out.replay.text = fromBytes(r.text());
        out.replay.traceback = fromBytes(r.traceback());
        out.replay.topic = fromBytes(r.topic());
        for (const std::string &bytes : r.outputs()) {
            Message m;
            if (!decodeMessage(bytes, m)) {
                if (error)
                    *error = QStringLiteral("call_replayed: an output is not a PalmMessage");
                return false;
            }
            out.replay.outputs.append(std::move(m));
        }
        break;
    }
    case Event::KIND_NOT_SET:
        if (error)
            *error = QStringLiteral("event without a kind");
        return false;
    }
    *event = std::move(out);
    return true;
}

} // namespace qpalm::control
