#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs ONE real pylm server (source tree in $PYLM_SRC) playing a role of qpalm's resources/examples."""
import json, logging, os, sys, time
sys.path.insert(0, os.environ.get('PYLM_SRC', '/tmp/pylm-real'))
from pylm.servers import Server, Pipeline, Sink, Master, Hub, Worker, MuxWorker

role, kwargs = sys.argv[1], json.loads(sys.argv[2])
if 'log_level' in kwargs:
    kwargs['log_level'] = getattr(logging, kwargs['log_level'])

class FooServer(Server):
    def foo(self, message):
        self.logger.warning('Got a message')
        return b'you sent me ' + message

class ErrServer(Server):
    def foo(self, message):
        self.logger.warning('Got a message')
        print(x.value)
        return b'you sent me ' + message
    def bar(self, message):
        return b'you sent me ' + message

class StreamServer(FooServer):
    counter = 0
    def handle_stream(self, message):
        topic = 'even' if self.counter % 2 == 0 else 'odd'
        message.stage += 1
        self.counter += 1
        return topic, message

class FooPipeline(Pipeline):
    def foo(self, message):
        self.logger.warning('Got a message')
        return b'and I pipelined ' + message

class InfoPipeline(Pipeline):
    def foo(self, message):
        self.logger.info('Got a message')
        return b'and I pipelined ' + message

class EchoPipeline(Pipeline):
    def foo(self, message):
        self.logger.warning('Just echo, nothing else')

class FooSink(Sink):
    def foo(self, message):
        self.logger.warning('Got a message')
        return b'and I pipelined ' + message

class GatherSink(Sink):
    def foo(self, message):
        self.logger.warning('Got a message')
        return b'and gathered ' + message

class ScatterMaster(Master):
    def scatter(self, message):
        for i in range(3):
            yield message

class GatherMaster(ScatterMaster):
    counter = 0
    def gather(self, message):
        self.counter += 1
        if self.counter == 30:
            yield self.change_payload(message, b'final message')
        else:
            yield message

class LoggingMaster(ScatterMaster):
    counter = 0
    def gather(self, message):
        self.counter += 1
        if self.counter == 30:
            self.logger.critical('Changing the payload of the message')
            yield self.change_payload(message, b'final message')
        else:
            yield message

class ProcWorker(Worker):
    def foo(self, message):
        return self.name.encode('utf-8') + b' processed ' + message
    def boom(self, message):
        raise ValueError('boom ' + message.decode())

class CacheWorker(Worker):
    def foo(self, message):
        data = self.get('cached')
        return self.name.encode('utf-8') + data + message

class LogWorker(Worker):
    ncalls = 0
    def foo(self, message):
        self.ncalls += 1
        data = self.get('cached')
        if self.ncalls % 10 == 0:
            self.logger.info('Processed {} messages'.format(self.ncalls))
        return self.name.encode('utf-8') + data + message

class HubWorker(Worker):
    def foo(self, message):
        self.logger.info('Processed')
        return self.name.encode('utf-8') + b' processed ' + message

class MyMux(MuxWorker):
    def foo(self, message):
        yield self.name.encode('utf-8') + b' processed ' + message + b' 1'
        yield self.name.encode('utf-8') + b' processed ' + message + b' 2'

class CacheFieldMaster(Master):
    def gather(self, message):
        yield self.change_payload(message, ('%d' % len(message.cache)).encode())

classes = {c.__name__: c for c in [FooServer, ErrServer, StreamServer, FooPipeline, InfoPipeline,
           EchoPipeline, FooSink, GatherSink, Master, Hub, ScatterMaster, GatherMaster,
           LoggingMaster, CacheFieldMaster, ProcWorker, CacheWorker, LogWorker, HubWorker, MyMux]}
server = classes[role](**kwargs)
print('PYLM-READY', role, flush=True)
server.start()
