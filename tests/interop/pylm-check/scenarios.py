#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 The qpalm developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each scenario runs once on pylm's own servers and once on qpalm-server; answers are compared."""
import collections, json, os, re, sys, tempfile, threading, time
from itertools import repeat
from harness import Cluster, Client, addr, with_timeout

FOO_SERVER = "function foo(m) self.logger.warning('Got a message') return 'you sent me ' .. m end\n"
ERR_SERVER = ("function foo(m) self.logger.warning('Got a message') print(x.value) return 'you sent me ' .. m end\n"
              "function bar(m) return 'you sent me ' .. m end\n")
STREAM_SERVER = FOO_SERVER + ("local counter = 0\nfunction handle_stream(m) local t if counter % 2 == 0 then t = 'even' "
                              "else t = 'odd' end m.stage = m.stage + 1 counter = counter + 1 return t, m end\n")
FOO_PIPE = "function foo(m) self.logger.warning('Got a message') return 'and I pipelined ' .. m end\n"
INFO_PIPE = "function foo(m) self.logger.info('Got a message') return 'and I pipelined ' .. m end\n"
ECHO_PIPE = "function foo(m) self.logger.warning('Just echo, nothing else') end\n"
GATHER_SINK = "function foo(m) self.logger.warning('Got a message') return 'and gathered ' .. m end\n"
PROC_WORKER = ("function foo(m) return self.name .. ' processed ' .. m end\n"
               "function boom(m) error('boom ' .. m) end\n")
CACHE_WORKER = "function foo(m) local d = self.get('cached') return self.name .. d .. m end\n"
LOG_WORKER = ("local ncalls = 0\nfunction foo(m) ncalls = ncalls + 1 local d = self.get('cached') "
              "if ncalls % 10 == 0 then self.logger.info(string.format('Processed %d messages', ncalls)) end "
              "return self.name .. d .. m end\n")
HUB_WORKER = "function foo(m) self.logger.info('Processed') return self.name .. ' processed ' .. m end\n"
MUX_WORKER = ("function foo(m) yield(self.name .. ' processed ' .. m .. ' 1') "
              "yield(self.name .. ' processed ' .. m .. ' 2') end\n")
SCATTER = "function scatter(m) for i = 1, 3 do yield(m) end end\n"
GATHER = SCATTER + ("local counter = 0\nfunction gather(m) counter = counter + 1 if counter == 30 then "
                    "yield(self.change_payload(m, 'final message')) else yield(m) end end\n")
LOGGING_MASTER = SCATTER + ("local counter = 0\nfunction gather(m) counter = counter + 1 if counter == 30 then "
                            "self.logger.critical('Changing the payload of the message') "
                            "yield(self.change_payload(m, 'final message')) else yield(m) end end\n")


def server(name, lua, role, **kw):
    e = dict(kind='server', name=name, db_address=addr(), pull_address=addr(), pub_address=addr(), lua=lua, role=role)
    e.update(kw); return e


def master(name='server', lua=None, role='Master', **kw):
    e = dict(kind='master', name=name, pull_address=addr(), pub_address=addr(), worker_pull_address=addr(),
             worker_push_address=addr(), db_address=addr(), role=role)
    if lua: e['lua'] = lua
    e.update(kw); return e


def worker(m, lua, role, name='worker', replicas=2, **kw):
    e = dict(kind='worker', name=name, db_address=m['db_address'], lua=lua, role=role, replicas=replicas)
    e.update(kw); return e


def norm(payload):
    """Replica names differ in nothing; keep payloads as text."""
    return payload.decode('utf-8', 'backslashreplace') if isinstance(payload, bytes) else payload


def strip_worker(text):
    return re.sub(r'^worker-\d', 'worker-N', text) if isinstance(text, str) else text


