#!/usr/bin/env python3
"""The KVM tier: MSIs of devices outside any IOMMU, under KVM, reach a vCPU
with an APIC ID above 255 on every path that hands them to KVM.

Runs only where the accelerator probe (tests/lib/accel-probe.sh) boots a
guest under KVM; elsewhere it prints "skipped: no working KVM" and why.
TCG cannot run it: it offers no 15-bit extension, so Linux brings up no
vCPU above APIC ID 255 without interrupt remapping, and with remapping
Linux gives a device outside the DMAR units no MSI at all.  Under TCG the
same guest script runs with the destination APIC ID 1 instead (where
every format is the compatibility one), which shows its mechanics (the
MSI-X entry found, masked, rewritten and unmasked while an iothread
serves the queue; the vectors found in the kernel log) but nothing of
KVM.  The Windows configuration (windows-config-guest) and 288 vCPUs
(many-vcpus-guest) run under KVM by the same probe.

The guest: q35, kernel-irqchip=split, no IOMMU, kvm-msi-ext-dest-id, a
vCPU with APIC ID 256 (socket 2 of a sparse 3 x 65-core topology), an edu,
a virtio-rng and a virtio-blk served by an iothread (so through a KVM MSI
route and irqfd).  tests/guest/kvm-msi.sh checks:
  (a) virtio-rng's MSI-X, moved by Linux to APIC ID 256, counted there
      (15-bit format, the APIC MMIO region, KVM_SIGNAL_MSI);
  (b) an edu MSI in the 15-bit format, vector 0xb2, taken by APIC 256;
  (c) an edu MSI in Windows' format, vector 0xb0, taken by APIC 256;
  (d) virtio-blk's queue MSI-X entry rewritten in Windows' format (mask,
      write, unmask), vector 0xb1, then a read: taken by APIC 256;
  (e) after (d), virtio-rng's interrupts still counted on APIC 256, and
      the same entry rewritten in the 15-bit format, vector 0xb3, then a
      read: taken by APIC 256.
The series on pc-q35-11.0 must pass all five; on pc-q35-10.2, (a), (b)
and (e), and neither (c) nor (d), which are not delivered: KVM refuses
(d)'s route, which becomes one to no CPU, and QEMU runs on.  Stock 10.2.2
(STOCK_QEMU) on pc-q35-10.2 is shown for comparison and must not deliver
(c) or (d); it aborts at (d), when KVM refuses the route, and the test
prints the assertion.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import (ACCEL, ACCEL_NAME, INITRD, KERNEL, KVM,  # noqa: E402
                   KVM_CPUS, apic_ids, irqfd_blk, prepare,
                   run_guest_test, verdict)

VECTORS = {'b': 0xb2, 'c': 0xb0, 'd': 0xb1, 'e': 0xb3}


TCG_CPUS = ['-cpu', 'qemu64', '-smp', '2']


def run(binary, machine, cpus, dest, workdir, name):
    """Boot the guest; return (APIC ID by CPU, (a)'s count on APIC DEST,
    APIC ID that took each part's vector, the count after (d)), or None,
    with QEMU's last message"""
    args = (['-machine', machine] + ACCEL + cpus +
            ['-m', '1G', '-device', 'virtio-rng-pci', '-device', 'edu'] +
            irqfd_blk(workdir) +
            ['-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet iomem=relaxed '
                        'lg.test=kvm-msi lg.dest=%d' % dest])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'kvm-msi')
    if out is None:
        return None
    apic = apic_ids(out)
    a, a2 = (sum(int(n) for c, n in re.findall(r'^%s: (\d+) (\d+)$' % k,
                                              out, re.M)
                 if apic.get(int(c)) == dest) for k in ('a', 'a2'))
    took = {}
    for cpu, vec in re.findall(r'^took: (\d+)\.(\d+)$', out, re.M):
        for part, v in VECTORS.items():
            if int(vec) == v:
                took[part] = apic.get(int(cpu))
    print('  %s (%.0f s): cpus %s; (a) %d interrupts on APIC %d; '
          'taken by APIC ID: (b) %s, (c) %s, (d) %s, (e) %s; '
          '(a) after (d) %d' %
          (name, time.time() - t0,
           ' '.join('%d=apic %d' % kv for kv in sorted(apic.items())), a, dest,
           took.get('b'), took.get('c'), took.get('d'), took.get('e'), a2))
    return apic, a, took, a2


def problems(found, windows, dest=256):
    """What is wrong with FOUND; WINDOWS: whether (c) and (d) must arrive"""
    if found is None:
        return ['the guest did not run its test']
    apic, a, took, a2 = found
    bad = []
    if dest not in apic.values():
        bad.append('the vCPU with APIC ID %d is not online' % dest)
    if a == 0:
        bad.append('(a) no virtio-rng interrupt on APIC ID %d' % dest)
    if took.get('b') != dest:
        bad.append('(b) the 15-bit edu MSI did not arrive on APIC ID %d' %
                   dest)
    if took.get('e') != dest:
        bad.append('(e) the 15-bit virtio-blk MSI-X after (d) did not '
                   'arrive on APIC ID %d' % dest)
    if a2 <= a:
        bad.append('(e) no virtio-rng interrupt on APIC ID %d after (d)' %
                   dest)
    for part, what in (('c', 'Windows-format edu MSI'),
                       ('d', 'Windows-format virtio-blk MSI-X (irqfd)')):
        if windows and took.get(part) != dest:
            bad.append('(%s) the %s did not arrive on APIC ID %d' %
                       (part, what, dest))
        if not windows and part in took:
            bad.append('(%s) the %s was delivered' % (part, what))
    return bad


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        if not KVM:
            print('no KVM here (accelerator: %s): the guest script\'s '
                  'mechanics only, under TCG, APIC ID 1:' % ACCEL_NAME)
            found = run(qemu, 'pc-q35-11.0', TCG_CPUS, 1, workdir,
                        'series-11.0-tcg-apic-1')
            failed += ['tcg: %s' % p for p in problems(found, True, 1)]
            return verdict(failed)
        for name, machine, windows in [('series-11.0', 'pc-q35-11.0', True),
                                       ('series-10.2', 'pc-q35-10.2', False)]:
            found = run(qemu, machine, KVM_CPUS, 256, workdir, name)
            failed += ['%s: %s' % (name, p) for p in
                       problems(found, windows)]
        if stock and os.access(stock, os.X_OK):
            # (d) may end stock's run: with the x2APIC API, KVM refuses
            # the route and kvm_irqchip_commit_routes() aborts
            found = run(stock, 'pc-q35-10.2', KVM_CPUS, 256, workdir,
                        'stock-10.2')
            bad = problems(found, False)
            print('  stock-10.2, for comparison: %s' %
                  ('; '.join(bad) if bad else 'passes (a) and (b) only'))
            if found and set(found[2]) & {'c', 'd'}:
                failed.append('stock-10.2 delivered a Windows-format message')
            if not bad:
                failed.append('stock-10.2 passes: the test does not show '
                              'the fix')
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
