// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzztargets.h"

#include "clusterfile.h"
#include "control.pb.h"
#include "message.h"
#include "remote/controlwire.h"
#include "server/controlcodec.h"

#include <QByteArray>
#include <QDir>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace qpalm::fuzz {

namespace {

[[noreturn]] void finding(const char *what)
{
    std::fprintf(stderr, "qpalm fuzz finding: %s\n", what);
    std::abort();
}

std::string_view bytes(const std::uint8_t *data, std::size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

} // namespace

int message(const std::uint8_t *data, std::size_t size)
{
    Message decoded;
    if (!decodeMessage(bytes(data, size), decoded))
        return 0;
    const std::string encoded = encodeMessage(decoded);
    Message again;
    if (!decodeMessage(encoded, again))
        finding("a decoded message does not decode after encoding");
    if (!(again == decoded))
        finding("a decoded message changes through encode/decode");
    if (encodeMessage(again) != encoded)
        finding("encoding a message is not stable");
    return 0;
}

int peekVsDecode(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input = bytes(data, size);
    Message decoded;
    MessageView peeked;
    const bool decodes = decodeMessage(input, decoded);
    const bool peeks = peekMessage(input, peeked);
    if (decodes != peeks)
        finding(decodes ? "the decoder accepts what the quick check refuses"
                        : "the quick check accepts what the decoder refuses");
    if (!decodes)
        return 0;
    if (peeked.pipeline != decoded.pipeline || peeked.client != decoded.client ||
        peeked.stage != decoded.stage || peeked.function != decoded.function ||
        peeked.cache != decoded.cache || peeked.payload != decoded.payload)
        finding("the quick check and the decoder read different fields");
    return 0;
}

int clusterFile(const std::uint8_t *data, std::size_t size)
{
    // Scripts resolve against a folder that does not exist: nothing is read from disk.
    const QString baseDir = QStringLiteral("/nonexistent/qpalm-fuzz");
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    ClusterError error;
    const auto configs = parseClusterJson(json, baseDir, &error);
    if (!configs) {
        if (error.message.isEmpty())
            finding("a refused cluster file has no error message");
        return 0;
    }
    ClusterError again;
    const QByteArray saved = clusterJson(*configs, baseDir);
    const auto reloaded = parseClusterJson(saved, baseDir, &again);
    if (!reloaded)
        finding("an accepted cluster file does not load back after saving");
    if (reloaded->size() != configs->size())
        finding("a saved cluster file loads back with a different number of servers");
    return 0;
}

int control(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view input = bytes(data + 1, size - 1);
    QString error;
    if (data[0] % 4 == 2) { // the control channel's request and reply (qpalm-ctl <-> server)
        qpalm::control::ControlRequest request;
        if (!remote::wire::parseRequest(input, &request, &error) && error.isEmpty())
            finding("a refused control request has no reason");
        qpalm::control::ControlReply reply;
        error.clear();
        if (!remote::wire::parseReply(input, &reply, &error) && error.isEmpty())
            finding("a refused control reply has no reason");
        return 0;
    }
    if (data[0] % 4 == 3) { // the control channel's watch events
        remote::RemoteEvent event;
        if (!remote::wire::decodeEvent(input, &event, &error) && error.isEmpty())
            finding("a refused control event has no reason");
        return 0;
    }
    if (data[0] % 4 == 1) {
        ServerEvent event;
        if (!qpalm::control::decodeEvent(input, &event, &error)) {
            if (error.isEmpty())
                finding("a refused event has no reason");
            return 0;
        }
        const std::string once = qpalm::control::encodeEvent(event);
        ServerEvent again;
        if (!qpalm::control::decodeEvent(once, &again, &error))
            finding("a decoded event does not decode after encoding");
        if (qpalm::control::encodeEvent(again) != once)
            finding("encoding an event is not stable");
        return 0;
    }
    ServerCommand command;
    if (!qpalm::control::decodeCommand(input, &command, &error)) {
        if (error.isEmpty())
            finding("a refused command has no reason");
        return 0;
    }
    const std::string once = qpalm::control::encodeCommand(command);
    ServerCommand again;
    if (!qpalm::control::decodeCommand(once, &again, &error))
        finding("a decoded command does not decode after encoding");
    if (qpalm::control::encodeCommand(again) != once)
        finding("encoding a command is not stable");
    return 0;
}

Target targetNamed(const char *name)
{
    static const struct
    {
        const char *name;
        Target target;
    } targets[] = {{"message", message},
                   {"peek", peekVsDecode},
                   {"clusterfile", clusterFile},
                   {"control", control}};
    for (const auto &entry : targets) {
        if (std::strcmp(entry.name, name) == 0)
            return entry.target;
    }
    return nullptr;
}

} // namespace qpalm::fuzz
