"""5,000 clients connected at once, each answered."""
import cftest
from cftest import Client, check

CLIENTS = 5000


def test(charfinderd, rclient):
    # rclient and the daemon each hold one descriptor per client.
    cftest.raise_fd_limit(CLIENTS + 1000)
    with cftest.Daemon.local(charfinderd,
                             *cftest.ONE_ADDRESS) as daemon:
        base = daemon.fds()
        out = cftest.run_rclient(rclient, 'crowd', daemon.port, timeout=100,
                                 clients=CLIENTS, query='chess black',
                                 expect="35 matches for 'chess black'")
        check(f'{CLIENTS} answered, 0 failed' in out,
              'not every client was answered')
        # All gone: so are their connections.
        left = daemon.wait_fds(base, 10)
        check(left == base, f'{left - base} descriptors still open after '
              f'the clients left')
        client = Client(daemon.port)
        client.prompt()
        cftest.check_chess(client)
        client.close()
        daemon.stop()


cftest.main(test)
