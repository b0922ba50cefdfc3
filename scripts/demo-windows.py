#!/usr/bin/env python3
"""Show what a Windows guest with more than 255 vCPUs meets, stock behaviour
(pc-q35-10.2) against the series (pc-q35-11.0), side by side, on the
Windows configuration (default-bus-bypass-iommu=on, intel-iommu with
intremap, eim and no DMA translation, a vCPU with APIC ID 0x101):

- the seed's Windows-format MSI, address 0x1fee01000 data 0x41b0, sent by an
  edu device outside the IOMMU: written to guest RAM, or delivered (the
  decoder's trace names the destination);
- the FADT's APIC destination flags and the DMAR's device scope;
- what intel-iommu does with the I/O APIC's AMD-format entries.

Everything runs under the qtest accelerator.  Usage: demo-windows.py QEMU
"""

import os
import re
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tests',
                                'abi'))
import guest_abi  # noqa: E402

MSI_ADDR, MSI_DATA = 0x1fee01000, 0x41b0
EDU_DEVFN, EDU_BAR = 0x20, 0xc0000000          # 00:04.0
WINDOWS = ['-machine', 'default-bus-bypass-iommu=on',
           '-device', 'intel-iommu,id=iommu,intremap=on,eim=on,'
           'dma-translation=off',
           '-cpu', 'qemu64,x2apic=on',
           '-smp', '1,sockets=3,cores=65,threads=1,maxcpus=195',
           '-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=1,thread-id=0',
           '-device', 'edu,addr=04.0', '-m', '9G']
COLUMNS = ('pc-q35-10.2 (as stock)', 'pc-q35-11.0 (series)')


def send_msi(q):
    """Program edu's MSI with the Windows-format message and fire it"""
    guest_abi.edu_msi_setup(q, EDU_DEVFN, EDU_BAR, MSI_ADDR, MSI_DATA)
    q.qtest('writel 0x%x 0x1' % (EDU_BAR + 0x60))


def acpi_table(tables, sig):
    """The ACPI table SIG from QEMU's etc/acpi/tables blob"""
    i = tables.find(sig.encode())
    while i >= 0:
        length = struct.unpack_from('<I', tables, i + 4)[0]
        if 36 <= length <= len(tables) - i:
            return tables[i:i + length]
        i = tables.find(sig.encode(), i + 1)
    return None


def fadt_flags(fadt):
    flags = struct.unpack_from('<I', fadt, 112)[0]
    mode = {1 << 18: 'cluster', 1 << 19: 'physical'}.get(
        flags & (3 << 18), 'neither flag')
    return '%s (0x%x)' % (mode, flags)


def dmar_scope(dmar):
    if dmar is None:
        return 'no DMAR'
    scopes, off = [], 48
    while off < len(dmar):
        kind, length = struct.unpack_from('<HH', dmar, off)
        if kind == 0:                          # DRHD
            flags = dmar[off + 4]
            if flags & 1:
                scopes.append('all PCI')
            s = off + 16
            while s < off + length:
                stype, slen, _, bus = struct.unpack_from('<BBHxB', dmar, s)
                dev, fn = dmar[s + 6], dmar[s + 7]
                name = {1: 'PCI', 3: 'IOAPIC', 4: 'HPET'}.get(stype, stype)
                scopes.append('%s %02x:%02x.%x' % (name, bus, dev, fn))
                s += slen
        off += length
    return ', '.join(scopes)


def run(qemu, machine):
    """What the machine does; a dict of row name to text"""
    rows = {}
    with tempfile.TemporaryDirectory() as d:
        trace = os.path.join(d, 'trace.log')
        try:
            q = guest_abi.Qemu(qemu, ['-machine', machine] + WINDOWS +
                               ['-d', 'trace:x86_msi_compat', '-D', trace], d)
        except guest_abi.QemuError as e:
            return {'error': str(e)}
        try:
            send_msi(q)
            ram = struct.unpack('<I', q.mem_read(MSI_ADDR, 4))[0]
            with open(trace) as f:
                m = re.search(r'dest (0x[0-9a-f]+) vector (0x[0-9a-f]+)',
                              f.read())
            if ram == MSI_DATA:
                rows['msi'] = 'written to guest RAM'
            elif m:
                rows['msi'] = 'delivered: APIC %s, vector %s' % m.groups()
            else:
                rows['msi'] = 'lost (RAM holds 0x%x)' % ram
            rows['ioapic'] = 'amd-ioapic-format: %s' % q.cmd(
                'qom-get', path='/machine/peripheral/iommu',
                property='amd-ioapic-format')
            tables = read_fw_cfg_file(q, 'etc/acpi/tables')
            rows['fadt'] = fadt_flags(acpi_table(tables, 'FACP'))
            rows['dmar'] = dmar_scope(acpi_table(tables, 'DMAR'))
        finally:
            q.close()
    return rows


def read_fw_cfg_file(q, name):
    for fname, size, select in guest_abi.fw_cfg_directory(q):
        if fname == name:
            return q.fw_cfg_read(select, size)
    raise guest_abi.QemuError('no fw_cfg file ' + name)


def main():
    qemu = sys.argv[1]
    results = [run(qemu, m) for m in ('pc-q35-10.2', 'pc-q35-11.0')]
    print('  %-22s  %-32s  %s' % ('', COLUMNS[0], COLUMNS[1]))
    for key, label in [('msi', 'MSI 0x1fee01000/0x41b0'),
                       ('fadt', 'FADT APIC flags'),
                       ('dmar', 'DMAR device scope'),
                       ('ioapic', 'IOAPIC, AMD format'),
                       ('error', 'error')]:
        if any(key in r for r in results):
            print('  %-22s  %-32s  %s' % (label, results[0].get(key, ''),
                                          results[1].get(key, '')))


if __name__ == '__main__':
    main()