# ---------------------------------------------------------------------------------------------
def sc_single(backend):
    s = server('my_server', FOO_SERVER, 'FooServer', log_level='DEBUG')
    c = Cluster(backend, [s])
    try:
        cl = Client('my_server', s['db_address'])
        r = {}
        r['eval'] = norm(with_timeout(lambda: cl.eval('my_server.foo', b'a message'), 5))
        r['eval_list_fn'] = norm(with_timeout(lambda: cl.eval(['my_server.foo'], b'x'), 5))
        r['job10'] = [norm(x) for x in with_timeout(lambda: list(cl.job('my_server.foo', repeat(b'a message', 10), messages=10)), 10)]
        r['set_key'] = with_timeout(lambda: cl.set(b'value', 'k1'), 3)
        r['get_key'] = norm(with_timeout(lambda: cl.get('k1'), 3))
        r['set_nokey_len'] = len(with_timeout(lambda: cl.set(b'anon'), 3))
        r['get_missing'] = norm(with_timeout(lambda: cl.get('nope'), 3))
        r['delete'] = with_timeout(lambda: cl.delete('k1'), 3)
        r['get_deleted'] = norm(with_timeout(lambda: cl.get('k1'), 3))
        r['get_name'] = norm(with_timeout(lambda: cl.get('name'), 3))
        r['get_pull'] = norm(with_timeout(lambda: cl.get('pull_address'), 3)) == s['pull_address']
        r['set_str_raises'] = with_timeout(lambda: cl.set('notbytes', 'k'), 3)
        r['wrong_server'] = with_timeout(lambda: Client('other', s['db_address']) and 'no error', 5)
        r['empty_payload'] = norm(with_timeout(lambda: cl.eval('my_server.foo', b''), 5))
        r['binary_payload'] = norm(with_timeout(lambda: cl.eval('my_server.foo', b'\x00\xff\x01'), 5))
        r['wrong_name_call'] = norm(with_timeout(lambda: cl.eval('other.foo', b'x'), 5))
        # many calls in a row on one client object
        seq = []
        for i in range(60):
            if i % 2:
                seq.append(norm(with_timeout(lambda: cl.eval('my_server.foo', b'%d' % i), 5)))
            else:
                seq.append(len(with_timeout(lambda: list(cl.job('my_server.foo', repeat(b'j', 3), messages=3)), 5)))
            if 'TIMEOUT' in seq or 7 in seq:
                break
        r['calls_in_a_row_ok'] = sum(1 for i, v in enumerate(seq) if (v == 3 if i % 2 == 0 else v == 'you sent me %d' % i))
        # several clients at once
        results = {}
        def one(k):
            c2 = Client('my_server', s['db_address'])
            got = list(c2.job('my_server.foo', (b'c%d-%d' % (k, i) for i in range(20)), messages=20))
            results[k] = sorted(norm(x) for x in got) == sorted('you sent me c%d-%d' % (k, i) for i in range(20))
        ts = [threading.Thread(target=with_timeout, args=(lambda k=k: one(k), 15)) for k in range(4)]
        [t.start() for t in ts]; [t.join() for t in ts]
        r['concurrent_clients_ok'] = sorted(results.items())
        r['missing_function'] = norm(with_timeout(lambda: cl.eval('my_server.nothere', b'x'), 3))
        r['after_missing'] = norm(with_timeout(lambda: cl.eval('my_server.foo', b'y'), 3))
        return r
    finally:
        c.stop(); sc_single.logs = c.logs()


def sc_error(backend):
    s = server('my_server', ERR_SERVER, 'ErrServer')
    c = Cluster(backend, [s])
    try:
        cl = Client('my_server', s['db_address'])
        return {'foo': norm(with_timeout(lambda: cl.eval('my_server.foo', b'a message'), 5)),
                'bar_after': norm(with_timeout(lambda: cl.eval('my_server.bar', b'a message'), 5)),
                'foo_again': norm(with_timeout(lambda: cl.eval('my_server.foo', b'b'), 5))}
    finally:
        c.stop(); sc_error.logs = c.logs()


def _master_job(m, cl, n=10, fn='server.foo', payload=b'a message', messages=None):
    return sorted(strip_worker(norm(x)) for x in with_timeout(
        lambda: list(cl.job(fn, repeat(payload, n), messages=messages or n)), 20))


