#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""A pylm-compatible peer for qpalm's interop tests.

Plays pylm's Client, Worker and pipelined Server with nothing but Debian's python3-zmq and
python3-protobuf: the PalmMessage class is built at runtime from a descriptor, so neither
pylm nor a protoc-generated module is needed. The protocol is pylm's, as written down in
DESIGN.md section 2.

Modes (see --help of each):
  encode   print the hex of a PalmMessage built from the arguments
  decode   print a PalmMessage given as hex, as JSON
  client   pylm's Client: configure from the cache, exercise it, send messages, print replies
  worker   pylm's Worker: configure from the master's cache, serve tasks until terminated
           (--pylm-log: logs as pylm does, with a Python traceback for the payload 'boom')
  server   pylm's Server(pipelined=True): bind PULL, PUB and a cache, serve until terminated
  cache    read keys from a server's cache as pylm's Client.get does, print them as JSON
"""

import argparse
import json
import logging
import signal
import sys
import time
import uuid

import zmq
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def palm_message_class():
    """PalmMessage exactly as pylm's messages.proto declares it (proto3, fields 1..6)."""
    fields = descriptor_pb2.FieldDescriptorProto
    proto = descriptor_pb2.FileDescriptorProto()
    proto.name = 'qpalm_interop/messages.proto'
    proto.package = 'qpalm_interop'
    proto.syntax = 'proto3'
    message = proto.message_type.add()
    message.name = 'PalmMessage'
    for number, (name, kind) in enumerate([('pipeline', fields.TYPE_STRING),
                                           ('client', fields.TYPE_STRING),
                                           ('stage', fields.TYPE_INT64),
                                           ('function', fields.TYPE_STRING),
                                           ('cache', fields.TYPE_STRING),
                                           ('payload', fields.TYPE_BYTES)], start=1):
        field = message.field.add()
        field.name = name
        field.number = number
        field.type = kind
        field.label = fields.LABEL_OPTIONAL
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(proto.SerializeToString())
    descriptor = pool.FindMessageTypeByName('qpalm_interop.PalmMessage')
    if hasattr(message_factory, 'GetMessageClass'):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


PalmMessage = palm_message_class()
CONTEXT = zmq.Context.instance()
RUNNING = True


def log(*args):
    print('peer:', *args, file=sys.stderr, flush=True)


def say(line):
    """A line for the C++ driver, which waits for it on stdout."""
    print(line, flush=True)


def pylm_logger(name):
    """A logger printing pylm's lines on stderr: '2016-08-26 09:41:59,053 - name - INFO - text'."""
    logger = logging.getLogger(name)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(asctime)s - %(name)s - %(levelname)s - %(message)s'))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger


def stop_on_signal(signum, frame):
    global RUNNING
    RUNNING = False


def socket(kind):
    s = CONTEXT.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    return s


def bind_any(s):
    s.bind('tcp://127.0.0.1:*')
    return s.getsockopt_string(zmq.LAST_ENDPOINT)


def text(data):
    return data.decode('utf-8', errors='backslashreplace')


def current_method(message):
    """pylm's Worker: the entry at index stage, then what follows the first dot."""
    function = message.function
    if ' ' in function:
        instruction = function.split()[message.stage]
    else:
        instruction = function
    return instruction.split('.', 1)[1]


class CacheClient:
    """The cache verbs of pylm's Client (server_name) and Worker ('_') over REQ."""

    def __init__(self, db_address, prefix, timeout_ms):
        self.prefix = prefix
        self.uuid = str(uuid.uuid4())
        self.db = socket(zmq.REQ)
        self.db.setsockopt(zmq.RCVTIMEO, timeout_ms)
        self.db.connect(db_address)

    def _request(self, verb, payload, key=None):
        message = PalmMessage()
        message.pipeline = str(uuid.uuid4())
        message.client = self.uuid
        message.stage = 0
        message.function = '.'.join([self.prefix, verb])
        message.payload = payload
        if key:
            message.cache = key
        self.db.send(message.SerializeToString())
        try:
            return self.db.recv()
        except zmq.Again:
            raise SystemExit('peer: no answer from the cache for {} {!r}'.format(verb, payload))

    def set(self, value, key=None):
        return self._request('set', value, key).decode('utf-8')

    def get(self, key):
        return self._request('get', key.encode('utf-8'))

    def delete(self, key):
        return self._request('delete', key.encode('utf-8')).decode('utf-8')


