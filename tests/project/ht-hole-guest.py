#!/usr/bin/env python3
"""A Linux guest's view of the AMD HT hole with a large 64-bit BAR.

Boots the guest image (tests/guest/iomem.sh) on q35 11.0 with an AMD vCPU
whose address space reaches the hole, with an ivshmem-plain device whose
4 GiB BAR SeaBIOS would otherwise put right at 1012 GiB, or a device with
a 64 GiB BAR, under SeaBIOS and OVMF, and checks what the guest reports:

  - E820 (/sys/firmware/memmap): no RAM in the hole, and under SeaBIOS the
    hole reserved (OVMF does not pass reserved ranges above 4 GiB on);
  - /proc/iomem: the hole claimed by a PNP0C02 device from the DSDT, and no
    RAM, PCI window or BAR inside it; the BAR at or above 1 TiB.

Debian 12's OVMF needs 1 GiB pages (pdpe1gb) to boot in an address space
larger than 1 TiB under TCG: without them it had not reached Linux after
180 s.  OVMF places its 64-bit window at the top of the address space
(1792 GiB with 41 bits), so only SeaBIOS shows what goes wrong without the
fix.

Two layouts reach the hole: RAM ending at 1012 GiB (-m 1010G, backend
reserve=off; mem=2G keeps Linux from using it) and a memory-device region
ending there (-m 2G,maxmem=1005G).  A third stays below it, but has a
pci-testdev with a 64 GiB BAR (membar=64G, no host memory needed): after
900 GiB of RAM the 32 GiB window ends at 934 GiB, but SeaBIOS aligns the
BAR to 960 GiB, across the hole, unless QEMU starts the window at 1 TiB.
For contrast, the same guests with amd-ht-hole=off (the hole ignored, as
on Intel vCPUs) must show the window or BAR inside the hole, and stock
QEMU with the same configuration must refuse 41 phys-bits (it relocates
RAM to 1 TiB) or, for the third, put the BAR inside the hole.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from vm import VM, VMError  # noqa: E402
from guest import ACCEL, ACCEL_NAME, GUEST, TOP  # noqa: E402

HOLE_START = 0xfd00000000
HOLE_END = 0xffffffffff
TIB = 1 << 40


IVSHMEM_4G = ['-object', 'memory-backend-ram,id=shm,size=4G,reserve=off',
              '-device', 'ivshmem-plain,memdev=shm']

# memory and devices; whether stock QEMU refuses 41 phys-bits for it
MEMORY = {
    'ram-to-hole': (['-object',
                     'memory-backend-ram,id=ram0,size=1010G,reserve=off',
                     '-machine', 'memory-backend=ram0', '-m', '1010G'] +
                    IVSHMEM_4G, True),
    'maxmem-to-hole': (['-m', '2G,slots=1,maxmem=1005G'] + IVSHMEM_4G, True),
    # the 32 GiB window (902-934 GiB) stays below the hole, but firmware
    # aligns a 64 GiB BAR to 960 GiB
    'bar64-near-hole': (['-object',
                         'memory-backend-ram,id=ram0,size=900G,reserve=off',
                         '-machine', 'memory-backend=ram0', '-m', '900G',
                         '-device', 'pci-testdev,membar=64G'], False),
}


OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd'
OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd'


def guest_args(memory, extra, firmware):
    fw = []
    if firmware == 'ovmf':
        fw = ['-drive', 'if=pflash,format=raw,readonly=on,file=' + OVMF_CODE,
              '-drive', 'if=pflash,format=raw,snapshot=on,file=' + OVMF_VARS]
    return (['-machine', 'q35'] + ACCEL +
            ['-cpu', 'qemu64,phys-bits=41,pdpe1gb=on'] + fw + extra +
            MEMORY[memory][0] +
            ['-kernel', os.path.join(GUEST, 'vmlinuz'),
             '-initrd', os.path.join(GUEST, 'initramfs.cpio.gz'),
             '-append', 'console=ttyS0 mem=2G quiet lg.test=iomem'])


def boot(binary, memory, extra, workdir, firmware='seabios'):
    """Run the guest to its power-off; return (memmap, iomem) entries."""
    vm = VM(binary, guest_args(memory, extra, firmware), workdir, name=memory)
    try:
        vm.wait_serial(r"^lg: test 'iomem' exited", 120)
        out = vm.serial()
    finally:
        vm.close()
    memmap = [(int(a, 16), int(b, 16), t) for a, b, t in
              re.findall(r'^memmap: (\S+) (\S+) (.*)$', out, re.M)]
    iomem = [(int(d), int(a, 16), int(b, 16), n) for d, a, b, n in
             re.findall(r'^iomem: (\d+) (\S+) (\S+) (.*)$', out, re.M)]
    return memmap, iomem


def in_hole(start, end):
    return start <= HOLE_END and end >= HOLE_START


def check_split(memmap, iomem, firmware='seabios'):
    """What the series must give: return a list of problems."""
    problems = []
    ram = [(a, b) for a, b, t in memmap if t == 'System RAM']
    if any(in_hole(a, b) for a, b in ram):
        problems.append('E820 RAM inside the hole')
    if (firmware == 'seabios' and
            (HOLE_START, HOLE_END, 'Reserved') not in memmap):
        problems.append('E820 does not reserve the hole')
    if not any(n.startswith('pnp ') and a == HOLE_START and b == HOLE_END
               for _, a, b, n in iomem):
        problems.append('no PNP0C02 reservation of the hole in /proc/iomem')
    pci = [(a, b, n) for _, a, b, n in iomem
           if n.startswith('PCI Bus') or re.match(r'[0-9a-f]{4}:', n)]
    for a, b, n in pci:
        if in_hole(a, b):
            problems.append('%s at 0x%x-0x%x inside the hole' % (n, a, b))
    bars = [(a, b) for a, b, n in pci if not n.startswith('PCI Bus')]
    if not bars:
        problems.append('no 64-bit BAR above 4 GiB')
    elif min(a for a, _ in bars) < TIB:
        problems.append('BAR below 1 TiB')
    return problems


def show(label, memmap, iomem):
    print('  %s:' % label)
    for a, b, t in memmap:
        if b >= 1 << 32:
            print('    E820   0x%011x-0x%011x %s' % (a, b, t))
    for d, a, b, n in iomem:
        print('    iomem  %s0x%011x-0x%011x %s' % ('  ' * d, a, b, n))


def pci_in_hole(binary, memory, extra, workdir, label):
    """Boot a guest that must show PCI inside the hole: say whether it does"""
    memmap, iomem = boot(binary, memory, extra, workdir)
    show('%s, %s' % (memory, label), memmap, iomem)
    if any('inside the hole' in p for p in check_split(memmap, iomem)):
        return True
    print('FAIL %s, %s: PCI kept out of the hole; the check above proves '
          'nothing' % (memory, label))
    return False


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    subprocess.run(['sh', os.path.join(TOP, 'scripts', 'guest-image.sh')],
                   check=True, stdout=subprocess.DEVNULL)
    print('accelerator: %s' % ACCEL_NAME)
    failed = 0
    with tempfile.TemporaryDirectory() as workdir:
        for memory in MEMORY:
            for firmware in ('seabios', 'ovmf'):
                memmap, iomem = boot(qemu, memory, [], workdir, firmware)
                show('%s, series, q35 11.0, %s' % (memory, firmware),
                     memmap, iomem)
                problems = check_split(memmap, iomem, firmware)
                for p in problems:
                    print('FAIL %s, %s: %s' % (memory, firmware, p))
                failed += bool(problems)

            # The contrast: the hole ignored puts the window or BAR in it.
            failed += not pci_in_hole(qemu, memory,
                                      ['-machine', 'amd-ht-hole=off'],
                                      workdir, 'series, amd-ht-hole=off')

            if stock and MEMORY[memory][1]:
                try:
                    boot(stock, memory, [], workdir)
                    print('FAIL %s: stock QEMU started with 41 phys-bits'
                          % memory)
                    failed += 1
                except VMError as e:
                    print('  %s, stock 10.2.2: %s' % (memory, e))
            elif stock:
                # stock does not move RAM that stays below the hole
                failed += not pci_in_hole(stock, memory, [], workdir,
                                          'stock 10.2.2')
    print('%s' % ('FAILED' if failed else 'PASSED'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
