#!/usr/bin/env python3
"""Level-triggered I/O APIC interrupts whose EOIs exit to QEMU, many times.

Under KVM with kernel-irqchip=split, the I/O APIC is QEMU's and the local
APICs are KVM's: when a vCPU EOIs a vector that an I/O APIC route
delivered level-triggered, KVM exits (KVM_EXIT_IOAPIC_EOI) and QEMU
broadcasts the EOI to its I/O APIC, which clears the pin's Remote-IRR and
delivers the pin again if it is still asserted.  The guest
(tests/guest/intx-eoi.sh) reads a virtio-rng without MSI-X, whose
interrupt is INTx on a level-triggered pin, 400 times on CPU 0 while CPU 1
spins: every read must complete, each with its interrupt.  This is the
path that the fixes series' "i386/kvm: take the BQL for
KVM_EXIT_IOAPIC_EOI" changes; the test shows that it runs under KVM and
delivers, not the race the lock closes, which no guest can trigger
reliably.  Under TCG the EOI is QEMU's own APIC's.  q35 and i440fx,
11.0 and 10.2; stock 10.2.2 (STOCK_QEMU) for comparison.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import (ACCEL, INITRD, KERNEL, for_comparison,  # noqa: E402
                   prepare, run_guest_test, verdict)

READS = 400


def run(binary, machine, workdir, name):
    """Boot the guest; return a list of problems"""
    args = (['-machine', machine] + ACCEL +
            ['-smp', '2', '-m', '512M',
             '-device', 'virtio-rng-pci,vectors=0',
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet lg.test=intx-eoi'])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'intx-eoi', 300)
    if out is None:
        return ['the guest did not run its test']
    intx = re.search(r'^intx: (.*)$', out, re.M).group(1)
    got = int(re.search(r'^reads: (\d+) bytes$', out, re.M).group(1))
    irqs = int(re.search(r'^irqs: (\d+)$', out, re.M).group(1))
    print('  %s (%.0f s): line %s; %d of %d bytes read; %d interrupts' %
          (name, time.time() - t0, intx, got, READS * 64, irqs))
    bad = []
    if 'IO-APIC' not in intx or 'fasteoi' not in intx:
        bad.append('the device does not interrupt through a '
                   'level-triggered I/O APIC pin: %s' % intx)
    if got != READS * 64:
        bad.append('%d of %d bytes read' % (got, READS * 64))
    if irqs < READS:
        bad.append('%d interrupts for %d reads' % (irqs, READS))
    return bad


def main():
    qemu = os.environ['QEMU']
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, machine in [('series-q35-11.0', 'pc-q35-11.0'),
                              ('series-q35-10.2', 'pc-q35-10.2'),
                              ('series-i440fx-11.0', 'pc-i440fx-11.0')]:
            failed += ['%s: %s' % (name, p) for p in
                       run(qemu, machine, workdir, name)]
        for_comparison('stock-q35-10.2', lambda stock: run(
            stock, 'pc-q35-10.2', workdir, 'stock-q35-10.2'))
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
