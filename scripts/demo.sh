#!/bin/sh
# The README's demo: stock behaviour (the 10.2 machine types, which keep
# stock 10.2.2's guest ABI) against the series (11.0), side by side, with
# the built QEMU under the qtest accelerator.
set -eu
. "$(dirname "$0")/common.sh"

QEMU=$OBJ/qemu-system-x86_64
[ -x "$QEMU" ] || die "$QEMU is not built; run 'make build'"

echo "== The machine types (qemu-system-x86_64 -machine help)"
"$QEMU" -machine help | grep -E '^(pc|q35|pc-(q35|i440fx)-(11\.0|10\.2)) '

echo
echo "== A guest with 1100 GiB of RAM and an AMD vCPU: the memory map around"
echo "   the HyperTransport hole (1012 to 1024 GiB), from the E820 table"
python3 "$TOP/scripts/demo-ht-hole.py" "$QEMU"

echo
echo "== A Windows guest with more than 255 vCPUs: q35 with"
echo "   default-bus-bypass-iommu=on, intel-iommu,intremap=on,eim=on,"
echo "   dma-translation=off, and a vCPU with APIC ID 0x101.  An edu device"
echo "   outside the IOMMU sends the Windows-format MSI of the original report."
python3 "$TOP/scripts/demo-windows.py" "$QEMU"
