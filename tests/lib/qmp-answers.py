#!/usr/bin/env python3
"""Whether a QEMU answers on its QMP socket: exit 0 if query-status gets a
reply within SECONDS, else 1 (and say why).

    qmp-answers.py SOCKET [SECONDS]

nested-kvm.sh asks it of L0 when a run passes its deadline, to tell an L0
that stopped answering (its main loop stuck) from a slow or stuck L1.
"""

import json
import socket
import sys


def main():
    path = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(seconds)
        s.connect(path)
        f = s.makefile('rw')
        json.loads(f.readline())                       # the greeting
        for cmd in ('qmp_capabilities', 'query-status'):
            f.write(json.dumps({'execute': cmd}) + '\n')
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if 'event' not in reply:
                    break
        print('L0 answers: %s' % reply.get('return', reply))
        return 0
    except (OSError, ValueError) as e:
        print('L0 does not answer on QMP within %g s: %s' % (seconds, e))
        return 1


if __name__ == '__main__':
    sys.exit(main())