def mk_parallel(worker_backend=None, reliable=True):
    def sc(backend):
        m = master()
        w = worker(m, PROC_WORKER, 'ProcWorker')
        if worker_backend:
            w['backend'] = worker_backend
        ents = [m, w]
        if worker_backend == 'mixed':
            w['backend'] = 'pylm'; w['replicas'] = 1; w['name'] = 'pw'
            w2 = worker(m, PROC_WORKER, 'ProcWorker', name='qw', replicas=1)
            ents.append(w2)
        if reliable is False:
            m['delivery'] = {'reliable': False}
        c = Cluster(backend, ents)
        try:
            cl = Client('server', m['db_address'])
            r = {'job100': collections.Counter(re.sub(r'^\S+ ', 'W ', x) for x in _master_job(m, cl, 100))}
            r['job100'] = sorted(r['job100'].items())
            got = with_timeout(lambda: list(cl.job('server.foo', repeat(b'x', 100), messages=100)), 20)
            r['workers_used'] = sorted(set(norm(x).split(' ')[0] for x in got)) if isinstance(got, list) else got
            r['eval'] = re.sub(r'^\S+ ', 'W ', norm(with_timeout(lambda: cl.eval('server.foo', b'e'), 5)))
            r['error'] = norm(with_timeout(lambda: cl.eval('server.boom', b'e'), 5))
            r['missing'] = norm(with_timeout(lambda: cl.eval('server.nothere', b'e'), 5))
            r['after_error'] = re.sub(r'^\S+ ', 'W ', norm(with_timeout(lambda: cl.eval('server.foo', b'f'), 5)))
            r['cache_keys'] = {k: norm(with_timeout(lambda k=k: cl.get(k), 3)) == m[k]
                               for k in ('pull_address', 'pub_address', 'worker_pull_address', 'worker_push_address', 'db_address')}
            r['set_get'] = [with_timeout(lambda: cl.set(b'v', 'kk'), 3), norm(with_timeout(lambda: cl.get('kk'), 3))]
            return r
        finally:
            c.stop(); sc.logs = c.logs()
    return sc


def sc_cache(backend):
    m = master()
    c = Cluster(backend, [m, worker(m, CACHE_WORKER, 'CacheWorker')])
    try:
        cl = Client('server', m['db_address'])
        r = {'set': with_timeout(lambda: cl.set(b' cached data ', 'cached'), 3),
             'get': norm(with_timeout(lambda: cl.get('cached'), 3))}
        r['job'] = _master_job(m, cl, 10)
        return r
    finally:
        c.stop(); sc_cache.logs = c.logs()


def mk_scatter_gather(lua, role, wrole='CacheWorker', wlua=CACHE_WORKER, **mkw):
    def sc(backend):
        m = master(lua=lua, role=role, **mkw)
        c = Cluster(backend, [m, worker(m, wlua, wrole)])
        try:
            cl = Client('server', m['db_address'])
            cl.set(b' cached data ', 'cached')
            return {'job': _master_job(m, cl, 10, messages=30)}
        finally:
            c.stop(); sc.logs = c.logs()
    return sc


def sc_pipeline(backend):
    s = server('my_server', FOO_SERVER, 'FooServer', pipelined=True, log_level='DEBUG')
    p = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
             previous='my_server', to_client=True, log_level='DEBUG', lua=FOO_PIPE, role='FooPipeline')
    c = Cluster(backend, [s, p])
    try:
        cl = Client('my_server', s['db_address'], sub_address=p['pub_address'])
        return {'job': [norm(x) for x in with_timeout(lambda: list(cl.job(['my_server.foo', 'my_pipeline.foo'], repeat(b'a message', 10), messages=10)), 10)],
                'eval_str_fn': norm(with_timeout(lambda: cl.eval('my_server.foo my_pipeline.foo', b'x'), 5)),
                'pipeline_cache_sub': norm(with_timeout(lambda: Client('my_pipeline', p['db_address']).get('sub_address'), 5)) == s['pub_address']}
    finally:
        c.stop(); sc_pipeline.logs = c.logs()


