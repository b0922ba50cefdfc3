#!/usr/bin/env python3
"""The guest ABI guard.

1. Stock 10.2.2 against the series, on every existing machine type of the
   matrix: every fw_cfg item, the flat memory map, CPUID words and the
   migration device description must be identical (guest_abi.py).
2. The series' 11.0 machine types against its 10.2 ones: the differences
   must be exactly those listed in tests/abi/expected-11.0.txt, so that a
   patch that changes 11.0 updates that list on purpose.

    abi-compare.py STOCK-QEMU SERIES-QEMU OUTDIR [--only REGEX]

Prints a table and, last, 'N passed, N failed' over the configurations.
"""

import filecmp
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest_abi  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_11 = os.path.join(HERE, 'expected-11.0.txt')

AMD = 'EPYC'
INTEL = 'Skylake-Server'


def ram(size, nodes=1):
    """Shared file-backed RAM (an unlinked sparse file) that the migration
    stream skips; reserve=off so that a 1100 GiB guest needs no memory."""
    backend = ('memory-backend-file,id=ram%d,size=' + size +
               ',mem-path=@RAMDIR@,share=on,reserve=off')
    if nodes == 1:
        return ['-object', backend % 0, '-machine', 'memory-backend=ram0']
    args = []
    for n in range(nodes):
        args += ['-object', backend % n,
                 '-numa', 'node,nodeid=%d,memdev=ram%d' % (n, n)]
    return args


IOMMU_IR = ['-device', 'intel-iommu,intremap=on,eim=on']
BYPASS = ['-machine', 'default-bus-bypass-iommu=on']
# More than 255 vCPUs need the SMBIOS 3.0 entry point on machines up to 7.x.
SMBIOS3 = ['-machine', 'smbios-entry-point-type=64']

# name -> (QEMU arguments, q35 only)
VARIANTS = {
    'amd-small': (['-cpu', AMD, '-m', '512M'] + ram('512M'), False),
    'intel-small': (['-cpu', INTEL, '-m', '512M'] + ram('512M'), False),
    # a small guest whose address space could reach the hole
    'amd-small-48bits': (['-cpu', AMD + ',phys-bits=48', '-m', '512M']
                         + ram('512M'), False),
    'amd-1100G': (['-cpu', AMD + ',phys-bits=48', '-m', '1100G']
                  + ram('1100G'), False),
    'intel-1100G': (['-cpu', INTEL + ',phys-bits=48', '-m', '1100G']
                    + ram('1100G'), False),
    # RAM ends below the HT hole and the 64-bit PCI window would cross it
    'amd-1000G': (['-cpu', AMD + ',phys-bits=48', '-m', '1000G']
                  + ram('1000G'), False),
    'amd-1100G-40bits': (['-cpu', AMD, '-m', '1100G'] + ram('1100G'), False),
    'amd-maxmem-hole': (['-cpu', AMD + ',phys-bits=48',
                         '-m', '4G,slots=1,maxmem=1100G'] + ram('4G'), False),
    'amd-maxmem-hole-40bits': (['-cpu', AMD, '-m', '4G,slots=1,maxmem=1100G']
                               + ram('4G'), False),
    'intel-maxmem-hole': (['-cpu', INTEL + ',phys-bits=48',
                           '-m', '4G,slots=1,maxmem=1100G'] + ram('4G'),
                          False),
    'amd-numa2': (['-cpu', AMD, '-m', '1G', '-smp', '2'] + ram('512M', 2),
                  False),
    'amd-numa2-1100G': (['-cpu', AMD + ',phys-bits=48', '-m', '1100G',
                         '-smp', '2'] + ram('550G', 2), False),
    'amd-smp9': (['-cpu', AMD, '-m', '512M', '-smp', '9'] + ram('512M'),
                 False),
    'intel-smp9': (['-cpu', INTEL, '-m', '512M', '-smp', '9'] + ram('512M'),
                   False),
    'amd-smp288-ir': (['-cpu', AMD + ',+x2apic', '-m', '512M', '-smp', '288']
                      + ram('512M') + IOMMU_IR + SMBIOS3, True),
    'amd-ir': (['-cpu', AMD, '-m', '512M', '-smp', '2'] + ram('512M')
               + IOMMU_IR, True),
    'amd-ir-bypass': (['-cpu', AMD, '-m', '512M', '-smp', '2'] + ram('512M')
                      + IOMMU_IR + BYPASS, True),
    'amd-smp288-ir-bypass': (['-cpu', AMD + ',+x2apic', '-m', '512M',
                              '-smp', '288'] + ram('512M') + IOMMU_IR
                             + BYPASS + SMBIOS3, True),
}

# isapc has no versions: the series must leave it as stock has it
STOCK_MACHINES = ['pc-q35-10.2', 'pc-i440fx-10.2', 'pc-q35-10.1',
                  'pc-q35-7.1', 'pc-q35-7.0', 'pc-i440fx-7.0', 'isapc']
