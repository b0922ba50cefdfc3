"""What the Linux guest tests share: paths, the accelerator, the guest image
and the verdict line that tests/check.sh reads.
"""

import os
import re
import subprocess

from vm import VM, VMError

TOP = os.environ['TOP']
GUEST = os.path.join(TOP, 'build', 'guest')
KERNEL = os.path.join(GUEST, 'vmlinuz')
INITRD = os.path.join(GUEST, 'initramfs.cpio.gz')


def _accelerator():
    """('kvm' or 'tcg', why): tests/check.sh's probe result, or the probe
    run now for a test started by hand"""
    if os.environ.get('LG_ACCEL'):
        return os.environ['LG_ACCEL'], os.environ.get('LG_ACCEL_WHY', '')
    out = subprocess.run(['sh', os.path.join(TOP, 'tests', 'lib',
                                             'accel-probe.sh'),
                          os.environ['QEMU']], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    name, _, why = out.partition(' ')
    return name, why


_ACCEL, _WHY = _accelerator()
KVM = _ACCEL == 'kvm'
# KVM with the IOAPIC in QEMU, as interrupt remapping needs, or TCG
ACCEL = ['-accel', 'kvm', '-machine', 'kernel-irqchip=split'] if KVM \
    else ['-accel', 'tcg']
ACCEL_NAME = '%s %s' % (_ACCEL, _WHY)
# vCPUs under KVM with APIC IDs 0 and 256 (socket 2 of 3 x 65 cores) and
# the 15-bit extension, which KVM's x2APIC API gives
KVM_CPUS = ['-cpu', 'host,x2apic=on,kvm-msi-ext-dest-id=on',
            '-smp', '1,sockets=3,cores=65,threads=1,maxcpus=195',
            '-device', 'host-x86_64-cpu,socket-id=2,core-id=0,thread-id=0']


def prepare():
    """Build (or reuse) the kernel and initramfs in build/guest, and say
    which accelerator the test runs under"""
    subprocess.run(['sh', os.path.join(TOP, 'scripts', 'guest-image.sh')],
                   check=True, stdout=subprocess.DEVNULL)
    print('accelerator: %s' % ACCEL_NAME)


def verdict(failed):
    """Print each failure and the verdict; return the exit status"""
    for f in failed:
        print('FAIL: ' + f)
    print('FAILED' if failed else 'PASSED')
    return 1 if failed else 0


def run_guest_test(binary, args, workdir, name, test, seconds=180):
    """Boot a guest with ARGS that runs tests/guest/TEST.sh; return its
    serial output once the test exited, or None (saying why) if it did
    not"""
    try:
        vm = VM(binary, args, workdir, name=name)
    except VMError as e:
        print('  %s: did not start: %s' % (name, e))
        return None
    try:
        vm.wait_serial(r"^lg: test '%s' exited" % test, seconds)
        return vm.serial()
    except VMError as e:
        print('  %s: %s' % (name, e))
        if vm.proc.poll() is not None:
            print('  %s: QEMU ended with: %s' % (name, last_words(workdir,
                                                                  name)))
        return None
    finally:
        vm.close()


def irqfd_blk(workdir):
    """A virtio-blk (a 1 MiB scratch disk in WORKDIR) whose queue an
    iothread serves: under KVM its interrupt is an irqfd on a KVM MSI route.
    Without event index, so that a completion is signalled although the
    guest never took the one before (the tests send one to nowhere)."""
    disk = os.path.join(workdir, 'disk.img')
    with open(disk, 'wb') as f:
        f.truncate(1 << 20)
    return ['-object', 'iothread,id=io0',
            '-drive', 'file=%s,if=none,id=d0,format=raw' % disk,
            '-device', 'virtio-blk-pci,drive=d0,iothread=io0,num-queues=1,'
            'event_idx=off']


def apic_ids(out):
    """{CPU: APIC ID} from a guest script's 'cpu: N apicid M' lines"""
    return {int(c): int(a) for c, a in
            re.findall(r'^cpu: (\d+) apicid (\d+)', out, re.M)}


def last_words(workdir, name):
    """The last line that QEMU printed in run_guest_test()'s log of NAME"""
    with open(os.path.join(workdir, name + '.log')) as f:
        lines = [ln for ln in f.read().splitlines()[1:] if ln.strip()]
    return lines[-1] if lines else '(nothing)'


def for_comparison(name, check, fails_under_kvm=False):
    """Stock 10.2.2 (STOCK_QEMU), where given, for comparison: print the
    problems that CHECK(STOCK_QEMU) returns.  With FAILS_UNDER_KVM, stock
    must have some under KVM (what the series fixes): return the failure
    if it has none"""
    stock = os.environ.get('STOCK_QEMU')
    if not stock or not os.access(stock, os.X_OK):
        return []
    bad = check(stock)
    print('  %s, for comparison: %s' %
          (name, '; '.join(bad) if bad else 'passes'))
    if fails_under_kvm and KVM and not bad:
        return ['%s passes under KVM: the test does not show the fix' % name]
    return []
