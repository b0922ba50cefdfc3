#!/bin/sh
# The README's demo: what the series adds, shown with the built QEMU.
set -eu
. "$(dirname "$0")/common.sh"

QEMU=$OBJ/qemu-system-x86_64
[ -x "$QEMU" ] || die "$QEMU is not built; run 'make build'"

echo "== PC machine types of the series (qemu-system-x86_64 -machine help)"
"$QEMU" -machine help | grep -E '^(pc|q35|pc-(q35|i440fx)-(11\.0|10\.2)) '

echo
echo "== E820 of an 1100 GiB guest with an AMD vCPU, around the HT hole"
echo "   (0xfd00000000-0xffffffffff); read from fw_cfg under the qtest accelerator"
python3 "$TOP/scripts/demo-ht-hole.py" "$QEMU"
