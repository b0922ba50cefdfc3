#!/usr/bin/env python3
"""Live migration between stock QEMU 10.2.2 and the series, both ways, on
pc-q35-10.2 (with intel-iommu interrupt remapping) and pc-i440fx-10.2.

A Linux guest, under the accelerator the tests run with (TCG, or KVM with
a split irqchip in the KVM stage), keeps reading a virtio RNG, whose requests complete
through MSI-X interrupts, and prints a numbered line with the interrupt
count.  It migrates stock -> series -> stock; after each hop the guest must
go on counting where it stopped, the RNG must keep answering and its
interrupt count must keep growing (the MSI-X and remapping state arrived).
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
from guest import ACCEL, ACCEL_NAME  # noqa: E402
from vm import VM, VMError  # noqa: E402

TOP = os.environ['TOP']
SERIES = os.environ['QEMU']
STOCK = os.environ['STOCK_QEMU']
GUEST = os.path.join(TOP, 'build', 'guest')
TICK = r'^tick (\d+) rng=(\w+) virtio-irqs=(\d+)$'


def ticks(vm):
    return [(int(n), rng, int(irqs))
            for n, rng, irqs in re.findall(TICK, vm.serial(), re.M)]


def wait_progress(vm, since, timeout=90):
    """Wait until VM prints ticks past SINCE=(n, irqs) with the RNG working
    and more interrupts than before."""
    n0, irq0 = since
    vm.wait_serial(r'^tick (%s) ' % '|'.join(str(n0 + k) for k in
                                              range(1, 4)), timeout)
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = [x for x in ticks(vm) if x[0] > n0]
        if any(rng != 'ok' for _, rng, _ in t):
            raise VMError('%s: the RNG failed after migration' % vm.name)
        if t and t[-1][2] > irq0:
            return t[-1][0], t[-1][2]
        time.sleep(0.2)
    raise VMError('%s: no new virtio interrupt within %d s' %
                  (vm.name, timeout))


def one(machine, work):
    args = ['-machine', machine] + ACCEL + ['-m', '512M', '-smp', '2',
            '-kernel', os.path.join(GUEST, 'vmlinuz'),
            '-initrd', os.path.join(GUEST, 'initramfs.cpio.gz'),
            '-append', 'console=ttyS0 quiet lg.test=tick',
            '-device', 'virtio-rng-pci,id=rng0']
    if 'q35' in machine:
        args += ['-device', 'intel-iommu,intremap=on']
    hops = [('stock', STOCK), ('series', SERIES), ('stock-again', STOCK)]
    vms = []
    try:
        src = VM(hops[0][1], args, work, machine + '-' + hops[0][0])
        vms.append(src)
        src.wait_serial(r'^tick 5 ', 120)
        m = src.wait_serial(r'^interrupt remapping: (.*)$', 1)
        print('%s on stock: guest booted, interrupt remapping: %s'
              % (machine, m.group(1)))
        state = wait_progress(src, (5, ticks(src)[-1][2]))
        for name, binary in hops[1:]:
            sock = os.path.join(work, machine + '-' + name + '.mig')
            dst = VM(binary, args + ['-incoming', 'defer'], work,
                     machine + '-' + name)
            vms.append(dst)
            dst.cmd('migrate-incoming', uri='unix:' + sock)
            src.cmd('migrate', uri='unix:' + sock)
            src.wait_migration()
            last = ticks(src)[-1]
            # The source completes once it has sent the last state; the
            # destination may still be loading it (seen on a loaded host).
            deadline = time.time() + 60
            status = dst.cmd('query-status')['status']
            while status == 'inmigrate' and time.time() < deadline:
                time.sleep(0.2)
                status = dst.cmd('query-status')['status']
            if status != 'running':
                raise VMError('%s is %s after migration' % (name, status))
            state = wait_progress(dst, (last[0], last[2]))
            print('%s: %s -> %s: guest went on from tick %d (%d virtio '
                  'interrupts) to tick %d (%d)'
                  % (machine, src.name.split('-')[-1], name, last[0], last[2],
                     state[0], state[1]))
            src.close()
            src = dst
        return True
    except VMError as e:
        print('%s: FAILED: %s' % (machine, e))
        for vm in vms:
            print('  %s: %s; console tail: %s' % (vm.name, vm.stderr(),
                                                 vm.serial()[-300:]))
        return False
    finally:
        for vm in vms:
            vm.close()


def main():
    ok = True
    print('accelerator: %s' % ACCEL_NAME)
    with tempfile.TemporaryDirectory(prefix='lg-migration-') as work:
        for machine in ('pc-q35-10.2', 'pc-i440fx-10.2'):
            ok = one(machine, work) and ok
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