def sc_tee_stream(stream):
    def sc(backend):
        s = server('my_server', STREAM_SERVER if stream else FOO_SERVER, 'StreamServer' if stream else 'FooServer',
                   pipelined=True, log_level='DEBUG')
        p1 = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
                  previous='even' if stream else 'my_server', to_client=True, log_level='DEBUG', lua=FOO_PIPE, role='FooPipeline')
        p2 = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
                  previous='odd' if stream else 'my_server', to_client=True, log_level='DEBUG', lua=ECHO_PIPE, role='EchoPipeline')
        if backend == 'qpalm':  # one cluster file cannot hold two entries of one name: run the echo one as its own file
            p2['backend'] = 'elsewhere'
        c = Cluster(backend, [s, p1, p2])
        c2 = None
        if backend == 'qpalm':
            p2b = dict(p2); p2b.pop('backend')
            c2 = Cluster('qpalm', [p2b])
        try:
            cl = Client('my_server', s['db_address'], sub_address=p1['pub_address'])
            n = 5 if stream else 10
            return {'job': [norm(x) for x in with_timeout(lambda: list(cl.job(['my_server.foo', 'my_pipeline.foo'], repeat(b'a message', 10), messages=n)), 10)]}
        finally:
            c.stop()
            if c2: c2.stop()
            sc.logs = c.logs()
    return sc


def sc_sink(backend):
    s = server('my_server', FOO_SERVER, 'FooServer', pipelined=True, log_level='DEBUG')
    k = dict(kind='sink', name='my_sink', db_address=addr(), sub_addresses=[s['pub_address']], pub_address=addr(),
             previous=['my_server'], to_client=True, log_level='DEBUG', lua=FOO_PIPE, role='FooSink')
    c = Cluster(backend, [s, k])
    try:
        cl = Client('my_server', s['db_address'], sub_address=k['pub_address'])
        return {'job': [norm(x) for x in with_timeout(lambda: list(cl.job(['my_server.foo', 'my_sink.foo'], repeat(b'a message', 10), messages=10)), 10)],
                'sink_cache': norm(with_timeout(lambda: Client('my_sink', k['db_address']).get('sub_address_0'), 5)) == s['pub_address']}
    finally:
        c.stop(); sc_sink.logs = c.logs()


def sc_stream_sink(backend):
    s = server('my_server', STREAM_SERVER, 'StreamServer', pipelined=True, log_level='DEBUG')
    pe = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
              previous='even', to_client=False, lua=INFO_PIPE, role='InfoPipeline')
    po = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=s['pub_address'], pub_address=addr(),
              previous='odd', to_client=False, lua=INFO_PIPE, role='InfoPipeline')
    k = dict(kind='sink', name='my_sink', db_address=addr(), sub_addresses=[pe['pub_address'], po['pub_address']],
             pub_address=addr(), previous=['my_pipeline', 'my_pipeline'], to_client=True, log_level='DEBUG',
             lua=GATHER_SINK, role='GatherSink')
    c2 = None
    if backend == 'qpalm':
        po['backend'] = 'elsewhere'
        c2 = Cluster('qpalm', [dict((a, b) for a, b in po.items() if a != 'backend')])
    c = Cluster(backend, [s, pe, po, k])
    try:
        cl = Client('my_server', s['db_address'], sub_address=k['pub_address'])
        return {'job': sorted(norm(x) for x in with_timeout(lambda: list(cl.job(['my_server.foo', 'my_pipeline.foo', 'my_sink.foo'], repeat(b'a message', 10), messages=10)), 10))}
    finally:
        c.stop()
        if c2: c2.stop()
        sc_stream_sink.logs = c.logs()


def mk_server_hub(worker_backend=None):
    def sc(backend):
        s = server('server', FOO_SERVER, 'FooServer', pipelined=True, log_level='DEBUG')
        h = dict(kind='hub', name='hub', sub_address=s['pub_address'], previous='server', pub_address=addr(),
                 worker_pull_address=addr(), worker_push_address=addr(), db_address=addr(), pipelined=False, role='Hub')
        w = worker(h, HUB_WORKER, 'HubWorker')
        if worker_backend:
            w['backend'] = worker_backend
        c = Cluster(backend, [s, h, w])
        try:
            cl = Client('server', s['db_address'], sub_address=h['pub_address'])
            r = {'eval': strip_worker(norm(with_timeout(lambda: cl.eval(['server.foo', 'hub.foo'], b'a message'), 5)))}
            r['job'] = sorted(strip_worker(norm(x)) for x in with_timeout(lambda: list(cl.job(['server.foo', 'hub.foo'], repeat(b'm', 20), messages=20)), 10))
            return r
        finally:
            c.stop(); sc.logs = c.logs()
    return sc


