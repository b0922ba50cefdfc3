#!/usr/bin/env python3
"""Compare amd-ht-hole=relocate and amd-ht-hole=split on large guests.

For each memory configuration, start QEMU (q35 11.0, an AMD vCPU with
48 phys-bits so nothing is refused, a memory backend with reserve=off so no
RAM is needed) under the qtest accelerator, and read back from it what a
guest would be given:

  high RAM    the E820 RAM entries above 4 GiB (fw_cfg etc/e820)
  top         the end of the address space in use: E820, the fw_cfg file
              etc/reserved-memory-end and the host bridge's pci-hole64-end
  bits        the phys-bits that address needs
  start       seconds from starting QEMU to its QMP monitor answering

Not a test: it prints a table, for the docs and for reviewers.

    bench-ht-hole.py [QEMU]     (default: the series build)
"""

import os
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'abi'))
from guest_abi import Qemu, QemuError, FW_CFG_FILE_DIR  # noqa: E402

GiB = 1 << 30
CASES = [('-m 1000G', 1000, None), ('-m 1012G', 1012, None),
         ('-m 1013G', 1013, None), ('-m 1100G', 1100, None),
         ('-m 2048G', 2048, None), ('-m 4096G', 4096, None),
         ('-m 4G,maxmem=1100G', 4, 1100)]
MODES = ('relocate', 'split')


def fw_cfg_files(q):
    count = struct.unpack('>I', q.fw_cfg_read(FW_CFG_FILE_DIR, 4))[0]
    d = q.fw_cfg_read(FW_CFG_FILE_DIR, 4 + 64 * count)[4:]
    files = {}
    for i in range(count):
        size, select, _, name = struct.unpack('>IHH56s', d[64 * i:64 * i + 64])
        files[name.rstrip(b'\0').decode()] = (select, size)
    return files


def probe(binary, mode, ram_gib, maxmem_gib, workdir):
    args = ['-machine', 'q35,amd-ht-hole=%s,memory-backend=ram' % mode,
            '-cpu', 'EPYC,phys-bits=48',
            '-object', 'memory-backend-ram,id=ram,size=%dG,reserve=off'
            % ram_gib]
    if maxmem_gib:
        args += ['-m', '%dG,slots=1,maxmem=%dG' % (ram_gib, maxmem_gib)]
    else:
        args += ['-m', '%dG' % ram_gib]
    start = time.monotonic()
    q = Qemu(binary, args, workdir)
    elapsed = time.monotonic() - start
    try:
        files = fw_cfg_files(q)
        select, size = files['etc/e820']
        e820 = q.fw_cfg_read(select, size)
        entries = [struct.unpack('<QQI', e820[i:i + 20])
                   for i in range(0, len(e820), 20)]
        top = max(addr + length for addr, length, _ in entries)
        if 'etc/reserved-memory-end' in files:
            select, size = files['etc/reserved-memory-end']
            top = max(top, struct.unpack('<Q', q.fw_cfg_read(select, 8))[0])
        top = max(top, q.cmd('qom-get', path='/machine/q35',
                             property='pci-hole64-end'))
        high = ['%s-%s' % (gib(a), gib(a + n)) for a, n, t in entries
                if t == 1 and a >= 4 * GiB]
    finally:
        q.close()
    return ' '.join(high) or '-', top, (top - 1).bit_length(), elapsed


def gib(addr):
    return '%g' % (addr / GiB)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, '..', 'build', 'series', 'obj', 'qemu-system-x86_64')
    print('q35 11.0, -cpu EPYC,phys-bits=48; addresses in GiB; '
          'top = end of the address space in use\n')
    fmt = '%-20s %-9s %-21s %8s %5s %7s'
    print(fmt % ('memory', 'layout', 'high RAM', 'top', 'bits', 'start'))
    for label, ram, maxmem in CASES:
        for mode in MODES:
            with tempfile.TemporaryDirectory() as workdir:
                try:
                    high, top, bits, secs = probe(binary, mode, ram, maxmem,
                                                  workdir)
                except QemuError as e:
                    print(fmt % (label, mode, 'error: %s' % e, '', '', ''))
                    continue
            print(fmt % (label, mode, high, gib(top), bits,
                         '%.2f s' % secs))


if __name__ == '__main__':
    main()
