"""100 clients reset the connection mid-answer: afterwards the daemon's
descriptors are back to the baseline, and it logged nothing (resets are
debug lines only)."""
import cftest
from cftest import Client, check

CLIENTS = 100
READ_BEFORE_RESET = 64 * 1024


def test(charfinderd, rclient):
    with cftest.Daemon.local(charfinderd, *cftest.ONE_ADDRESS) as d:
        base = d.fds()
        mark = d.log_mark()
        cftest.run_rclient(rclient, 'resets', d.port, clients=CLIENTS,
                           query='cjk', bytes=READ_BEFORE_RESET)
        left = d.wait_fds(base, 5)
        cftest.say(f'descriptors: {base} before, {left} after the resets')
        check(left == base, f'{left - base} descriptors left open')
        check(d.log_count('', since=mark) == 0,
              'resets were logged at the default verbosity')
        client = Client(d.port)
        client.prompt()
        cftest.check_chess(client)
        client.close()
        d.stop()


cftest.main(test)
