"""What the VFIO tests of the KVM stage do in L1, the Linux host: find the
PCI device that L0 gave it, bind it to vfio-pci, and say what Linux's
IOMMU driver made of it.
"""

import glob
import hashlib
import os
import subprocess
import sys

# The devices L0 gives L1 to assign (tests/check.sh): an e1000e, and an
# NVMe drive whose first MiB is NVME_MIB (written by nvme_image())
NIC = ('0x8086', '0x10d3')
NVME = ('0x1b36', '0x0010')
# Bytes that differ from page to page and within each page, so that a DMA
# to or from the wrong page or offset shows
NVME_MIB = bytes(((i * 7) ^ (i >> 9)) & 0xff for i in range(1 << 20))
NVME_MD5 = hashlib.md5(NVME_MIB).hexdigest()
# The AMD HyperTransport hole, which AMD IOMMUs reserve
HT_HOLE = (0xfd00000000, 0xffffffffff)

# Exit status of a test that cannot run here (tests/check.sh: skipped)
SKIP = 77


def _read(path):
    with open(path) as f:
        return f.read().strip()


def assign(ids=NIC):
    """Bind the first PCI device with IDS to vfio-pci; return (its address,
    its IOMMU group's reserved regions as (start, end, type)), printing the
    evidence, or None, saying why, where there is none to assign.  Only in
    L1 (LG_NESTED): a device of the machine itself is never taken."""
    if os.environ.get('LG_ACCEL') != 'kvm':
        print('VFIO needs KVM; the accelerator is %s' %
              os.environ.get('LG_ACCEL'))
        return None
    if not os.environ.get('LG_NESTED'):
        print('not in the nested stage\'s L1: no device of this machine is '
              'assigned')
        return None
    devs = [d for d in sorted(glob.glob('/sys/bus/pci/devices/*'))
            if (_read(d + '/vendor'), _read(d + '/device')) == ids]
    if not devs:
        print('no PCI device %s:%s to assign' % (ids[0][2:], ids[1][2:]))
        return None
    dev = devs[0]
    addr = os.path.basename(dev)
    if not os.path.exists(dev + '/iommu_group'):
        print('%s is in no IOMMU group: no IOMMU' % addr)
        return None
    group = os.path.basename(os.readlink(dev + '/iommu_group'))
    subprocess.run(['modprobe', 'vfio-pci'], check=True)
    driver = dev + '/driver'
    if os.path.exists(driver) and \
            os.path.basename(os.readlink(driver)) != 'vfio-pci':
        with open(driver + '/unbind', 'w') as f:
            f.write(addr)
    if not os.path.exists(driver):
        with open('/sys/bus/pci/drivers/vfio-pci/new_id', 'w') as f:
            f.write('%s %s' % (ids[0][2:], ids[1][2:]))
    regions = []
    for line in _read('/sys/kernel/iommu_groups/%s/reserved_regions' %
                      group).splitlines():
        start, end, kind = line.split()
        regions.append((int(start, 16), int(end, 16), kind))
    print('L1: %s (%s:%s) in IOMMU group %s, driver %s, /dev/vfio/%s %s; '
          'reserved regions: %s' %
          (addr, ids[0][2:], ids[1][2:], group,
           os.path.basename(os.readlink(driver)), group,
           'present' if os.path.exists('/dev/vfio/' + group) else 'missing',
           ', '.join('0x%x-0x%x %s' % r for r in regions)))
    for line in subprocess.run(['dmesg'], capture_output=True,
                               text=True).stdout.splitlines():
        if 'AMD-Vi' in line and ('remapping' in line or 'Found IOMMU' in line):
            print('L1: ' + line.split('] ', 1)[-1])
    return addr, regions


def nvme_image(path):
    """Write the NVMe drive's image for L0 (tests/check.sh), 1 MiB"""
    with open(path, 'wb') as f:
        f.write(NVME_MIB)


if __name__ == '__main__':
    # vfio.py nvme-image PATH
    if len(sys.argv) == 3 and sys.argv[1] == 'nvme-image':
        nvme_image(sys.argv[2])
    else:
        sys.exit('usage: vfio.py nvme-image PATH')
