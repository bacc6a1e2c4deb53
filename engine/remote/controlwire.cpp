// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "controlwire.h"

#include "control.pb.h"
#include "server/controlcodec.h"

#include <limits>

namespace qpalm::remote::wire {

namespace {

std::string bytes(const QString &text)
{
    return text.toStdString();
}

QString text(const std::string &bytes)
{
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

template <typename Proto> bool parse(std::string_view bytes, Proto *proto, QString *error)
{
    if (bytes.size() > std::size_t(std::numeric_limits<int>::max()) ||
        !proto->ParseFromArray(bytes.data(), int(bytes.size()))) {
        *error = QStringLiteral("not a valid control message (%1 bytes)").arg(bytes.size());
        return false;
    }
    if (proto->version() != control::kVersion) {
        *error = QStringLiteral("control schema version %1 is not supported (this build speaks %2)")
                     .arg(proto->version())
                     .arg(control::kVersion);
        return false;
    }
    return true;
}

} // namespace

bool parseRequest(std::string_view bytes, control::ControlRequest *request, QString *error)
{
    return parse(bytes, request, error);
}

bool parseReply(std::string_view bytes, control::ControlReply *reply, QString *error)
{
    return parse(bytes, reply, error);
}

std::string encodeRefusal(quint64 id, const QString &reason)
{
    control::ControlReply reply;
    reply.set_version(control::kVersion);
    reply.set_id(id);
    reply.set_ok(false);
    reply.set_reason(bytes(reason));
    return reply.SerializeAsString();
}

void putRecord(const LogRecord &in, control::Record *out)
{
    out->set_msecs_since_epoch(in.msecsSinceEpoch);
    out->set_server(bytes(in.server));
    out->set_level(int(in.level));
    out->set_text(bytes(in.text));
    out->set_traceback(bytes(in.traceback));
    out->set_sequence(in.sequence);
    control::putAttachedMessage(in, out);
}

LogRecord takeRecord(const control::Record &in)
{
    LogRecord out;
    out.msecsSinceEpoch = in.msecs_since_epoch();
    out.server = text(in.server());
    out.level = control::isValidLevel(in.level()) ? LogLevel(in.level()) : LogLevel::Info;
    out.text = text(in.text());
    out.traceback = text(in.traceback());
    out.sequence = in.sequence();
    control::takeAttachedMessage(in, &out);
    return out;
}

void putStatus(const RemoteServerStatus &in, control::ServerStatus *out)
{
    out->set_name(bytes(in.name));
    out->set_kind(bytes(in.kind));
    out->set_state(bytes(in.state));
    out->set_level(int(in.level));
    out->set_error(bytes(in.error));
    out->set_generation(in.stats.generation);
    for (auto it = in.addresses.cbegin(); it != in.addresses.cend(); ++it) {
        control::Address *address = out->add_addresses();
        address->set_parameter(bytes(it.key()));
        address->set_endpoint(bytes(it.value()));
    }
    out->set_script_path(bytes(in.scriptPath));
    out->set_script_name(bytes(in.scriptName));
    out->set_script_digest(in.scriptDigest);
    out->set_counters_unknown(in.stats.countersUnknown);
    control::putStats(in.stats, out->mutable_stats());
}

RemoteServerStatus takeStatus(const control::ServerStatus &in)
{
    RemoteServerStatus out;
    out.name = text(in.name());
    out.kind = text(in.kind());
    out.state = text(in.state());
    out.level = control::isValidLevel(in.level()) ? LogLevel(in.level()) : LogLevel::Info;
    out.error = text(in.error());
    for (const control::Address &address : in.addresses())
        out.addresses.insert(text(address.parameter()), text(address.endpoint()));
    out.scriptPath = text(in.script_path());
    out.scriptName = text(in.script_name());
    out.scriptDigest = in.script_digest();
    out.stats = control::takeStats(in.stats(), in.generation());
    out.stats.countersUnknown = in.counters_unknown();
    return out;
}

std::string encodeStatus(const RemoteServerStatus &status)
{
    control::ServerStatus out;
    putStatus(status, &out);
    return out.SerializeAsString();
}

std::string encodeEvent(quint64 sequence, const WatchEvent &event)
{
    control::ControlEvent out;
    out.set_version(control::kVersion);
    out.set_sequence(sequence);
    switch (event.kind) {
    case WatchEvent::Kind::Record:
        putRecord(event.record, out.mutable_record());
        break;
    case WatchEvent::Kind::StateChanged:
        out.mutable_state_changed()->ParseFromString(event.statusBytes);
        break;
    case WatchEvent::Kind::Stats:
        out.mutable_stats()->ParseFromString(event.statusBytes);
        break;
    }
    return out.SerializeAsString();
}

std::string encodeLost(quint64 sequence, quint64 count)
{
    control::ControlEvent out;
    out.set_version(control::kVersion);
    out.set_sequence(sequence);
    out.mutable_records_lost()->set_count(count);
    return out.SerializeAsString();
}

bool decodeEvent(std::string_view bytes, RemoteEvent *event, QString *error)
{
    control::ControlEvent in;
    if (!parse(bytes, &in, error))
        return false;
    event->sequence = in.sequence();
    switch (in.kind_case()) {
    case control::ControlEvent::kRecord:
        event->kind = RemoteEvent::Kind::Record;
        event->record = takeRecord(in.record());
        return true;
    case control::ControlEvent::kRecordsLost:
        event->kind = RemoteEvent::Kind::RecordsLost;
        event->lost = in.records_lost().count();
        return true;
    case control::ControlEvent::kStateChanged:
        event->kind = RemoteEvent::Kind::StateChanged;
        event->status = takeStatus(in.state_changed());
        return true;
    case control::ControlEvent::kStats:
        event->kind = RemoteEvent::Kind::Stats;
        event->status = takeStatus(in.stats());
        return true;
    default:
        *error = QStringLiteral("an event of a kind this build does not know");
        return false;
    }
}

} // namespace qpalm::remote::wire