def sc_master_pipeline(backend):
    m = master(pipelined=True)
    p = dict(kind='pipeline', name='my_pipeline', db_address=addr(), sub_address=m['pub_address'], pub_address=addr(),
             previous='server', to_client=True, lua=INFO_PIPE, role='InfoPipeline')
    c = Cluster(backend, [m, p, worker(m, HUB_WORKER, 'HubWorker')])
    try:
        cl = Client('server', m['db_address'], sub_address=p['pub_address'])
        return {'job': sorted(strip_worker(norm(x)) for x in with_timeout(lambda: list(cl.job(['server.foo', 'my_pipeline.foo'], repeat(b'a message', 10), messages=10)), 10))}
    finally:
        c.stop(); sc_master_pipeline.logs = c.logs()


def sc_mux(backend):
    m = master()
    c = Cluster(backend, [m, worker(m, MUX_WORKER, 'MyMux')])
    try:
        cl = Client('server', m['db_address'])
        return {'job': _master_job(m, cl, 10, messages=20)}
    finally:
        c.stop(); sc_mux.logs = c.logs()


def sc_cachefield(backend):
    m = master(lua="function gather(m) yield(self.change_payload(m, tostring(#m.cache))) end\n", role='CacheFieldMaster')
    c = Cluster(backend, [m, worker(m, PROC_WORKER, 'ProcWorker')])
    try:
        cl = Client('server', m['db_address'])
        return {'nocache': norm(with_timeout(lambda: cl.eval('server.foo', b'x'), 5)),
                'withcache': norm(with_timeout(lambda: cl.eval('server.foo', b'x', cache='abc'), 5))}
    finally:
        c.stop(); sc_cachefield.logs = c.logs()


SCENARIOS = {'cachefield': sc_cachefield, 
    'single': sc_single, 'error': sc_error,
    'parallel': mk_parallel(), 'parallel_pylm_workers': mk_parallel('pylm'), 'parallel_mixed': mk_parallel('mixed'),
    'parallel_plain': mk_parallel(reliable=False), 'parallel_mixed_plain': mk_parallel('mixed', reliable=False),
    'cache': sc_cache,
    'scatter': mk_scatter_gather(SCATTER, 'ScatterMaster'), 'gather': mk_scatter_gather(GATHER, 'GatherMaster'),
    'logging': mk_scatter_gather(LOGGING_MASTER, 'LoggingMaster', 'LogWorker', LOG_WORKER, log_level='WARNING'),
    'pipeline': sc_pipeline, 'tee': sc_tee_stream(False), 'stream': sc_tee_stream(True),
    'sink': sc_sink, 'stream_sink': sc_stream_sink,
    'server_hub': mk_server_hub(), 'server_hub_pylm_workers': mk_server_hub('pylm'),
    'master_pipeline': sc_master_pipeline, 'mux': sc_mux,
}

if __name__ == '__main__':
    names = sys.argv[1:] or list(SCENARIOS)
    backends = os.environ.get('BACKENDS', 'pylm,qpalm').split(',')
    for name in names:
        out = {}
        for b in backends:
            t0 = time.time()
            out[b] = SCENARIOS[name](b)
            logs = SCENARIOS[name].logs[0]
            out[b + '_logs'] = sorted(set((n, l, re.sub(r'[0-9a-f]{8}-[0-9a-f-]{27}', 'UUID', msg)) for n, l, msg in logs))
            out[b + '_secs'] = round(time.time() - t0, 1)
        same = len(backends) < 2 or out[backends[0]] == out[backends[1]]
        print('==== %s: %s' % (name, 'SAME' if same else 'DIFFERENT'))
        for b in backends:
            print('  %s (%ss): %s' % (b, out[b + '_secs'], json.dumps(out[b], sort_keys=True)))
        json.dump(out, open(os.path.join(tempfile.gettempdir(), 'out-%s.json') % name, 'w'), indent=1, sort_keys=True, default=str)
        sys.stdout.flush()