NEW_PAIRS = [('pc-q35-11.0', 'pc-q35-10.2'),
             ('pc-i440fx-11.0', 'pc-i440fx-10.2')]


def oldest_machines(qemu):
    """The oldest q35 and i440fx types the stock binary still has."""
    import subprocess
    out = subprocess.run([qemu, '-machine', 'help'], capture_output=True,
                         text=True, check=True).stdout
    found = []
    for kind in ('q35', 'i440fx'):
        vers = re.findall(r'^pc-%s-(\d+)\.(\d+) ' % kind, out, re.M)
        if vers:
            v = min((int(a), int(b)) for a, b in vers)
            found.append('pc-%s-%d.%d' % (kind, v[0], v[1]))
    return found


def run(qemu, machine, args, outdir):
    """Dump one configuration; returns None or the reason it did not start."""
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    try:
        guest_abi.dump(qemu, ['-machine', machine] + args, outdir)
        return None
    except guest_abi.QemuError as e:
        return str(e)


def differing_files(a, b):
    diffs = []
    for root, _, files in os.walk(a):
        for f in files:
            pa = os.path.join(root, f)
            rel = os.path.relpath(pa, a)
            pb = os.path.join(b, rel)
            if not os.path.exists(pb) or not filecmp.cmp(pa, pb, False):
                diffs.append(rel)
    for root, _, files in os.walk(b):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), b)
            if not os.path.exists(os.path.join(a, rel)):
                diffs.append(rel)
    return sorted(set(diffs))


def configurations(machines):
    for machine in machines:
        for name, (args, q35_only) in VARIANTS.items():
            if q35_only and 'q35' not in machine:
                continue
            yield machine, name, args


def rename_machine(outdir, new, old):
    """SMBIOS type 1 names the machine type: a dump of NEW says OLD where it
    does, so that only real differences remain (the names are as long)."""
    assert len(new) == len(old)
    for root, _, files in os.walk(outdir):
        for f in files:
            path = os.path.join(root, f)
            with open(path, 'rb') as fh:
                data = fh.read()
            if new.encode() in data:
                with open(path, 'wb') as fh:
                    fh.write(data.replace(new.encode(), old.encode()))


def compare(qa, ma, qb, mb, name, args, outdir):
    """Returns (status, detail, differing files)."""
    da = os.path.join(outdir, 'a')
    db = os.path.join(outdir, 'b')
    ea = run(qa, ma, args, da)
    eb = run(qb, mb, args, db)
    if ma != mb and not eb:
        rename_machine(db, mb, ma)
    if ea or eb:
        if ea and eb:
            if ea == eb:
                return 'refused', ea, []
            return 'DIFF', 'both refused, differently: %s / %s' % (ea, eb), \
                ['(refusal)']
        return 'DIFF', 'only one started: %s' % (ea or eb), ['(start)']
    diffs = differing_files(da, db)
    return ('DIFF' if diffs else 'same'), ', '.join(diffs), diffs


def main():
    args = sys.argv[1:]
    only = None
    if '--only' in args:
        i = args.index('--only')
        only = re.compile(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    stock, series, outdir = args
    t0 = time.time()
    passed = failed = refused = 0

    print('== 1. stock 10.2.2 against the series, existing machine types')
    print('%-16s %-24s %s' % ('machine', 'configuration', 'result'))
    machines = STOCK_MACHINES + oldest_machines(stock)
    for machine, name, qargs in configurations(machines):
        if only and not only.search('%s %s' % (machine, name)):
            continue
        status, detail, _ = compare(stock, machine, series, machine, name,
                                    qargs, os.path.join(outdir, machine, name))
        print('%-16s %-24s %s%s' % (machine, name, status,
                                    ': ' + detail if detail else ''))
        if status == 'DIFF':
            failed += 1
        else:
            passed += 1
            refused += status == 'refused'

    print('== 2. the series: 11.0 against 10.2 (expected: %s)'
          % os.path.relpath(EXPECTED_11))
    expected = set()
    with open(EXPECTED_11) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                expected.add(tuple(line.split()))
    for new, old in NEW_PAIRS:
        for _, name, qargs in configurations([new]):
            if only and not only.search('%s %s' % (new, name)):
                continue
            status, detail, diffs = compare(series, old, series, new, name,
                                            qargs,
                                            os.path.join(outdir, new, name))
            want = sorted(f for m, n, f in expected if m == new and n == name)
            if sorted(diffs) == want:
                passed += 1
                result = 'as expected' + (' (%s)' % ', '.join(diffs)
                                          if diffs else ' (same)')
                if status == 'refused':
                    result = 'refused by both: ' + detail
                    refused += 1
            else:
                failed += 1
                result = 'UNEXPECTED: differs in [%s], expected [%s]%s' % (
                    ', '.join(diffs), ', '.join(want),
                    ' (%s)' % detail if status != 'DIFF' else '')
            print('%-16s %-24s %s' % (new, name, result))

    print('configurations compared: %d, unintended differences: %d, '
          'refused alike by both: %d, %.0f s'
          % (passed + failed, failed, refused, time.time() - t0))
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
