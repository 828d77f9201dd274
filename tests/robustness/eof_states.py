"""End of input in every state of the line decoder.

decoder_states (built from the decoder's own code) gives, for each state
the decoder can be left in, the shortest input that leaves it there: half a
line, half an IAC sequence, inside a subnegotiation, after a CR, while an
overlong line is dropped, ...  Each input is sent on a connection of its
own, then the client shuts down its side.  The daemon must answer what is
complete and close the connection within a second, and then use no CPU:
nothing may wait for input that cannot come (the seed's spin, and the
subnegotiation spin of issue 10)."""
import socket
import subprocess
import time

import cftest
from cftest import Client, check

MAX_LINE = 16			# the smallest --max-line: short inputs overflow
CLOSE_WITHIN = 1.0		# seconds
CPU_WATCH = 1.0			# seconds after the close
CPU_MAX = 0.05


def states(decoder_states):
    out = subprocess.run([decoder_states, str(MAX_LINE)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return [(bytes.fromhex(hexed), name) for hexed, name in
            (line.split('\t') for line in out.splitlines())]


def closes(d, data, name):
    """Send data and the end of input; the daemon must close and rest."""
    client = Client(d.port)
    client.prompt()
    client.send(data)
    client.sock.shutdown(socket.SHUT_WR)
    began = time.monotonic()
    answer = client.read_to_eof(CLOSE_WITHIN)
    took = time.monotonic() - began
    client.close()
    before = d.cpu_seconds()
    time.sleep(CPU_WATCH)
    cpu = d.cpu_seconds() - before
    cftest.say(f'{name}: {data!r} -> {answer[:60]!r}, closed in '
               f'{took * 1000:.0f} ms, then {cpu:.3f} s of CPU')
    check(cpu <= CPU_MAX, f'{name}: {cpu:.2f} s of CPU in {CPU_WATCH} s '
          f'after the client left')
    return answer


def test(charfinderd, decoder_states):
    found = states(decoder_states)
    cftest.say(f'{len(found)} decoder states')
    check(len(found) >= 10, f'only {len(found)} decoder states found')
    with cftest.Daemon.local(charfinderd, '--max-line', str(MAX_LINE),
                             '--threads', '1') as d:
        for data, name in found:
            answer = closes(d, data, name)
            # Half a line is answered as the last line, then the close.
            if 'line begun' in name:
                check(answer.endswith(b'?> '),
                      f'{name}: the last line was not answered')
        # The case issue 10 found, with a subnegotiation of 23 bytes.
        closes(d, b'abc\xff\xfa\x18' + b'x' * 23, 'issue 10')
        d.stop()


cftest.main(test)
