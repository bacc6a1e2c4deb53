#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""pylm's Client call pattern, many calls in a row, counting lost replies.

pylm's Client.job and Client.eval open a new PUSH and a new SUB socket on every call, subscribe
the SUB to the client's uuid, connect both and send at once; they never close the sockets of
earlier calls. Older SUB sockets of the same client are already subscribed to the same topic, so a
publisher that only looks at "is anyone subscribed to this topic" sends the replies to them while
the new SUB is still connecting, and the call waits forever. This script does exactly that, with
python3-zmq and python3-protobuf only (no pylm), and prints one JSON report line.
"""

import argparse
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zmq  # noqa: E402
from peer import CONTEXT, PalmMessage, CacheClient, text  # noqa: E402


def one_call(args, client_uuid, push_address, sub_address, kept, index):
    """One pylm call: new PUSH and SUB, send at once, read the replies on the new SUB only."""
    count = 1 if index % 2 else args.job_size  # eval (1 message) and job (several), alternating
    push = CONTEXT.socket(zmq.PUSH)
    push.connect(push_address)
    sub = CONTEXT.socket(zmq.SUB)
    sub.setsockopt_string(zmq.SUBSCRIBE, client_uuid)
    sub.connect(sub_address)
    kept.extend([push, sub])  # pylm never closes them
    pipeline = str(uuid.uuid4())
    for i in range(count):
        message = PalmMessage()
        message.function = args.function
        message.stage = 0
        message.pipeline = pipeline
        message.client = client_uuid
        message.payload = 'c{}-{}'.format(index, i).encode('utf-8')
        push.send(message.SerializeToString())
    got = 0
    deadline = time.monotonic() + args.timeout_ms / 1000.0
    while got < count and time.monotonic() < deadline:
        if sub.poll(50):
            frames = sub.recv_multipart()
            message = PalmMessage()
            message.ParseFromString(frames[1])
            if message.pipeline == pipeline:
                got += 1
    return count, got


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--db', required=True)
    parser.add_argument('--server', required=True)
    parser.add_argument('--function', required=True)
    parser.add_argument('--calls', type=int, default=200)
    parser.add_argument('--job-size', type=int, default=3)
    parser.add_argument('--timeout-ms', type=int, default=3000, help='per call')
    args = parser.parse_args()

    cache = CacheClient(args.db, args.server, 10000)
    sub_address = text(cache.get('pub_address'))
    push_address = text(cache.get('pull_address'))
    kept = []
    sent = received = 0
    failed_calls = []
    started = time.monotonic()
    try:
        for index in range(args.calls):
            count, got = one_call(args, cache.uuid, push_address, sub_address, kept, index)
            sent += count
            received += got
            if got < count:
                failed_calls.append(index)
    finally:
        for s in kept:
            s.close(linger=0)
        CONTEXT.destroy(linger=0)
    report = {'calls': args.calls, 'sent': sent, 'received': received, 'lost': sent - received,
              'failed_calls': failed_calls[:20], 'seconds': round(time.monotonic() - started, 3)}
    print(json.dumps(report), flush=True)
    return 0 if sent == received else 4


if __name__ == '__main__':
    sys.exit(main())
