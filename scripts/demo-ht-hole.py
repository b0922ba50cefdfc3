#!/usr/bin/env python3
"""Show the guest memory map around the AMD HT hole for an 1100 GiB guest
with an AMD vCPU: the 10.2 layout (relocate) against the 11.0 one (split),
read from the E820 table QEMU gives firmware.  Usage: demo-ht-hole.py QEMU
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
    args = ['-machine', machine, '-cpu', cpu, '-m', '1100G',
            '-object', 'memory-backend-file,id=ram0,size=1100G,'
            'mem-path=@RAMDIR@,share=on,reserve=off',
            '-machine', 'memory-backend=ram0']
    with tempfile.TemporaryDirectory() as d:
        try:
            guest_abi.dump(qemu, args, d)
        except guest_abi.QemuError as e:
            return ['refused: %s' % e]
        with open(os.path.join(d, 'fw_cfg', 'etc', 'e820'), 'rb') as f:
            data = f.read()
    rows = []
    for i in range(0, len(data), 20):
        base, size, kind = struct.unpack('<QQI', data[i:i + 20])
        rows.append((base, '%-8s %#015x-%#015x  (%d GiB)'
                     % (TYPES.get(kind, kind), base, base + size - 1,
                        size >> 30)))
    top = max(b + s for b, s, _ in (struct.unpack('<QQI', data[i:i + 20])
                                    for i in range(0, len(data), 20)))
    return [r for _, r in sorted(rows)] + [
        'highest RAM address %#x: needs %d phys-bits without PCI'
        % (top - 1, (top - 1).bit_length())]


def main():
    qemu = sys.argv[1]
    for title, machine, cpu in (
            ('pc-q35-10.2 (relocate, as stock)', 'pc-q35-10.2',
             'EPYC,phys-bits=42'),
            ('pc-q35-11.0 (split)', 'pc-q35-11.0', 'EPYC,phys-bits=41')):
        print('  %s, -cpu %s -m 1100G:' % (title, cpu))
        for line in e820(qemu, machine, cpu):
            print('    ' + line)


if __name__ == '__main__':
    main()
