#!/usr/bin/env python3
"""Instructions per MSI on the emulated path, stock QEMU against the series.

Runs QEMU under valgrind's callgrind with the qtest accelerator and counts
the instructions executed inside msi_notify() or msix_notify()
(callgrind --toggle-collect): the device's message, its trigger and the
delivery to the APIC.  All runs use the same machine type, pc-q35-10.2
(stock has no 11.0), with vCPUs at APIC IDs 0, 1 and 0x101:

  MSI    edu, one MSI per write to its interrupt-raise register;
  MSI-X  a legacy virtio-balloon whose deflate queue has MSI-X vector 0:
         one used buffer, so one message, per queue notification.

Messages: the compatibility format to APIC ID 1 (vector 0x30), and the
format Windows uses for APIC ID 0x101 without an IOMMU (destination
bits 31:8 in address bits 55:32).  Builds: stock 10.2.2; the series with
msi-addr-hi-dest off; the series with it on.  Stock and the series with
the property off write the Windows format to RAM, so its row is held
against stock's cost of delivering the compatibility format.  Each run
checks that the message was delivered (the vector in the right local
APIC's IRR) or written to RAM, as the configuration says.

Not a test: it prints a table.

    bench-msi.py [N]        (default N = 5000 messages per run)
"""

import os
import re
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'abi'))
from guest_abi import Qemu, QtestPci, edu_msi_setup  # noqa: E402

BUILD = os.path.join(HERE, '..', 'build')
MACHINE = 'pc-q35-10.2'
CPUS = ['-cpu', 'qemu64,x2apic=on',
        '-smp', '2,sockets=3,cores=65,threads=1,maxcpus=195',
        '-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=1,thread-id=0']
VECTOR = 0x30
DATA = 0x4000 | VECTOR                  # fixed, edge, asserted
FORMATS = [
    # label, address, APIC ID
    ('compat to APIC 1', 0xfee01000, 1),
    ('Windows to APIC 0x101', 0x1fee01000, 0x101),
]

EDU_DEV, EDU_BAR = 4, 0xc0000000
BALLOON_DEV, BALLOON_IO, BALLOON_MSIX_BAR = 5, 0xc000, 0xc0100000
RING = 0x100000                         # legacy vring: 64 entries
RING_NUM = 64
PFN_BUF = 0x200000                      # one page number to deflate


def edu_setup(q, addr):
    """MSI to ADDR; returns the qtest lines that send one."""
    edu_msi_setup(q, EDU_DEV << 3, EDU_BAR, addr, DATA)
    return lambda i: ['writel 0x%x 0x1' % (EDU_BAR + 0x60)]


def balloon_setup(q, addr):
    """MSI-X vector 0 to ADDR on the deflate queue; the lines of one."""
    pci = QtestPci(q, BALLOON_DEV << 3)
    pci.write(0x10, 4, BALLOON_IO | 1)
    pci.write(0x14, 4, BALLOON_MSIX_BAR)
    pci.write(0x04, 2, pci.read(0x04, 2) | 0x7)
    cap = pci.cap(0x11)
    table = pci.read(cap + 4, 4)
    assert table & 7 == 1, 'MSI-X table not in BAR 1'
    pci.write(cap + 2, 2, pci.read(cap + 2, 2) | 0x8000)
    entry = BALLOON_MSIX_BAR + (table & ~7)
    q.qtest('writel 0x%x 0x%x' % (entry, addr & 0xffffffff))
    q.qtest('writel 0x%x 0x%x' % (entry + 4, addr >> 32))
    q.qtest('writel 0x%x 0x%x' % (entry + 8, DATA))
    q.qtest('writel 0x%x 0x0' % (entry + 12))
    # legacy virtio-pci: queue 1 (deflate) at RING, MSI-X vector 0
    io = BALLOON_IO
    q.qtest('outw 0x%x 0x1' % (io + 14))
    assert int(q.qtest('inw 0x%x' % (io + 12)), 16) >= RING_NUM
    q.qtest('outl 0x%x 0x%x' % (io + 8, RING >> 12))
    q.qtest('outw 0x%x 0x0' % (io + 22))
    assert int(q.qtest('inw 0x%x' % (io + 22)), 16) == 0
    q.qtest('outb 0x%x 0x7' % (io + 18))
    q.mem_write(PFN_BUF, struct.pack('<I', PFN_BUF >> 12))
    ring_num = int(q.qtest('inw 0x%x' % (io + 12)), 16)
    avail = RING + 16 * ring_num

    def one(i):
        slot = i % ring_num
        return ['writeq 0x%x 0x%x' % (RING + 16 * slot, PFN_BUF),
                'writeq 0x%x 0x%x' % (RING + 16 * slot + 8, 4),
                'writew 0x%x 0x%x' % (avail + 4 + 2 * slot, slot),
                'writew 0x%x 0x%x' % (avail + 2, (i + 1) & 0xffff),
                'outw 0x%x 0x1' % (io + 16)]
    return one


