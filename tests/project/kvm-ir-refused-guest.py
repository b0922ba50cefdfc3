#!/usr/bin/env python3
"""A device's MSI-X entry that interrupt remapping refuses, under KVM.

q35 with intel-iommu (intremap=on, eim=on, dma-translation=off) and a
virtio-blk behind it whose queue an iothread serves: under KVM with a split
irqchip, the queue's interrupt is an irqfd on a KVM MSI route, which
kvm_arch_fixup_msi_route() translates through intel-iommu's int_remap.
The guest (tests/guest/ir-refused.sh) rewrites the queue's MSI-X entry to
name an IRTE that is not present, issues a read, restores Linux's message
and issues a second read.

10.2.2 aborts at the unmask: int_remap refuses the route,
kvm_irqchip_update_msi_route() fails, and msix_fire_vector_notifier()
asserts.  The series (pc-q35-11.0 and pc-q35-10.2) must run on: the
refused entry delivers nothing (the first read stays pending), and the
restored one delivers again (both reads complete).  Under TCG the same
script checks the emulated path, where intel-iommu records a fault and
drops the message.  Stock 10.2.2 (STOCK_QEMU) runs for comparison.

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
                   irqfd_blk, prepare, run_guest_test, verdict)


def run(binary, machine, workdir, name):
    """Boot the guest; return its findings as a dict, or None, saying why"""
    args = (['-machine', machine] + ACCEL +
            ['-cpu', 'qemu64,x2apic=on', '-smp', '2', '-m', '512M',
             '-device', 'intel-iommu,intremap=on,eim=on,dma-translation=off'] +
            irqfd_blk(workdir) +
            ['-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet iomem=relaxed '
                        'lg.test=ir-refused'])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'ir-refused')
    if out is None:
        return None
    found = {'remap': re.search(r'^remap: (.*)$', out, re.M).group(1)}
    for key, rx in (('msi', r'^msi: (\w+) (\S+) (\S+)$'),
                    ('read', r'^read: (\w+) (\w+)$'),
                    ('irqs', r'^irqs: (\w+) (\d+)$')):
        found[key] = {m[0]: m[1:] if len(m) > 2 else m[1]
                      for m in re.findall(rx, out, re.M)}
    print('  %s (%.0f s): %s; Linux\'s entry %s; reads %s; queue '
          'interrupts %s' %
          (name, time.time() - t0, found['remap'],
           ' '.join(found['msi'].get('linux', ['?'])),
           found['read'], found['irqs']))
    return found


def problems(found):
    if found is None:
        return ['QEMU did not run the guest test to its end']
    bad = []
    if 'off' in found['remap']:
        bad.append('Linux did not enable interrupt remapping')
    linux = found['msi'].get('linux')
    if not linux or not int(linux[0], 16) & 0x10:
        bad.append('Linux\'s entry is not in the remappable format: %s' %
                   linux)
    if found['read'].get('refused') != 'pending':
        bad.append('the read under the refused entry completed: its '
                   'interrupt was delivered')
    if found['read'].get('restored') != 'done':
        bad.append('the read under the restored entry did not complete')
    irqs = found['irqs']
    if not int(irqs.get('after', 0)) > int(irqs.get('refused', 0)):
        bad.append('no queue interrupt after the entry was restored')
    return bad


def main():
    qemu = os.environ['QEMU']
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, machine in [('series-11.0', 'pc-q35-11.0'),
                              ('series-10.2', 'pc-q35-10.2')]:
            failed += ['%s: %s' % (name, p) for p in
                       problems(run(qemu, machine, workdir, name))]
        failed += for_comparison('stock-10.2', lambda stock: problems(
            run(stock, 'pc-q35-10.2', workdir, 'stock-10.2')), True)
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
