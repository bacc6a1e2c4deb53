#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives real pylm (source tree in $PYLM_SRC) against qpalm-server and against pylm's own servers."""
import json, os, re, socket, subprocess, sys, tempfile, threading, time, uuid
sys.path.insert(0, os.environ.get('PYLM_SRC', '/tmp/pylm-real'))
import zmq
from pylm.clients import Client
from pylm.parts.messages_pb2 import PalmMessage

QPALM = os.path.join(os.environ.get('QPALM_BUILD', 'build'), 'app/server/qpalm-server')
HERE = os.path.dirname(os.path.abspath(__file__))
LOGLINE = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - (.*?) - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - (.*)$')


def port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p


def addr():
    return 'tcp://127.0.0.1:%d' % port()


def with_timeout(fn, seconds):
    box = {}
    def run():
        try:
            box['value'] = fn()
        except Exception as e:
            box['value'] = 'EXC %s: %s' % (type(e).__name__, e)
    t = threading.Thread(target=run, daemon=True); t.start(); t.join(seconds)
    return box.get('value', 'TIMEOUT')


def cache_get(db, prefix, key, timeout=3000):
    ctx = zmq.Context.instance(); s = ctx.socket(zmq.REQ); s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.RCVTIMEO, timeout); s.connect(db)
    m = PalmMessage(); m.pipeline = str(uuid.uuid4()); m.client = 'probe'; m.stage = 0
    m.function = prefix + '.get'; m.payload = key.encode()
    s.send(m.SerializeToString())
    try:
        return s.recv()
    except zmq.Again:
        return None
    finally:
        s.close()


PYLM_KW = {
    'server': ['name', 'db_address', 'pull_address', 'pub_address', 'pipelined', 'log_level'],
    'pipeline': ['name', 'db_address', 'sub_address', 'pub_address', 'previous', 'to_client', 'log_level'],
    'sink': ['name', 'db_address', 'sub_addresses', 'pub_address', 'previous', 'to_client', 'log_level'],
    'master': ['name', 'pull_address', 'pub_address', 'worker_pull_address', 'worker_push_address',
               'db_address', 'pipelined', 'log_level'],
    'hub': ['name', 'sub_address', 'pub_address', 'worker_pull_address', 'worker_push_address',
            'db_address', 'previous', 'pipelined', 'log_level'],
    'worker': ['name', 'db_address', 'log_level'],
}


class Cluster:
    """entries: dicts with qpalm cluster-file keys plus 'lua' (script text), 'role' (pylm class)
    and optional 'backend' ('pylm' forces a pylm process in the qpalm run)."""

    def __init__(self, backend, entries, extra_top=None):
        self.backend, self.entries = backend, entries
        self.dir = tempfile.mkdtemp(prefix='pylmcheck-')
        self.procs = []
        qpalm_entries = []
        for e in entries:
            where = e.get('backend', backend)
            if where == 'qpalm':
                entry = {k: v for k, v in e.items() if k not in ('lua', 'role', 'backend')}
                if 'lua' in e:
                    path = os.path.join(self.dir, e['name'] + '.lua')
                    open(path, 'w').write(e['lua'])
                    entry['script'] = os.path.basename(path)
                qpalm_entries.append(entry)
        if qpalm_entries:
            top = {'servers': qpalm_entries}
            top.update(extra_top or {})
            path = os.path.join(self.dir, 'cluster.json')
            json.dump(top, open(path, 'w'), indent=1)
            self._spawn('qpalm', [QPALM, path])
        for e in entries:
            if e.get('backend', backend) != 'pylm':
                continue
            names = [e['name']]
            if e['kind'] == 'worker' and e.get('replicas', 1) > 1:
                names = ['%s-%d' % (e['name'], i + 1) for i in range(e['replicas'])]
            if e['kind'] in ('master', 'hub', 'server', 'pipeline', 'sink'):
                pass
            for n in names:
                kw = {k: e[k] for k in PYLM_KW[e['kind']] if k in e}
                kw['name'] = n
                self._spawn('pylm-' + n, ['/usr/bin/python3', os.path.join(HERE, 'pylm_role.py'),
                                          e['role'], json.dumps(kw)])
        # wait for every cache
        for e in entries:
            if 'db_address' in e and e['kind'] != 'worker':
                deadline = time.time() + 10
                while time.time() < deadline and cache_get(e['db_address'], e['name'], 'name', 500) is None:
                    pass
        time.sleep(1.0)  # workers configure from the cache and connect

    def _spawn(self, label, argv):
        out = open(os.path.join(self.dir, label + '.log'), 'w')
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        self.procs.append((label, p, out))

    def stop(self):
        for label, p, out in self.procs:
            p.terminate()
        for label, p, out in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill(); p.wait()
            out.close()

    def logs(self):
        records, raw = [], {}
        for label, p, out in self.procs:
            text = open(os.path.join(self.dir, label + '.log')).read()
            raw[label] = text
            for line in text.splitlines():
                m = LOGLINE.match(line)
                if m:
                    records.append((m.group(2), m.group(3), m.group(4)))
        return records, raw
