"""A burst of 1,000 connections that arrive while the daemon cannot accept
(SIGSTOP): the kernel queues them all (the listen backlog is 4096), and
each is served once the daemon goes on (SIGCONT).  A short backlog drops
handshakes; with SYN cookies such a client believes it is connected and
waits for a prompt that never comes."""
import signal
import time

import cftest

CLIENTS = 1000


def test(charfinderd, rclient):
    cftest.raise_fd_limit(CLIENTS + 1000)
    with cftest.Daemon.local(charfinderd, *cftest.ONE_ADDRESS) as d:
        d.proc.send_signal(signal.SIGSTOP)
        try:
            burst = cftest.start_rclient(rclient, 'crowd', d.port,
                                         clients=CLIENTS, timeout=30,
                                         query='chess black',
                                         expect="35 matches for "
                                         "'chess black'")
            time.sleep(2)  # every handshake done or dropped by now
        finally:
            d.proc.send_signal(signal.SIGCONT)
        cftest.wait_rclient(burst, 40)
        d.stop()


cftest.main(test)
