#!/bin/sh
# Build stock QEMU 10.2.2 beside the series, with the same configure flags,
# for the guest ABI comparison.  The stock tree is a copy of the pristine
# tarball at the same depth as the series tree (build/stock/qemu and
# build/stock/obj), so the two builds share ccache entries; the build is
# kept as long as the tarball checksum does not change.
set -eu
. "$(dirname "$0")/common.sh"

"$TOP/scripts/fetch.sh"
want=$(cat "$UPSTREAM/.sha256")
if [ "$(cat "$STOCK/.sha256" 2>/dev/null)" != "$want" ]; then
    rm -rf "$STOCK" "$STOCK_OBJ"
    mkdir -p "$STOCK"
    (cd "$UPSTREAM" && tar -cf - .) | tar -xf - -C "$STOCK"
fi
if [ "$(cat "$STOCK_OBJ/.built-sha256" 2>/dev/null)" = "$want" ] &&
   [ -x "$STOCK_OBJ/qemu-system-x86_64" ]; then
    exit 0
fi
"$TOP/scripts/build.sh" "$STOCK" "$STOCK_OBJ" qemu-system-x86_64
echo "$want" > "$STOCK_OBJ/.built-sha256"
