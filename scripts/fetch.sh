#!/bin/sh
# Obtain the pristine QEMU source: verify the tarball against the checksum
# kept in upstream/SHA256SUMS and extract it to build/upstream.
#
# The tarball is QEMU_TARBALL if set, else ../shared/upstream/<name> beside
# this repository.  Debian 12's apt has no 10.2.2 source package.
set -eu
. "$(dirname "$0")/common.sh"

tarball=${QEMU_TARBALL:-$TOP/../shared/upstream/$TARBALL_NAME}
if [ ! -f "$tarball" ]; then
    die "QEMU source tarball not found: $tarball
  Get Debian's orig tarball of qemu 1:$QEMU_VERSION+ds-1 ($TARBALL_NAME,
  from the Debian archive's pool/main/q/qemu/ or 'apt-get source' on a
  release that has it) and run: make fetch QEMU_TARBALL=/path/to/$TARBALL_NAME"
fi

want=$(awk -v n="$TARBALL_NAME" '$2 == n { print $1 }' "$TOP/upstream/SHA256SUMS")
[ -n "$want" ] || die "upstream/SHA256SUMS has no entry for $TARBALL_NAME"
stamp=$UPSTREAM/.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

echo "fetch: verifying $tarball"
have=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$have" != "$want" ]; then
    die "checksum mismatch for $tarball
  expected $want (upstream/SHA256SUMS)
  got      $have
  The file is corrupt or not Debian's $TARBALL_NAME; fetch it again."
fi

rm -rf "$UPSTREAM" "$UPSTREAM.tmp"
mkdir -p "$UPSTREAM.tmp"
tar -xJf "$tarball" -C "$UPSTREAM.tmp" --strip-components=1
echo "$want" > "$UPSTREAM.tmp/.sha256"
mv "$UPSTREAM.tmp" "$UPSTREAM"
echo "fetch: QEMU $QEMU_VERSION extracted to ${UPSTREAM#$TOP/}"
