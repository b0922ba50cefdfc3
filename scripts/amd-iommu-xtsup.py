#!/usr/bin/env python3
"""What a Linux guest does with amd-iommu's x2APIC support (not a test).

The alternative to the series' Windows configuration that reviewers ask
about: instead of intel-iommu with amd-ioapic-format, QEMU's own AMD IOMMU
with interrupt remapping and XTSup (128-bit IRTEs with 32-bit
destinations), DMA translation off (HATDis).  Windows cannot run here;
this boots the Linux guest of tests/guest/windows-config.sh on it, a vCPU
at APIC ID 256, without kvm-msi-ext-dest-id, and prints what Linux made of
it: interrupt remapping, the vCPUs online, an I/O APIC interrupt moved to
APIC ID 256, a virtio-rng read.  Run it where LG_ACCEL=kvm, e.g.

    sh tests/lib/nested-kvm.sh python3 scripts/amd-iommu-xtsup.py

Environment: QEMU (series build), TOP.
"""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tests', 'lib'))
from guest import ACCEL, INITRD, KERNEL, prepare, run_guest_test  # noqa: E402


def main():
    prepare()
    cpu = 'host,x2apic=on' if 'kvm' in ACCEL else 'qemu64,x2apic=on'
    with tempfile.TemporaryDirectory() as workdir:
        for name, iommu in [
                ('xtsup-hatdis', 'amd-iommu,intremap=on,xtsup=on,'
                                 'dma-translation=off'),
                ('xtsup', 'amd-iommu,intremap=on,xtsup=on')]:
            args = (['-machine', 'pc-q35-11.0'] + ACCEL +
                    ['-device', iommu, '-cpu', cpu,
                     '-smp', '1,sockets=3,cores=65,threads=1,maxcpus=195',
                     '-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=0,'
                                'thread-id=0' if 'kvm' not in ACCEL else
                     'host-x86_64-cpu,socket-id=2,core-id=0,thread-id=0',
                     '-m', '1G', '-device', 'virtio-rng-pci',
                     '-kernel', KERNEL, '-initrd', INITRD,
                     '-append', 'console=ttyS0 lg.test=windows-config '
                                'lg.dest=256'])
            out = run_guest_test(os.environ['QEMU'], args, workdir, name,
                                 'windows-config')
            print('== %s (%s)' % (name, iommu))
            if out is None:
                print('  the guest did not run its test')
                continue
            for line in out.splitlines():
                if re.match(r'(cpu|irq remapping|apic routing|ioapic|'
                            r'virtio|rng): ', line):
                    print('  ' + line)
                elif re.search(r'AMD-Vi|x2apic|IRQ remapping|IOMMU', line):
                    print('  | ' + line.rstrip()[:150])
    return 0


if __name__ == '__main__':
    sys.exit(main())