DEVICES = [
    ('MSI (edu)', 'msi_notify', ['-device', 'edu,addr=%x.0' % EDU_DEV],
     edu_setup),
    ('MSI-X (virtio)', 'msix_notify',
     ['-device', 'virtio-balloon-pci,disable-modern=on,addr=%x.0'
      % BALLOON_DEV], balloon_setup),
]


def irr_has(q, apic_id, vector):
    lapic = q.cmd('human-monitor-command',
                  **{'command-line': 'info lapic %d' % apic_id})
    m = re.search(r'^\s*IRR(.*)$', lapic, re.M)
    return bool(m) and str(vector) in m.group(1).split()


def measure(binary, opts, device, fmt, n, workdir):
    _, func, dev_args, setup = device
    _, addr, apic_id = fmt
    out = os.path.join(workdir, 'callgrind.out')
    wrapper = os.path.join(workdir, 'qemu-under-callgrind')
    with open(wrapper, 'w') as f:
        f.write('#!/bin/sh\nexec valgrind --tool=callgrind -q '
                '--toggle-collect=%s --callgrind-out-file=%s %s "$@"\n'
                % (func, out, binary))
    os.chmod(wrapper, 0o755)
    q = Qemu(wrapper, ['-machine', MACHINE + opts, '-m', '8G'] + CPUS +
             dev_args, workdir, timeout=600)
    try:
        one = setup(q, addr)
        for i in range(n):
            for line in one(i):
                q.qtest(line)
        delivered = irr_has(q, apic_id, VECTOR)
        ram = struct.unpack('<I', q.mem_read(addr, 4))[0] == DATA
    finally:
        q.close()
    assert delivered != ram, 'delivered %s, in RAM %s' % (delivered, ram)
    with open(out) as f:
        m = re.search(r'^(?:summary|totals): (\d+)', f.read(), re.M)
    return int(m.group(1)) / n, delivered


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    builds = [
        ('stock 10.2.2', os.path.join(BUILD, 'stock', 'obj'), ''),
        ('series, off', os.path.join(BUILD, 'series', 'obj'),
         ',msi-addr-hi-dest=off'),
        ('series, on', os.path.join(BUILD, 'series', 'obj'),
         ',msi-addr-hi-dest=on'),
    ]
    print('Instructions per message inside msi_notify()/msix_notify(), '
          '%d messages a run,\ncallgrind, qtest accelerator, %s; '
          '"RAM": written to memory, not delivered.\n' % (n, MACHINE))
    print('%-16s %-22s' % ('', '') +
          ''.join('%22s' % b[0] for b in builds))
    worse = 0
    for device in DEVICES:
        stock_compat = None
        for fmt in FORMATS:
            cells = []
            for label, obj, opts in builds:
                with tempfile.TemporaryDirectory() as workdir:
                    per, delivered = measure(
                        os.path.join(obj, 'qemu-system-x86_64'), opts,
                        device, fmt, n, workdir)
                if stock_compat is None:
                    stock_compat = per
                diff = 100 * (per - stock_compat) / stock_compat
                if label != builds[0][0] and diff > 0:
                    worse += 1
                cells.append('%7.1f %-4s (%+.1f%%)' %
                             (per, '' if delivered else 'RAM', diff))
            print('%-16s %-22s' % (device[0], fmt[0]) +
                  ''.join('%22s' % c for c in cells))
    print('\nPercentages against stock delivering the compatibility format '
          'with the same device.')
    print('Series cells above stock: %d' % worse)


if __name__ == '__main__':
    main()
