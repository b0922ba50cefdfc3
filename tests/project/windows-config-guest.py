#!/usr/bin/env python3
"""A Linux guest on the Windows configuration for more than 255 vCPUs.

The configuration (docs/system/i386/large-guests.rst): q35 with
default-bus-bypass-iommu=on, intel-iommu,intremap=on,eim=on,
dma-translation=off, x2APIC, and a vCPU whose APIC ID is 256 (socket 2 of a
sparse 3 x 65-core topology, so two vCPUs suffice).  The guest script
(tests/guest/windows-config.sh) checks that Linux enables interrupt
remapping in x2APIC mode and brings the vCPU with APIC ID 256 online, moves
an I/O APIC interrupt (the console's IRQ 4, remapped through the IRT) to that
vCPU and counts it there, and reads a virtio-rng on the bypassing root bus,
whose interrupts it counts.  Linux gives a device that no DMAR unit covers
no MSI while interrupt remapping is enabled (it has no MSI domain for it,
and warns in pci_msi_setup_msi_irqs), so the virtio device falls back to
INTx, which reaches the vCPUs through the remapped I/O APIC; the MSI-X of
devices outside the IOMMU, in Windows' format, is what x86-msi-hi-test
shows.

Linux must also switch to physical x2APIC destination mode, which the
FADT's physical flag asks for on 11.0 (fadt-apic-mode), where pc-q35-10.2
and fadt-apic-mode=cluster give cluster x2APIC mode.
Last, the guest programs an edu device (outside the IOMMU too) with a
Windows-format MSI to APIC ID 256 (tests/guest/msi-hi.sh), which must
arrive on that vCPU: the part of this test that stock QEMU fails.

The same guest must work, as before the series, on pc-q35-10.2 and on 11.0
with every new property off, where the Windows-format MSI stays a memory
write as it always was.  With STOCK_QEMU, stock 10.2.2 runs the guest too,
for comparison: it has no pc-q35-11.0, and on pc-q35-10.2 it passes all
but the Windows-format MSI, since Linux itself uses neither of Windows'
formats.  Stock delivering that MSI would fail the test: it would no longer
show what the series adds.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import ACCEL, INITRD, KERNEL, prepare, run_guest_test, verdict  # noqa: E402,E501

# Every property the series adds, off (or at its old behaviour)
ALL_OFF = ['-machine', 'msi-addr-hi-dest=off,fadt-apic-mode=cluster,'
           'amd-ht-hole=off',
           '-global', 'intel-iommu.amd-ioapic-format=off',
           '-global', 'intel-iommu.x-ioapic-source-id=off',
           '-global', 'ioapic.x-eoi-remapped-vector=false']


def run(binary, machine, extra, workdir, name):
    """Boot the guest; return its findings as a dict, or None if it failed"""
    args = (['-machine', machine + ',default-bus-bypass-iommu=on'] + ACCEL +
            extra +
            ['-device', 'intel-iommu,intremap=on,eim=on,dma-translation=off',
             '-cpu', 'qemu64,x2apic=on',
             '-smp', '1,sockets=3,cores=65,threads=1,maxcpus=195',
             '-device', 'qemu64-x86_64-cpu,socket-id=2,core-id=0,thread-id=0',
             '-m', '1G', '-device', 'virtio-rng-pci', '-device', 'edu',
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet lg.test=windows-config '
                        'lg.dest=256'])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'windows-config')
    if out is None:
        return None
    found = {
        'apic': {int(c): int(a) for c, a in
                 re.findall(r'^cpu: (\d+) apicid (\d+)', out, re.M)},
        'remap': (re.findall(r'^irq remapping: (.*)$', out, re.M) or ['?'])[0],
        'routing': (re.findall(r'^apic routing: (.*)$', out, re.M) or ['?'])[0],
        'ioapic': re.search(r'^ioapic: 4 (\S+) (\d+) (\d+)$', out, re.M),
        'virtio': sum(int(n) for n in
                      re.findall(r'^virtio: \S+ \S+ (\d+)$', out, re.M)),
        'virtio_chip': ','.join(sorted(set(
            re.findall(r'^virtio: \S+ (\S+) \d+$', out, re.M)))) or '?',
        'rng': int((re.findall(r'^rng: (\d+)$', out, re.M) or ['0'])[0]),
        'took': (re.findall(r'^took: (\S+)$', out, re.M) or ['?'])[0],
    }
    io = found['ioapic']
    print('  %s (%.0f s): cpus %s; %s; APIC routing: %s; IRQ 4 (%s) on CPU %s: %s; '
          'virtio-rng: %d interrupts (%s), %d bytes read; '
          'Windows-format MSI taken by CPU.vector: %s' %
          (name, time.time() - t0,
           ' '.join('%d=apic %d' % kv for kv in sorted(found['apic'].items())),
           found['remap'], found['routing'], io.group(1) if io else '?',
           io.group(2) if io else '?', io.group(3) if io else '?',
           found['virtio'], found['virtio_chip'], found['rng'],
           found['took']))
    return found


def problems(found, windows_msi, routing):
    """What the guest found wrong, as a list of strings; WINDOWS_MSI: whether
    the Windows-format MSI must arrive on APIC ID 256, else nowhere;
    ROUTING: the APIC driver Linux must choose (the FADT's physical
    destination mode flag makes it physical x2apic), or None"""
    if found is None:
        return ['the guest did not run its test']
    bad = []
    if 256 not in found['apic'].values():
        bad.append('the vCPU with APIC ID 256 is not online')
    if found['remap'] != 'Enabled IRQ remapping in x2apic mode':
        bad.append('no interrupt remapping in x2APIC mode')
    if routing and found['routing'] != routing:
        bad.append('APIC routing is %s, not %s' % (found['routing'], routing))
    io = found['ioapic']
    if not io or not io.group(1).startswith('IR-') or int(io.group(3)) == 0:
        bad.append('IRQ 4 was not remapped to and counted on APIC ID 256')
    if found['virtio'] == 0 or found['rng'] == 0:
        bad.append('virtio-rng outside the IOMMU did not interrupt')
    took = found['took'].split('.')
    if windows_msi and (len(took) != 2 or int(took[1]) != 0xb0 or
                        found['apic'].get(int(took[0])) != 256):
        bad.append('the Windows-format MSI did not arrive on APIC ID 256')
    if not windows_msi and found['took'] != 'none':
        bad.append('the Windows-format MSI was delivered (%s)' % found['took'])
    return bad


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, machine, extra, windows_msi, routing in [
                ('series-11.0', 'pc-q35-11.0', [], True, 'physical x2apic'),
                ('series-10.2', 'pc-q35-10.2', [], False, 'cluster x2apic'),
                ('series-11.0-all-off', 'pc-q35-11.0', ALL_OFF, False,
                 'cluster x2apic')]:
            found = run(qemu, machine, extra, workdir, name)
            failed += ['%s: %s' % (name, p) for p in
                       problems(found, windows_msi, routing)]
        if stock and os.access(stock, os.X_OK):
            for name, machine in [('stock-11.0', 'pc-q35-11.0'),
                                  ('stock-10.2', 'pc-q35-10.2')]:
                found = run(stock, machine, [], workdir, name)
                bad = problems(found, True, None)
                print('  %s, for comparison: %s' %
                      (name, '; '.join(bad) if bad else 'passes'))
                if found and found['took'] not in ('none', '?'):
                    failed.append('%s delivered the Windows-format MSI' %
                                  name)
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
