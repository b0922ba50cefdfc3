#!/usr/bin/env python3
"""An assigned device and guest memory around the AMD HT hole, under KVM.

AMD IOMMUs reserve 0xfd_0000_0000-0xff_ffff_ffff (HyperTransport), and
VFIO refuses to map guest memory there.  L1, the Linux host of the KVM
stage, binds the e1000e that L0 gives it, behind L0's AMD IOMMU, to
vfio-pci, and reads its IOMMU group's reserved regions, which must hold
the hole.  L2 guests get the device and -m 2G,slots=2,maxmem=1100G with a
1 GiB pc-dimm; an Intel vendor on their vCPU keeps stock's own AMD
relocation out of the way, as on an AMD host with an Intel CPU model.

- stock 10.2.2, the DIMM at 0xfd00000000: VFIO's DMA map fails and QEMU
  stops (shown, for comparison); the DIMM at 0xfc00000000: boots;
- the series, pc-q35-11.0 with amd-ht-hole=split and the DIMM placed
  automatically (at 4 GiB, as stock would place it too): boots with the
  device; the DIMM placed in the hole by hand: refused, the message
  naming the range the machine reserves, where stock stops in VFIO;
- the series, pc-q35-11.0 with its defaults (the host's vendor): boots;
- the series with the split layout, the DIMM at 0xfcc0000000 (its last
  GiB ends where the hole starts) and the NVMe drive L0 also gives L1
  assigned too: the guest reads the drive's first MiB, by the drive's
  DMA through L1's VFIO mappings and L0's AMD IOMMU, and it must be the
  image's (tests/lib/vfio.py's NVME_MIB).  Where in guest memory the
  guest's buffers land is Linux's choice, not the test's.

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
from guest import ACCEL, INITRD, KERNEL, prepare, verdict  # noqa: E402
from vm import VM, VMError  # noqa: E402
import vfio  # noqa: E402

MEM = ['-m', '2G,slots=2,maxmem=1100G',
       '-object', 'memory-backend-ram,id=m1,size=1G']
INTEL = ['-cpu', 'host,vendor=GenuineIntel']
HOST = ['-cpu', 'host']


def dimm(addr=None):
    return ['-device', 'pc-dimm,id=dimm1,memdev=m1' +
            (',addr=0x%x' % addr if addr is not None else '')]


def run(binary, machine, cpu, extra, host, workdir, name, test='pci-list'):
    """Boot the guest; return ('booted', DIMM address, the device seen,
    its console) or ('stopped', QEMU's last messages)"""
    args = (['-machine', machine] + ACCEL + cpu + MEM + extra +
            ['-device', 'vfio-pci,host=' + host,
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet lg.test=' + test])
    t0 = time.time()
    try:
        vm = VM(binary, args, workdir, name=name)
    except VMError:
        with open(os.path.join(workdir, name + '.log')) as f:
            lines = [ln for ln in f.read().splitlines()[1:] if ln.strip()]
        msg = ' / '.join(lines[-3:]) or '(nothing)'
        print('  %s (%.0f s): stopped: %s' % (name, time.time() - t0, msg))
        return 'stopped', msg
    try:
        devs = vm.cmd('query-memory-devices')
        addr = devs[0]['data']['addr'] if devs else None
        vm.wait_serial(r"^lg: test '%s' exited" % test, 180)
        console = vm.serial()
        seen = test != 'pci-list' or re.search(r'^pci: \S+ 0x8086:0x10d3$',
                                               console, re.M)
    except VMError as e:
        print('  %s: %s; its console ended with:' % (name, e))
        for line in vm.serial().splitlines()[-5:]:
            print('    | ' + line)
        return 'stopped', str(e)
    finally:
        vm.close()
    print('  %s (%.0f s): booted; DIMM at 0x%x%s' %
          (name, time.time() - t0, addr,
           '; e1000e in the guest: %s' % ('yes' if seen else 'no')
           if test == 'pci-list' else ''))
    return 'booted', addr, bool(seen), console


def in_hole(addr):
    return addr + (1 << 30) > vfio.HT_HOLE[0] and addr <= vfio.HT_HOLE[1]


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    assigned = vfio.assign()
    if assigned is None:
        return vfio.SKIP
    host, regions = assigned
    prepare()
    failed = []
    if not any(s <= vfio.HT_HOLE[0] and e >= vfio.HT_HOLE[1]
               for s, e, _ in regions):
        failed.append('L1: the IOMMU group does not reserve the HT hole')
    with tempfile.TemporaryDirectory() as workdir:
        if stock and os.access(stock, os.X_OK):
            for name, at in (('stock-10.2-dimm-in-hole', 0xfd00000000),
                             ('stock-10.2-dimm-below-hole', 0xfc00000000)):
                run(stock, 'pc-q35-10.2', INTEL, dimm(at), host, workdir,
                    name)
        split = 'pc-q35-11.0,amd-ht-hole=split'
        for name, machine, cpu in (('series-11.0-split', split, INTEL),
                                   ('series-11.0', 'pc-q35-11.0', HOST)):
            got = run(qemu, machine, cpu, dimm(), host, workdir, name)
            if got[0] != 'booted' and 'within' in got[1]:
                # one boot of this case hung, once in five runs (nested
                # under TCG's SVM); said, and booted once more
                print('  %s: RETRIED after the hang above' % name)
                got = run(qemu, machine, cpu, dimm(), host, workdir, name)
            if got[0] != 'booted':
                failed.append('%s: did not boot: %s' % (name, got[1]))
            elif in_hole(got[1]) or not got[2]:
                failed.append('%s: DIMM at 0x%x, device seen: %s' %
                              (name, got[1], got[2]))
        got = run(qemu, split, INTEL, dimm(0xfd00000000), host, workdir,
                  'series-11.0-split-dimm-in-hole')
        if got[0] != 'stopped' or 'the machine reserves' not in got[1]:
            failed.append('series-11.0-split-dimm-in-hole: not refused with '
                          'the reserved range\'s message: %s' % (got[1],))
        failed += dma(qemu, split, host, workdir)
    return verdict(failed)


def dma(qemu, machine, nic, workdir):
    """The split layout's guest reads the assigned NVMe drive; return a list
    of problems"""
    name = 'series-11.0-split-nvme-dma'
    assigned = vfio.assign(vfio.NVME)
    if assigned is None:
        return ['%s: no NVMe drive to assign' % name]
    got = run(qemu, machine, INTEL,
              dimm(0xfcc0000000) + ['-device', 'vfio-pci,host=' + assigned[0]],
              nic, workdir, name, 'nvme-read')
    if got[0] != 'booted':
        return ['%s: did not boot: %s' % (name, got[1])]
    console = got[3]
    md5 = (re.findall(r'^md5: (\S+)$', console, re.M) or ['none'])[0]
    ram = re.findall(r'^ram: (\S+)$', console, re.M)
    model = (re.findall(r'^nvme: (.*)$', console, re.M) or ['?'])[0].strip()
    print('  %s: NVMe "%s" read: md5 %s (the image: %s); guest RAM: %s' %
          (name, model, md5, vfio.NVME_MD5, ' '.join(ram)))
    bad = []
    if 'fcc0000000-fcffffffff' not in ram:
        bad.append('%s: the DIMM below the hole is not guest RAM' % name)
    if md5 != vfio.NVME_MD5:
        bad.append('%s: the drive read %s, not the image (%s)' %
                   (name, md5, vfio.NVME_MD5))
    return bad


if __name__ == '__main__':
    sys.exit(main())
