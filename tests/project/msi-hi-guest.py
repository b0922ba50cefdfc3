#!/usr/bin/env python3
"""A Linux guest receives a Windows-format MSI on a vCPU with APIC ID 256.

The Windows configuration for more than 255 vCPUs, with a sparse topology
so that two vCPUs suffice: q35 with default-bus-bypass-iommu=on and
intel-iommu,intremap=on,eim=on,dma-translation=off, x2APIC, and a vCPU
whose APIC ID is 256 (socket 2 of 3 x 65 cores).  Linux enables interrupt
remapping in x2APIC mode and brings that vCPU online.  From user space the
guest (tests/guest/msi-hi.sh) programs the edu device, which sits on the
bypassing root bus, with MSI address 0x1fee00000, data 0xb0: destination
256 in Windows' format (bits 8 and up in address bits 32 and up), vector
0xb0.  In x2APIC mode the APIC compares all 32 destination bits, so the
vector must arrive on the vCPU with APIC ID 256, not on APIC ID 0 (the low
8 bits); the kernel names the CPU in its "No irq handler for vector" line.

With msi-addr-hi-dest=off, and on stock QEMU 10.2.2 (pc-q35-10.2), the
message is a memory write and no CPU takes the vector.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import ACCEL, INITRD, KERNEL, prepare, verdict  # noqa: E402,E501
from vm import VM  # noqa: E402


def run(binary, machine, workdir, name):
    args = (['-machine', machine + ',default-bus-bypass-iommu=on'] + ACCEL +
            ['-device', 'intel-iommu,intremap=on,eim=on,dma-translation=off',
             '-cpu', 'qemu64,x2apic=on',
             '-smp', '1,sockets=3,cores=65,threads=1,maxcpus=195',
             '-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=0,thread-id=0',
             '-m', '1G', '-device', 'edu',
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet lg.test=msi-hi lg.dest=256'])
    vm = VM(binary, args, workdir, name=name)
    try:
        vm.wait_serial(r"^lg: test 'msi-hi' exited", 120)
        out = vm.serial()
    finally:
        vm.close()
    apic = {int(c): int(a) for c, a in re.findall(r'^cpu: (\d+) apicid (\d+)',
                                                  out, re.M)}
    remap = re.search(r'^irq remapping: (.*)$', out, re.M)
    took = re.search(r'^took: (\S+)$', out, re.M)
    print('  %s: cpus %s, irq remapping: %s, took: %s' %
          (name, ' '.join('%d=apic %d' % kv for kv in sorted(apic.items())),
           remap.group(1) if remap else '?', took.group(1) if took else '?'))
    if not took or took.group(1) == 'none':
        return apic, remap and remap.group(1), None
    cpu, vector = took.group(1).split('.')
    return apic, remap and remap.group(1), (int(cpu), int(vector))


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        apic, remap, took = run(qemu, 'pc-q35-11.0', workdir, 'series-11.0')
        if 256 not in apic.values():
            failed.append('the vCPU with APIC ID 256 is not online')
        if remap != 'Enabled IRQ remapping in x2apic mode':
            failed.append('no interrupt remapping in x2APIC mode')
        if took is None or took[1] != 0xb0 or apic.get(took[0]) != 256:
            failed.append('vector 0xb0 did not arrive on APIC ID 256')

        _, _, took = run(qemu, 'pc-q35-11.0,msi-addr-hi-dest=off', workdir,
                         'series-11.0-property-off')
        if took is not None:
            failed.append('with msi-addr-hi-dest=off a CPU took the vector')

        if stock:
            _, _, took = run(stock, 'pc-q35-10.2', workdir, 'stock-10.2')
            if took is not None:
                failed.append('stock QEMU delivered the message')
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
