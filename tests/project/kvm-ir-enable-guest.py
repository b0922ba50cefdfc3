#!/usr/bin/env python3
"""I/O APIC entries programmed before interrupt remapping is enabled.

With a split irqchip under KVM, each I/O APIC pin is a KVM MSI route that
QEMU translates through intel-iommu's int_remap when it is set up and
again when the IOMMU reports an interrupt entry cache invalidation.  The
guest (tests/guest/ir-enable.sh, Linux with intremap=off) points the IRT
at one IRTE (vector 0xd1), writes remappable-format redirection entries
whose own vector field is 0xd0, and only then enables remapping; edu's
INTx then fires on one of those pins.  The interrupt must arrive with
vector 0xd1.  10.2.2 reports no invalidation when remapping is enabled,
so under KVM the pins keep the routes computed while it was off, and
deliver 0xd0: the fixes series' "intel_iommu: update interrupt routes
when remapping is switched on or off" is what this test shows.  Under
TCG QEMU's I/O APIC translates every interrupt when it is sent, and stock
passes too.  The series on pc-q35-11.0 and pc-q35-10.2 (with
amd-ioapic-format off: Linux's own entries stay in the compatibility
format, which VT-d passes through without EIME); stock 10.2.2
(STOCK_QEMU) for comparison.

Environment: QEMU (series build), STOCK_QEMU (optional), TOP.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'lib'))
from guest import (ACCEL, INITRD, KERNEL, KVM, prepare,  # noqa: E402
                   run_guest_test, verdict)

IRT = 0x1f000000        # 64 KiB that memmap= keeps from Linux
# qemu64 is an AMD model: on 11.0, amd-ioapic-format would look Linux's own
# compatibility-format entries (intremap=off) up in the IRT
SERIES_ARGS = ['-global', 'intel-iommu.amd-ioapic-format=off']


def run(binary, machine, workdir, name, extra=()):
    """Boot the guest; return the vectors taken, or None"""
    args = (['-machine', machine] + ACCEL + list(extra) +
            ['-cpu', 'qemu64', '-smp', '2', '-m', '512M',
             '-device', 'intel-iommu,intremap=on,dma-translation=off',
             '-device', 'edu',
             '-kernel', KERNEL, '-initrd', INITRD,
             '-append', 'console=ttyS0 quiet iomem=relaxed intremap=off '
                        'memmap=64K$0x%x lg.irt=0x%x lg.test=ir-enable' %
                        (IRT, IRT)])
    t0 = time.time()
    out = run_guest_test(binary, args, workdir, name, 'ir-enable')
    if out is None:
        return None
    gsts = re.findall(r'^gsts: (\S+)$', out, re.M)
    took = sorted({int(v) for v in
                   re.findall(r'^took: \d+\.(\d+)$', out, re.M)})
    print('  %s (%.0f s): VT-d status %s; vectors taken: %s' %
          (name, time.time() - t0, ' then '.join(gsts),
           ' '.join('0x%x' % v for v in took) or 'none'))
    return took


def main():
    qemu = os.environ['QEMU']
    stock = os.environ.get('STOCK_QEMU')
    prepare()
    failed = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, machine in [('series-11.0', 'pc-q35-11.0'),
                              ('series-10.2', 'pc-q35-10.2')]:
            took = run(qemu, machine, workdir, name, SERIES_ARGS)
            if took != [0xd1]:
                failed.append('%s: the interrupt did not arrive with the '
                              'IRTE\'s vector 0xd1 alone: %s' % (name, took))
        if stock and os.access(stock, os.X_OK):
            took = run(stock, 'pc-q35-10.2', workdir, 'stock-10.2')
            print('  stock-10.2, for comparison: %s' %
                  ('delivers the IRTE\'s vector' if took == [0xd1] else
                   'does not deliver the IRTE\'s vector alone (%s)' % took))
            if KVM and took != [0xd0]:
                failed.append('stock-10.2 under KVM does not deliver the '
                              'stale route\'s vector 0xd0 (%s): the test '
                              'does not show the fix' % took)
    return verdict(failed)


if __name__ == '__main__':
    sys.exit(main())
