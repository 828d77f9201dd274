"""Throughput through HAProxy next to direct: the light mix (closed loop,
48 connections, one query in flight each) and the heavy mix (6
connections), against one replica directly, against the three replicas
directly, and through HAProxy in front of the three.  Every run is three
load generators at once, each with a third of the connections (one would
be the bottleneck), each to its own replica in the second case.  The runs
take turns; a figure is the median over the rounds.  As a test (the
default: one short round) it fails only on a wrong answer or an error,
never on a number.

    throughput.py CHARFINDERD LOADGEN [--seconds S] [--rounds N]

README's "Running more than one" quotes --seconds 5 --rounds 5.
"""
import os
import re
import statistics
import subprocess
import tempfile

import cftest
from cftest import check, say
from cluster import Cluster

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(os.path.dirname(HERE), 'bench')
MIXES = {'light': (os.path.join(BENCH, 'light.txt'), 48),
         'heavy': (os.path.join(BENCH, 'heavy.txt'), 6)}
SOURCE = '127.0.0.2'	# not 127.0.0.1: the replicas trust that one
# Above the servers, as tests/bench/run does (needs root; else as is).
NICE = ['nice', '-n', '-10']


def cpu(procs):
    return sum(cftest.cpu_seconds(p.pid) for p in procs)


def loadgen_runs(loadgen, ports, queries, connections, seconds):
    """Run a loadgen per port (the same port may come more than once) at
    once, the connections split between them;
    (queries/s, MB/s, answers) summed over them."""
    procs = []
    for i, port in enumerate(ports):
        n = connections // len(ports) + (i < connections % len(ports))
        argv = [*NICE, loadgen, '--port', str(port), '--queries', queries,
                '--connections', str(n), '--duration', str(seconds),
                '--source', SOURCE]
        procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT))
    qps = mbps = answers = 0.0
    for p in procs:
        out = p.communicate(timeout=seconds + 60)[0].decode()
        check(p.returncode == 0, f'loadgen: {out}')
        m = re.search(r'^RESULT .*answers=(\d+) qps=([\d.]+) .*'
                      r'mbps=([\d.]+) .*errors=(\d+)', out, re.MULTILINE)
        check(m, f'no RESULT from loadgen: {out}')
        check(int(m.group(4)) == 0, f'errors: {out}')
        answers += int(m.group(1))
        qps += float(m.group(2))
        mbps += float(m.group(3))
    return qps, mbps, answers


def test(charfinderd, loadgen, *options):
    opts = dict(zip(options[::2], options[1::2]))
    seconds = float(opts.get('--seconds', 1.5))
    rounds = int(opts.get('--rounds', 1))
    with tempfile.TemporaryDirectory() as tmp, \
            Cluster(charfinderd, tmp) as cluster:
        # Where each of the three load generators connects.
        targets = {
            'one replica, direct': [cluster.replicas[0].port] * 3,
            'three replicas, direct': [r.port for r in cluster.replicas],
            'three replicas through HAProxy': [cluster.telnet_port] * 3,
        }
        results = {(t, m): [] for t in targets for m in MIXES}
        for i in range(rounds):
            for mix, (queries, connections) in MIXES.items():
                for target, ports in targets.items():
                    replicas = cpu(r.daemon.proc for r in cluster.replicas)
                    haproxy = cpu([cluster.haproxy.proc])
                    qps, mbps, answers = loadgen_runs(
                        loadgen, ports, queries, connections, seconds)
                    # CPU per answer, microseconds.
                    replicas = (cpu(r.daemon.proc for r in cluster.replicas)
                                - replicas) / answers * 1e6
                    haproxy = (cpu([cluster.haproxy.proc]) - haproxy) \
                        / answers * 1e6
                    results[(target, mix)].append((qps, mbps, replicas,
                                                   haproxy))
                    say(f'round {i + 1}, {mix}, {target}: {qps:,.0f} '
                        f'queries/s, {mbps:,.1f} MB/s; CPU per query: '
                        f'replicas {replicas:.1f} us, HAProxy '
                        f'{haproxy:.1f} us')
        say(f'\nmedian of {rounds} round(s) of {seconds} s, '
            f'{os.cpu_count()} CPUs:')
        say('| | light mix: queries/s | CPU per query, replicas / '
            'HAProxy (µs) | heavy mix: MB/s |')
        say('|---|---:|---:|---:|')
        for target in targets:
            light = results[(target, 'light')]
            heavy = results[(target, 'heavy')]
            say(f'| {target} '
                f'| {statistics.median(r[0] for r in light):,.0f} '
                f'| {statistics.median(r[2] for r in light):.1f} / '
                f'{statistics.median(r[3] for r in light):.1f} '
                f'| {statistics.median(r[1] for r in heavy):,.0f} |')
        cluster.stop()


cftest.main(test)
