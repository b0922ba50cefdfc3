#!/bin/sh
# The guest ABI guard: stock 10.2.2 against the series (tests/abi/).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/common.sh"
exec python3 "$TOP/tests/abi/abi-compare.py" \
    "$STOCK_OBJ/qemu-system-x86_64" "$OBJ/qemu-system-x86_64" "$BUILD/abi" "$@"
