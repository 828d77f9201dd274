#!/usr/bin/env python3
"""run_robustness: one robustness script, unchanged, against the daemon
that systemd runs in the sandbox: cftest.Daemon becomes ServiceDaemon
before the script runs.  Run it in the container's network.
Usage: run_robustness.py SCRIPT.py RCLIENT   ($CHARFINDERD_SANDBOX_PID1 set)
"""
import os
import runpy
import sys

sys.dont_write_bytecode = True
script, rclient = sys.argv[1:3]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(os.path.abspath(script)), HERE,
                os.path.join(HERE, '..', '..', 'lib')]

import cftest  # noqa: E402  (tests/lib)
from service_daemon import ServiceDaemon  # noqa: E402

cftest.Daemon = ServiceDaemon
sys.argv = [script, '/usr/sbin/charfinderd', rclient]
runpy.run_path(script, run_name='__main__')
