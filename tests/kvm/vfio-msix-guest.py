#!/usr/bin/env python3
"""An assigned device's MSI-X in Windows' format, under KVM (the KVM stage).

L1, the Linux host, binds the e1000e that L0 gives it (behind L0's AMD
IOMMU) to vfio-pci; L2 runs the series under L1's KVM with the device
assigned, kernel-irqchip=split, kvm-msi-ext-dest-id and a vCPU with APIC ID
256.  VFIO delivers the device's MSI-X through irqfds and KVM routes that
QEMU sets from the guest's table.  The guest (tests/guest/vfio-msix.sh)
rewrites the "other" vector's entry in Windows' format (vector 0xb4, APIC
ID 256) and raises the cause, then in the compatibility format (0xb5,
APIC ID 0) and raises it again.

- pc-q35-11.0 (msi-addr-hi-dest on): 0xb4 arrives on APIC ID 256 and
  0xb5 on APIC ID 0;
- pc-q35-10.2: 0xb4 is not delivered, and neither is the "other" vector
  that the entry held before (a refused route update must not leave the
  previous route delivering), QEMU runs on, and 0xb5 arrives on APIC 0;
- stock 10.2.2 on pc-q35-10.2, for comparison: KVM refuses the route and
  QEMU aborts.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.  Run in L1
by tests/check.sh's KVM stage; where no device can be assigned it exits
with 77 (skipped), saying why.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import (ACCEL, INITRD, KERNEL, KVM_CPUS,  # noqa: E402
                   apic_ids, for_comparison, prepare, run_guest_test,
                   verdict)
import vfio  # noqa: E402


def run(binary, machine, host, workdir, name):
    """Boot the guest; return its findings, or None, saying why"""
    args = (['-machine', machine] + ACCEL + KVM_CPUS +
            ['-m', '512M', '-device', 'vfio-pci,host=' + host,
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet iomem=relaxed lg.test=vfio-msix'])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'vfio-msix')
    if out is None:
        return None
    apic = apic_ids(out)
    nic = re.search(r'^nic: (.*)$', out, re.M)
    other = dict(re.findall(r'^other: (\w+) (\d+)$', out, re.M))
    took = {}
    for cpu, vec in re.findall(r'^took: (\d+)\.(\d+)$', out, re.M):
        took[int(vec)] = apic.get(int(cpu))
    print('  %s (%.0f s): %s; cpus %s; "other" interrupts %s; vectors taken '
          '(by APIC ID): %s' %
          (name, time.time() - t0, nic.group(1) if nic else 'no e1000e',
           ' '.join('%d=apic %d' % kv for kv in sorted(apic.items())),
           other, ' '.join('0x%x=%s' % kv for kv in sorted(took.items()))
           or 'none'))
    return {'took': took, 'other': {k: int(v) for k, v in other.items()}}


def problems(found, windows):
    if found is None:
        return ['the guest did not run its test']
    took, other = found['took'], found['other']
    bad = []
    if not {'before', 'linux', 'windows'} <= set(other):
        return ['the guest did not count the "other" interrupts: %s' % other]
    if other['linux'] <= other['before']:
        bad.append('the cause raised through Linux\'s own entry did not '
                   'interrupt (%s)' % other)
    if windows and took.get(0xb4) != 256:
        bad.append('the Windows-format message did not arrive on APIC 256')
    if not windows and 0xb4 in took:
        bad.append('the Windows-format message was delivered')
    if other['windows'] != other['linux']:
        bad.append('the entry\'s previous route still delivered after the '
                   'Windows-format write (%s)' % other)
    if took.get(0xb5) != 0:
        bad.append('the compatibility-format message did not arrive on '
                   'APIC 0')
    return bad


def main():
    qemu = os.environ['QEMU']
    assigned = vfio.assign()
    if assigned is None:
        return vfio.SKIP
    host = assigned[0]
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, machine, windows in [('series-11.0', 'pc-q35-11.0', True),
                                       ('series-10.2', 'pc-q35-10.2', False)]:
            failed += ['%s: %s' % (name, p) for p in
                       problems(run(qemu, machine, host, workdir, name),
                                windows)]
        failed += for_comparison('stock-10.2', lambda stock: problems(
            run(stock, 'pc-q35-10.2', host, workdir, 'stock-10.2'), False),
            True)
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