def run_encode(args):
    message = PalmMessage()
    message.pipeline = args.pipeline
    message.client = args.client
    message.stage = args.stage
    message.function = args.function
    message.cache = args.cache
    message.payload = bytes.fromhex(args.payload_hex)
    say(message.SerializeToString().hex())
    return 0


def run_decode(args):
    message = PalmMessage()
    message.ParseFromString(bytes.fromhex(args.hex))
    say(json.dumps({'pipeline': message.pipeline, 'client': message.client, 'stage': message.stage,
                    'function': message.function, 'cache': message.cache,
                    'payload_hex': message.payload.hex()}))
    return 0


def run_client(args):
    cache = CacheClient(args.db, args.server, args.timeout_ms)
    name = text(cache.get('name'))
    if name != args.server:
        log('You are connecting to the wrong server: {!r}, not {!r}'.format(name, args.server))
        return 3
    sub_address = args.sub or text(cache.get('pub_address'))
    push_address = args.push or text(cache.get('pull_address'))

    # The cache verbs exactly as pylm's Client sends them.
    report = {'name': name, 'sub_address': sub_address, 'push_address': push_address}
    report['set_key'] = cache.set(b'py-value', 'py-key')
    report['get_key'] = text(cache.get('py-key'))
    report['set_nokey'] = cache.set(b'anonymous')
    report['get_nokey'] = text(cache.get(report['set_nokey']))
    report['delete'] = cache.delete('py-key')
    report['get_deleted'] = text(cache.get('py-key'))

    push = socket(zmq.PUSH)
    push.connect(push_address)
    sub = socket(zmq.SUB)
    sub.setsockopt_string(zmq.SUBSCRIBE, cache.uuid)
    sub.connect(sub_address)
    time.sleep(0.5)  # PUB-SUB takes a while, says pylm

    pipeline = str(uuid.uuid4())
    for i in range(args.count):
        message = PalmMessage()
        message.function = args.function
        message.stage = 0
        message.pipeline = pipeline
        message.client = cache.uuid
        message.payload = '{}{}'.format(args.prefix, i).encode('utf-8')
        push.send(message.SerializeToString())

    replies = []
    caches = []  # pylm's master gives each inbound message a cache id when the client gave none
    topics_ok = True
    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    expected = args.count * args.replies
    deadline = time.monotonic() + args.timeout_ms / 1000.0
    while len(replies) < expected and time.monotonic() < deadline:
        if not poller.poll(100):
            continue
        frames = sub.recv_multipart()
        if len(frames) != 2 or text(frames[0]) != cache.uuid:
            topics_ok = False
            continue
        message = PalmMessage()
        message.ParseFromString(frames[1])
        replies.append(text(message.payload))
        caches.append(message.cache)
    report['replies'] = replies
    report['caches'] = caches
    report['topics_ok'] = topics_ok
    say(json.dumps(report))
    return 0 if len(replies) == expected else 4


def run_cache(args):
    # pylm's Pipeline, Hub and Sink keep where they listen in their cache too (sub_address,
    # sub_address_0, ...), beside name and what they bind; a pylm user may read them.
    cache = CacheClient(args.db, args.server, args.timeout_ms)
    say(json.dumps({key: text(cache.get(key)) for key in args.keys}))
    return 0


def run_worker(args):
    cache = CacheClient(args.db, '_', args.timeout_ms)
    push_address = text(cache.get('worker_push_address'))  # where the master pushes tasks
    pull_address = text(cache.get('worker_pull_address'))  # where the master pulls results
    if not push_address or not pull_address:
        log('the master cache has no worker addresses')
        return 3
    pull = socket(zmq.PULL)
    monitor = pull.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    pull.connect(push_address)
    push = socket(zmq.PUSH)
    push.connect(pull_address)
    # READY once the master's PUSH can deal to us, so a test's first burst is shared.
    if not monitor.poll(args.timeout_ms):
        log('{}: no handshake with the master at {}'.format(args.name, push_address))
    pull.disable_monitor()
    monitor.close()

    logger = pylm_logger(args.name) if args.pylm_log else None

    def tag(payload):
        if logger and payload == b'boom':
            raise ValueError('cannot tag {!r}'.format(payload))
        return args.name.encode('utf-8') + b':' + payload

    def upper(payload):
        return payload.upper()

    methods = {'tag': tag, 'upper': upper}
    say('READY {}'.format(args.name))
    if logger:
        logger.info('Worker %s connected to %s', args.name, push_address)
    poller = zmq.Poller()
    poller.register(pull, zmq.POLLIN)
    served = 0
    while RUNNING:
        if not poller.poll(50):
            continue
        message = PalmMessage()
        message.ParseFromString(pull.recv())
        result = b'0'
        try:
            method = methods[current_method(message)]
            result = method(message.payload)
        except Exception as error:  # pylm logs, then sends b'0'
            if logger:
                logger.exception('User function gave an error')
            else:
                log('{} User function gave an error: {!r}'.format(args.name, error))
        message.payload = result
        push.send(message.SerializeToString())
        served += 1
    log('{} served {}'.format(args.name, served))
    return 0


