"""What the Linux guest tests share: paths, the accelerator, the guest image
and the verdict line that tests/check.sh reads.
"""

import os
import subprocess

TOP = os.environ['TOP']
GUEST = os.path.join(TOP, 'build', 'guest')
KERNEL = os.path.join(GUEST, 'vmlinuz')
INITRD = os.path.join(GUEST, 'initramfs.cpio.gz')
KVM = os.access('/dev/kvm', os.R_OK | os.W_OK)
# KVM with the IOAPIC in QEMU, as interrupt remapping needs, or TCG
ACCEL = ['-accel', 'kvm', '-machine', 'kernel-irqchip=split'] if KVM \
    else ['-accel', 'tcg']
ACCEL_NAME = 'kvm' if KVM else 'tcg (no usable /dev/kvm)'


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
