#!/usr/bin/env python3
"""Show the guest memory map around the AMD HT hole for an 1100 GiB guest
with an AMD vCPU: the 10.2 layout (relocate, as stock) against the 11.0 one
(split), side by side, read from the E820 table QEMU gives firmware, and the
phys-bits each needs.  Usage: demo-ht-hole.py QEMU
"""

import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests',
                                'abi'))
import guest_abi  # noqa: E402

TYPES = {1: 'RAM', 2: 'reserved'}


def e820(qemu, machine, cpu):
    """The E820 table of an 1100 GiB guest, as lines, and the phys-bits its
    highest RAM address needs"""
    args = ['-machine', machine, '-cpu', cpu, '-m', '1100G',
            '-object', 'memory-backend-file,id=ram0,size=1100G,'
            'mem-path=@RAMDIR@,share=on,reserve=off',
            '-machine', 'memory-backend=ram0']
    with tempfile.TemporaryDirectory() as d:
        try:
            guest_abi.dump(qemu, args, d)
        except guest_abi.QemuError as e:
            return ['refused: %s' % e], '-'
        with open(os.path.join(d, 'fw_cfg', 'etc', 'e820'), 'rb') as f:
            data = f.read()
    entries = sorted(struct.unpack('<QQI', data[i:i + 20])
                     for i in range(0, len(data), 20))
    lines = ['%-8s %4d - %4d GiB' % (TYPES.get(kind, kind), base >> 30,
                                    (base + size) >> 30)
             for base, size, kind in entries]
    top = max(base + size for base, size, _ in entries)
    return lines, '%d (highest RAM address %#x)' % ((top - 1).bit_length(),
                                                    top - 1)


def main():
    qemu = sys.argv[1]
    cols = [e820(qemu, machine, cpu) for machine, cpu in (
        ('pc-q35-10.2', 'EPYC,phys-bits=42'),
        ('pc-q35-11.0', 'EPYC,phys-bits=41'))]
    print('  %-22s  %-32s  %s' % ('', 'pc-q35-10.2 (as stock)',
                                  'pc-q35-11.0 (series)'))
    print('  %-22s  %-32s  %s' % ('', 'relocate', 'split'))
    rows = max(len(c[0]) for c in cols)
    for i in range(rows):
        print('  %-22s  %-32s  %s' % ('E820' if i == 0 else '',
                                      *(c[0][i] if i < len(c[0]) else ''
                                        for c in cols)))
    print('  %-22s  %-32s  %s' % ('phys-bits it needs', cols[0][1].split()[0],
                                  cols[1][1].split()[0]))
    print('  %-22s  %-32s  %s' % ('highest RAM address',
                                  cols[0][1].split()[-1].rstrip(')'),
                                  cols[1][1].split()[-1].rstrip(')')))


if __name__ == '__main__':
    main()
