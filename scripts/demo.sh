#!/bin/sh
# The README's demo: what the series adds, shown with the built QEMU.
set -eu
. "$(dirname "$0")/common.sh"

QEMU=$OBJ/qemu-system-x86_64
[ -x "$QEMU" ] || die "$QEMU is not built; run 'make build'"

echo "== PC machine types of the series (qemu-system-x86_64 -machine help)"
"$QEMU" -machine help | grep -E '^(pc|q35|pc-(q35|i440fx)-(11\.0|10\.2)) '
