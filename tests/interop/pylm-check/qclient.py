#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""qpalm-client driving real pylm servers (Server, Master + pylm Workers, Server -> Pipeline, Sink, Hub)."""
import json, os, subprocess, sys, time
from harness import Cluster, addr
from scenarios import server, master, worker, FOO_SERVER, PROC_WORKER, FOO_PIPE, HUB_WORKER
QC = os.path.join(os.environ.get('QPALM_BUILD', 'build'), 'app/client/qpalm-client')

def qc(db, name, *args, timeout=5000):
    p = subprocess.run([QC, '--db', db, '--server', name, '--timeout', str(timeout)] + list(args),
                       capture_output=True, text=True, timeout=60)
    return [p.returncode, p.stdout.strip().splitlines(), p.stderr.strip()[-300:]]

def run():
    out = {}
    s = server('my_server', FOO_SERVER, 'FooServer')
    c = Cluster('pylm', [s])
    try:
        db = s['db_address']
        out['server.eval'] = qc(db, 'my_server', 'eval', 'my_server.foo', 'a message')
        out['server.job'] = qc(db, 'my_server', 'job', 'my_server.foo', '--repeat', '5', 'x')
        out['server.set'] = qc(db, 'my_server', 'set', 'v1', 'k1')
        out['server.set_nokey'] = qc(db, 'my_server', 'set', 'v2')
        out['server.get'] = qc(db, 'my_server', 'get', 'k1')
        out['server.get_missing'] = qc(db, 'my_server', 'get', 'nope')
        out['server.delete'] = qc(db, 'my_server', 'delete', 'k1')
        out['server.keys'] = qc(db, 'my_server', 'keys', timeout=2000)
        out['server.wrong_name'] = qc(db, 'other', 'eval', 'other.foo', 'x', timeout=2000)
        out['server.after'] = qc(db, 'my_server', 'eval', 'my_server.foo', 'b')
    finally:
        c.stop()
    m = master()
    c = Cluster('pylm', [m, worker(m, PROC_WORKER, 'ProcWorker')])
    try:
        out['master.job'] = qc(m['db_address'], 'server', 'job', 'server.foo', '--repeat', '20', 'x')
        out['master.eval'] = qc(m['db_address'], 'server', 'eval', 'server.foo', 'y')
        out['master.error'] = qc(m['db_address'], 'server', 'eval', 'server.boom', 'y')
    finally:
        c.stop()
    s = server('my_server', FOO_SERVER, 'FooServer', pipelined=True)
    p = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
             previous='my_server', to_client=True, lua=FOO_PIPE, role='FooPipeline')
    k = dict(kind='sink', name='my_sink', db_address=addr(), sub_addresses=[s['pub_address']], pub_address=addr(),
             previous=['my_server'], to_client=True, lua=FOO_PIPE, role='FooSink')
    h = dict(kind='hub', name='hub', sub_address=s['pub_address'], previous='my_server', pub_address=addr(),
             worker_pull_address=addr(), worker_push_address=addr(), db_address=addr(), role='Hub')
    c = Cluster('pylm', [s, p, k, h, worker(h, HUB_WORKER, 'HubWorker')])
    try:
        out['pipeline.job'] = qc(s['db_address'], 'my_server', '--sub', p['pub_address'], 'job', 'my_server.foo my_pipeline.foo', '--repeat', '3', 'x')
        out['sink.job'] = qc(s['db_address'], 'my_server', '--sub', k['pub_address'], 'job', 'my_server.foo my_sink.foo', '--repeat', '3', 'x')
        out['hub.eval'] = qc(s['db_address'], 'my_server', '--sub', h['pub_address'], 'eval', 'my_server.foo hub.foo', 'x')
        out['pipeline.cache'] = qc(p['db_address'], 'my_pipeline', 'get', 'sub_address')
    finally:
        c.stop()
    for k_, v in out.items():
        print(k_, json.dumps(v))

run()
