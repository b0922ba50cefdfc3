#!/usr/bin/env python3
"""A Linux guest with many vCPUs, half of them with APIC IDs above 255.

The Windows configuration (pc-q35-11.0, default-bus-bypass-iommu=on,
intel-iommu,intremap=on,eim=on,dma-translation=off, x2APIC) with 288 vCPUs
under KVM.  Under TCG on a 2-core host 288 vCPUs do not boot in minutes
(128 take about 150 s, and the time grows faster than the count), so the
guest has 128: 64 in socket 0 (APIC IDs 0 to 63) and 64 in socket 2 of a
3 x 65-core topology (APIC IDs 256 to 319).  The guest's init script
(tests/guest/cpus.sh) must see every vCPU online, the highest APIC ID among
them, and interrupt remapping in x2APIC mode.

Environment: QEMU (series build), TOP.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import ACCEL, INITRD, KERNEL, KVM, prepare, verdict  # noqa: E402,E501
from vm import VM, VMError  # noqa: E402


def main():
    qemu = os.environ['QEMU']
    prepare()
    if KVM:
        cpus = ['-smp', '288,sockets=2,cores=72,threads=2']
        want_cpus, want_max = 288, None
    else:
        cpus = ['-smp', '64,sockets=3,cores=65,threads=1,maxcpus=195']
        for core in range(64):
            cpus += ['-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=%d,'
                     'thread-id=0' % core]
        want_cpus, want_max = 128, 256 + 63
    print('vCPUs: %d' % want_cpus)
    args = (['-machine', 'pc-q35-11.0,default-bus-bypass-iommu=on'] + ACCEL +
            ['-device', 'intel-iommu,intremap=on,eim=on,dma-translation=off',
             '-cpu', 'qemu64,x2apic=on', '-m', '2G'] + cpus +
            ['-kernel', KERNEL, '-initrd', INITRD,
             # TCG is too slow for the delay-loop calibration and the
             # lockup detectors of so many vCPUs
             '-append', 'console=ttyS0 quiet lg.test=cpus lpj=4000000 '
                        'nowatchdog nosoftlockup'])
    t0 = time.time()
    with tempfile.TemporaryDirectory() as workdir:
        vm = VM(qemu, args, workdir, name='many-vcpus')
        try:
            vm.wait_serial(r"^lg: test 'cpus' exited", 540)
            out = vm.serial()
        except VMError as e:
            print('FAIL: %s' % e)
            print(vm.serial()[-2000:])
            return 1
        finally:
            vm.close()
    got = int((re.findall(r'^cpus: (\d+)$', out, re.M) or ['0'])[0])
    top = int((re.findall(r'^max apicid: (\d+)$', out, re.M) or ['0'])[0])
    remap = (re.findall(r'^irq remapping: (.*)$', out, re.M) or ['?'])[0]
    print('  %d vCPUs online, highest APIC ID %d, %s; %.0f s to the init '
          'script' % (got, top, remap, time.time() - t0))
    failed = []
    if got != want_cpus:
        failed.append('%d vCPUs online, not %d' % (got, want_cpus))
    if want_max is not None and top != want_max:
        failed.append('highest APIC ID %d, not %d' % (top, want_max))
    if remap != 'Enabled IRQ remapping in x2apic mode':
        failed.append('no interrupt remapping in x2APIC mode')
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
