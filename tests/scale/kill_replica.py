"""kill -9 one replica while 30 clients keep queries in flight through
HAProxy: HAProxy takes it out within 2 s, only the sessions that were on it
end (and only their queries in flight fail), the load generator opens them
again on the others and goes on.  A new connection may also fail before
its prompt, if HAProxy sent it to the replica while it died (its kernel
accepted it, then the process was gone): no query is lost with it, and
HAProxy's log must show that it went to the replica killed.  Then a
replica killed while nothing happens: the health checks alone take it out
within 2 s.
Usage: kill_replica.py CHARFINDERD LOADGEN"""
import os
import re
import signal
import tempfile
import time

import cftest
from cftest import check, say
from cluster import HTTP, TELNET, Cluster, Load

SOURCE = '127.0.0.2'
CONNECTIONS = 30
SECONDS = 8
KILL_AFTER = 3		# seconds into the run
TAKEN_OUT = 2.0		# the bound for HAProxy to notice
MIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mix.txt')


def sessions_of(replica, source):
    """Ports of source's sessions the replica has open now (its -v log:
    'client SOURCE:PORT' when a header names it, 'closed SOURCE:PORT')."""
    opened, closed = set(), set()
    for line in list(replica.log.lines):
        m = re.search(rf'client {re.escape(source)}:(\d+)$', line)
        if m:
            opened.add(int(m.group(1)))
        m = re.search(rf'closed {re.escape(source)}:(\d+)$', line)
        if m:
            closed.add(int(m.group(1)))
    return opened - closed


def survivors_queries(cluster, names):
    """What the replicas named have answered.  Not HAProxy's byte counts:
    it adds a session's bytes to them only when the session ends."""
    return sum(cluster.replica(n).queries() for n in names)


def test(charfinderd, loadgen):
    with tempfile.TemporaryDirectory() as tmp, \
            Cluster(charfinderd, tmp, log_connections=True) as cluster:
        load = Load(loadgen, cluster.telnet_port, MIX, SECONDS, CONNECTIONS,
                    source=SOURCE)
        deadline = time.monotonic() + 10
        while sum(len(sessions_of(r, SOURCE))
                  for r in cluster.replicas) < CONNECTIONS:
            check(time.monotonic() < deadline, 'the load never connected')
            time.sleep(0.05)
        time.sleep(KILL_AFTER)
        victim = cluster.replica('r2')
        others = [r.name for r in cluster.replicas if r is not victim]
        on_victim = sessions_of(victim, SOURCE)
        say(f'{len(on_victim)} of {CONNECTIONS} sessions on r2: kill -9')
        os.kill(victim.daemon.pid, signal.SIGKILL)
        took = cluster.wait_status(TELNET, 'r2', 'DOWN', 10, poll=0.01)
        say(f'HAProxy took r2 out {took:.3f} s after kill -9')
        check(took <= TAKEN_OUT, f'r2 still in after {took:.2f} s')
        before = survivors_queries(cluster, others)
        result, ended = load.wait()
        after = survivors_queries(cluster, others)
        check(after > before, 'nothing answered after the kill')
        say(f'r1 and r3 answered {after - before} queries after that')

        # Only r2's sessions ended; every one of them; reopened elsewhere.
        sessions = [e for e in ended if e[2] == 'session ended']
        attempts = [e for e in ended if e[2] == 'no prompt']
        ports = {port for port, *_ in sessions}
        check(ports == on_victim, f'sessions that ended: {sorted(ports)}; '
              f'on r2: {sorted(on_victim)}')
        # HAProxy's log says the same: every connection that ended went
        # to r2, those that never had a prompt too.
        for port, _, kind, _, _ in ended:
            server = cluster.server_of(f'{SOURCE}:{port}')
            check(server == 'r2', f'port {port} ({kind}) was on {server}')
        check(result['connects'] >= len(on_victim), 'not reopened')
        lost = sum(n for _, _, _, n, _ in ended)
        cut = sum(1 for *_, c in ended if c)
        whys = sorted({why for _, why, _, _, _ in ended})
        check(result['lost'] == lost and result['truncated'] == cut,
              'loadgen\'s counts disagree with its lines')
        check(result['errors'] == 0, 'error answers')
        say(f'kill -9 under load: {len(sessions)} sessions on r2 ended '
            f'({", ".join(whys)}); {lost} queries in flight there failed, '
            f'{cut} of them answers cut short; {int(result["answers"])} '
            f'answers in all; {int(result["connects"])} connections '
            f'opened again, {len(attempts)} of them failed before their '
            'prompt (on r2)')
        for name in others:
            r = cluster.replica(name)
            check(r.log.count(r'closing$') == 0,
                  f'{name} warned: {r.log.text()[-400:]}')

        # Nothing running: only the health checks can notice.
        mark = cluster.haproxy.log_mark()
        os.kill(cluster.replica('r3').daemon.pid, signal.SIGKILL)
        took = cluster.wait_status(TELNET, 'r3', 'DOWN', 10, poll=0.01)
        took_http = cluster.wait_status(HTTP, 'r3', 'DOWN', 10, poll=0.01)
        say(f'idle: the checks took r3 out {took:.3f} s after kill -9 '
            f'(HTTP: {took:.3f} + {took_http:.3f} s)')
        check(took <= TAKEN_OUT and took + took_http <= TAKEN_OUT,
              f'r3 still in after {took:.2f} s (HTTP {took_http:.2f} s)')
        cluster.haproxy.log.wait(r'charfinderd_telnet/r3 is DOWN, reason: '
                                 r'Layer4 connection problem', 5, mark)
        answer = cftest.query(cftest.LOOPBACK, cluster.telnet_port,
                              'registered')
        check(answer.endswith("1 match for 'registered'\r\n"),
              f'r1 alone: {answer!r}')
        cluster.stop()


cftest.main(test)
