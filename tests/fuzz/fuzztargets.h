// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The fuzz targets: each takes one input and aborts (a finding) when an invariant breaks.
// libFuzzer drives them (fuzzentry.cpp, clang), and fuzzreplay.cpp replays the checked-in corpus
// through the same functions in any build.

#include <cstddef>
#include <cstdint>

namespace qpalm::fuzz {

using Target = int (*)(const std::uint8_t *data, std::size_t size);

// decodeMessage never throws; what it accepts re-encodes and decodes to the same message.
int message(const std::uint8_t *data, std::size_t size);
// The master's quick check (peekMessage) and the decoder accept exactly the same inputs and
// read the same fields.
int peekVsDecode(const std::uint8_t *data, std::size_t size);
// A cluster file is accepted or refused with a message; an accepted one saves and loads back.
int clusterFile(const std::uint8_t *data, std::size_t size);
// control.proto: the first byte picks an actor command or event (what decodes re-encodes
// stably), a control channel request/reply or a watch event (refusals carry a reason).
int control(const std::uint8_t *data, std::size_t size);

// The target called name ("message", "peek", "clusterfile", "control"), or nullptr.
Target targetNamed(const char *name);

} // namespace qpalm::fuzz
