// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer's entry point for one target, chosen at build time (QPALM_FUZZ_TARGET).

#include "fuzztargets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const qpalm::fuzz::Target target = qpalm::fuzz::targetNamed(QPALM_FUZZ_TARGET);
    return target(data, size);
}
