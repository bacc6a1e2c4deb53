// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logrecord.h"
#include "message.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace qpalm {

// What a server's current gather or handle_stream made of a recorded input (the message an error
// record kept), run on the server's thread without sending anything (ServerHandle::replayCall).
struct CallReplayResult
{
    FailedCall call = FailedCall::Unknown;
    bool ran = false;    // false: it did not run, text says why
    bool failed = false; // it ran and raised: text and traceback
    QString text;        // the error, the reason, or a note ("no gather: passed through")
    QString traceback;
    QList<Message> outputs; // gather: what it yielded, in order; handle_stream: the message
    QString topic;          // handle_stream: the topic it picked
};

} // namespace qpalm

Q_DECLARE_METATYPE(qpalm::CallReplayResult)
