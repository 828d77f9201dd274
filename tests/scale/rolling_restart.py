"""A rolling restart under load: each replica in turn gets SIGTERM, exits 0,
starts again on the same ports and is back in HAProxy (its health checks
pass) before the next one goes.  Meanwhile, through HAProxy, 20 clients
keep queries in flight in short sessions (a new connection every 20
answers: thousands of connections attempted), and 6 others ask for answers
of 0.1 to 4 MB, which outlast a socket buffer, so that a stopping replica
is in the middle of some: no answer is cut short, and fewer than 0.1% of
the connection attempts fail.
Usage: rolling_restart.py CHARFINDERD LOADGEN"""
import os
import tempfile
import time

import cftest
from cftest import check, say
from cluster import BACKENDS, TELNET, Cluster, Load

SOURCE = '127.0.0.2'
CONNECTIONS = 20
SESSION_QUERIES = 20
SECONDS = 14
START_AFTER = 2		# seconds into the run
HERE = os.path.dirname(os.path.abspath(__file__))
MIX = os.path.join(HERE, 'mix.txt')
HEAVY = os.path.join(os.path.dirname(HERE), 'bench', 'heavy.txt')
HEAVY_CONNECTIONS = 6


def test(charfinderd, loadgen):
    with tempfile.TemporaryDirectory() as tmp, \
            Cluster(charfinderd, tmp) as cluster:
        load = Load(loadgen, cluster.telnet_port, MIX, SECONDS, CONNECTIONS,
                    source=SOURCE, session_queries=SESSION_QUERIES)
        heavy = Load(loadgen, cluster.telnet_port, HEAVY, SECONDS,
                     HEAVY_CONNECTIONS, in_flight=1, source=SOURCE)
        began = time.monotonic()
        time.sleep(START_AFTER)
        for r in cluster.replicas:
            sent = int(cluster.stats()[(TELNET, r.name)]['stot'])
            status = r.daemon.terminate()
            check(status == 0, f'{r.name}: exit status {status}')
            # Out first, so that "UP" below is the new process's checks.
            for backend in BACKENDS:
                cluster.wait_status(backend, r.name, 'DOWN', 10)
            r.restart()
            took = sum(cluster.wait_status(backend, r.name, 'UP', 20,
                                           checked=True)
                       for backend in BACKENDS)
            say(f'{r.name} restarted, back in HAProxy {took:.2f} s later '
                f'({time.monotonic() - began:.1f} s into the run)')
            check(sent > 0, f'{r.name} had no sessions before its restart')
        check(time.monotonic() - began < SECONDS - 1,
              'the restarts outlasted the load')
        results = [load.wait(), heavy.wait()]
        attempts = CONNECTIONS + HEAVY_CONNECTIONS + sum(
            r['connects'] for r, _ in results)
        failed = sum(r['connect_failures'] for r, _ in results)
        for (r, ended), what in zip(results, ('short sessions',
                                              'long answers')):
            say(f'rolling restart, {what}: {int(r["answers"])} answers, '
                f'{int(r["connections"] + r["connects"])} connections, '
                f'{int(r["connect_failures"])} failed; '
                f'{int(r["sessions_ended"])} sessions ended by a stopping '
                f'replica with {int(r["lost"])} queries unanswered, '
                f'{int(r["truncated"])} answers cut')
            check(r['truncated'] == 0, f'{what}: {int(r["truncated"])} '
                  f'answers cut short: {ended[:5]!r} ...')
            check(r['errors'] == 0, f'{what}: error answers')
        say(f'rolling restart: {int(attempts)} connection attempts, '
            f'{int(failed)} failed ({100 * failed / attempts:.3f}%)')
        check(failed < attempts / 1000, f'{int(failed)} of {int(attempts)} '
              'connection attempts failed')
        # Each replica serves again: sessions went to it after its restart.
        for r in cluster.replicas:
            check(r.log.count(rf'client {SOURCE}:') > 0,
                  f'{r.name}: no session since its restart')
        cluster.stop()


cftest.main(test)