def run_server(args):
    pull = socket(zmq.PULL)
    pub = socket(zmq.XPUB)  # a PUB to its subscribers; XPUB only lets us see them arrive
    rep = socket(zmq.REP)
    addresses = {'pull_address': bind_any(pull), 'pub_address': bind_any(pub), 'db_address': bind_any(rep)}
    store = {'name': args.name.encode('utf-8')}
    for key, value in addresses.items():
        store[key] = value.encode('utf-8')

    def foo(payload):
        return b'py:' + payload

    methods = {'foo': foo}
    say('READY db={} pull={} pub={}'.format(addresses['db_address'], addresses['pull_address'],
                                           addresses['pub_address']))
    poller = zmq.Poller()
    for s in (pull, pub, rep):
        poller.register(s, zmq.POLLIN)
    while RUNNING:
        ready = dict(poller.poll(50))
        if pub in ready:
            event = pub.recv()
            if event and event[0] == 1:
                say('SUBSCRIBED {}'.format(text(event[1:])))
        if rep in ready:
            request = PalmMessage()
            request.ParseFromString(rep.recv())
            verb = request.function.split('.', 1)[-1]
            if verb == 'set':
                key = request.cache or str(uuid.uuid4())
                store[key] = request.payload
                rep.send(key.encode('utf-8'))
            elif verb == 'get':
                rep.send(store.get(text(request.payload), b''))
            elif verb == 'delete':
                store.pop(text(request.payload), None)
                rep.send(request.payload)
            else:
                rep.send(b'')
        if pull in ready:
            message = PalmMessage()
            message.ParseFromString(pull.recv())
            result = b'0'
            try:
                result = methods[current_method(message)](message.payload)
            except Exception as error:
                log('{} User function gave an error: {!r}'.format(args.name, error))
            message.payload = result
            message.stage += 1  # pipelined: the next stage runs the next entry
            pub.send_multipart([args.name.encode('utf-8'), message.SerializeToString()])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest='mode', required=True)

    encode = modes.add_parser('encode', help='print a PalmMessage as hex')
    encode.add_argument('--pipeline', default='')
    encode.add_argument('--client', default='')
    encode.add_argument('--stage', type=int, default=0)
    encode.add_argument('--function', default='')
    encode.add_argument('--cache', default='')
    encode.add_argument('--payload-hex', default='')

    decode = modes.add_parser('decode', help='print a hex PalmMessage as JSON')
    decode.add_argument('hex')

    client = modes.add_parser('client', help="pylm's Client")
    client.add_argument('--db', required=True)
    client.add_argument('--server', required=True)
    client.add_argument('--function', required=True)
    client.add_argument('--count', type=int, default=1)
    client.add_argument('--replies', type=int, default=1, help='replies per message')
    client.add_argument('--prefix', default='m')
    client.add_argument('--push', default='')
    client.add_argument('--sub', default='')
    client.add_argument('--timeout-ms', type=int, default=10000)

    worker = modes.add_parser('worker', help="pylm's Worker")
    worker.add_argument('--db', required=True)
    worker.add_argument('--name', required=True)
    worker.add_argument('--timeout-ms', type=int, default=10000)
    worker.add_argument('--pylm-log', action='store_true',
                        help="log in pylm's format; the payload 'boom' raises ValueError")

    server = modes.add_parser('server', help="pylm's Server(pipelined=True)")
    server.add_argument('--name', required=True)

    cache = modes.add_parser('cache', help="read cache keys as pylm's Client.get")
    cache.add_argument('--db', required=True)
    cache.add_argument('--server', required=True)
    cache.add_argument('--timeout-ms', type=int, default=10000)
    cache.add_argument('keys', nargs='+')

    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    runners = {'encode': run_encode, 'decode': run_decode, 'client': run_client,
               'worker': run_worker, 'server': run_server, 'cache': run_cache}
    try:
        return runners[args.mode](args)
    finally:
        CONTEXT.destroy(linger=0)


if __name__ == '__main__':
    sys.exit(main())
