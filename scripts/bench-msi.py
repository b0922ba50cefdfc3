#!/usr/bin/env python3
"""Instructions per MSI on the emulated path, stock QEMU against the series.

Runs QEMU under valgrind's callgrind with the qtest accelerator, has an edu
device send N compatibility-format MSIs (vector 0x30 to APIC ID 0), and
counts the instructions executed inside msi_notify() (callgrind
--toggle-collect), which covers the device's MSI trigger and the delivery
to the APIC.  Configurations: stock 10.2.2; the series with
msi-addr-hi-dest off (no hook); the series with it on (every MSI passes
through the x86 hook, which hands ordinary messages to the default path).

Not a test: it prints a table.

    bench-msi.py [N]        (default N = 20000)
"""

import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'abi'))
from guest_abi import Qemu  # noqa: E402

BUILD = os.path.join(HERE, '..', 'build')
EDU_BAR = 0xc0000000
EDU_DEV = 4


def cfg_addr(reg):
    return 0x80000000 | EDU_DEV << 11 | reg & 0xfc


def cfg_read(q, reg, size):
    q.qtest('outl 0xcf8 0x%x' % cfg_addr(reg))
    port = 0xcfc + (reg & 3)
    cmd = {1: 'inb', 2: 'inw', 4: 'inl'}[size]
    return int(q.qtest('%s 0x%x' % (cmd, port)), 16)


def cfg_write(q, reg, size, value):
    q.qtest('outl 0xcf8 0x%x' % cfg_addr(reg))
    port = 0xcfc + (reg & 3)
    cmd = {1: 'outb', 2: 'outw', 4: 'outl'}[size]
    q.qtest('%s 0x%x 0x%x' % (cmd, port, value))


def measure(binary, machine_opts, n, workdir):
    out = os.path.join(workdir, 'callgrind.out')
    wrapper = os.path.join(workdir, 'qemu-under-callgrind')
    with open(wrapper, 'w') as f:
        f.write('#!/bin/sh\nexec valgrind --tool=callgrind -q '
                '--toggle-collect=msi_notify '
                '--callgrind-out-file=%s %s "$@"\n' % (out, binary))
    os.chmod(wrapper, 0o755)
    q = Qemu(wrapper, ['-machine', 'q35' + machine_opts, '-m', '128M',
                       '-device', 'edu,addr=%x.0' % EDU_DEV], workdir,
             timeout=300)
    try:
        cfg_write(q, 0x10, 4, EDU_BAR)
        cfg_write(q, 0x04, 2, cfg_read(q, 0x04, 2) | 0x6)
        cap = cfg_read(q, 0x34, 1)
        while cap and cfg_read(q, cap, 1) != 0x05:
            cap = cfg_read(q, cap + 1, 1)
        assert cap, 'edu has no MSI capability'
        cfg_write(q, cap + 4, 4, 0xfee00000)
        cfg_write(q, cap + 8, 4, 0)
        cfg_write(q, cap + 12, 2, 0x4030)
        cfg_write(q, cap + 2, 2, cfg_read(q, cap + 2, 2) | 1)
        for _ in range(n):
            q.qtest('writel 0x%x 0x1' % (EDU_BAR + 0x60))
    finally:
        q.close()
    with open(out) as f:
        m = re.search(r'^(?:summary|totals): (\d+)', f.read(), re.M)
    return int(m.group(1)) / n


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    configs = [
        ('stock 10.2.2', os.path.join(BUILD, 'stock', 'obj'), ''),
        ('series, msi-addr-hi-dest=off', os.path.join(BUILD, 'series', 'obj'),
         ',msi-addr-hi-dest=off'),
        ('series, msi-addr-hi-dest=on', os.path.join(BUILD, 'series', 'obj'),
         ',msi-addr-hi-dest=on'),
    ]
    print('instructions per MSI inside msi_notify(), %d MSIs, '
          'callgrind, qtest accelerator, q35, edu\n' % n)
    base = None
    for label, obj, opts in configs:
        with tempfile.TemporaryDirectory() as workdir:
            per = measure(os.path.join(obj, 'qemu-system-x86_64'), opts, n,
                          workdir)
        base = base or per
        print('%-32s %8.1f  (%+.2f%%)' % (label, per, 100 * (per - base) / base))


if __name__ == '__main__':
    main()
