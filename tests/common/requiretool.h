// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A suite that needs an outside tool (python3-zmq, ...) skips without it, with a message CTest's
// SKIP_REGULAR_EXPRESSION "QPALM-SKIP: " turns into a real skip, except under CI (the CI
// environment variable set), where the tool is expected and its absence fails the suite.

#include <QtGlobal>
#include <QtTest>

namespace qpalm::test {

// Whether the CI environment variable is set (and not "0" or "false").
inline bool runningInCi()
{
    const QByteArray value = qgetenv("CI").trimmed().toLower();
    return !value.isEmpty() && value != "0" && value != "false";
}

} // namespace qpalm::test

// Skips (or, under CI, fails) the current test when available is false; what names the tool.
#define QPALM_REQUIRE_TOOL(available, what)                                                        \
    do {                                                                                           \
        if (!(available)) {                                                                        \
            const QByteArray qpalmWhat = QByteArray(what);                                         \
            if (qpalm::test::runningInCi())                                                        \
                QFAIL(("CI requires " + qpalmWhat + ", which is missing").constData());            \
            QSKIP(("QPALM-SKIP: " + qpalmWhat + " is missing").constData());                       \
        }                                                                                          \
    } while (false)
