"""cf_repr() against Python's own repr(), for every code point that both
know: an oracle that shares nothing with the code under test.  Code points
that ICU assigns in a Unicode version newer than Python's are skipped
(Python sees them unassigned, so not printable)."""
import subprocess
import unicodedata

import cftest
from cftest import check


def test(repr_all):
    python_version = tuple(map(int, unicodedata.unidata_version.split('.')))
    out = subprocess.run([repr_all], check=True, stdout=subprocess.PIPE)
    compared = skipped = 0
    for line in out.stdout.decode('utf-8').split('\n')[:-1]:
        code, age, quoted = line.split(' ', 2)
        cp = int(code, 16)
        major, minor = map(int, age.split('.')[:2])
        if (major, minor) > python_version:
            skipped += 1
            continue
        want = repr(chr(cp))
        check(quoted == want, f'U+{cp:04X}: {quoted} where Python says {want}')
        compared += 1
    cftest.say(f'{compared} code points as Python quotes them (Unicode '
               f'{unicodedata.unidata_version}); {skipped} newer skipped')
    check(compared > 1000000, f'only {compared} code points compared')


cftest.main(test)
