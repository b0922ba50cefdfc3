#!/bin/sh
# Write the commits of build/qemu after 'upstream' back to patches/ and
# patches/series.  Every option that shapes the output is pinned, and the
# user's git configuration is ignored (common.sh), so exporting an unchanged
# tree reproduces the patch files byte for byte.
#
#   export.sh            replace patches/ with the tree's commits
#   export.sh --to DIR   write them to DIR instead (for comparisons)
set -eu
. "$(dirname "$0")/common.sh"

out=$PATCHES
if [ "${1:-}" = --to ]; then
    out=$2
fi

[ -d "$TREE/.git" ] || die "no tree at ${TREE#$TOP/}; run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain)" ] ||
    die "${TREE#$TOP/} has uncommitted changes; commit or discard them before exporting"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q -o "$tmp" \
    --zero-commit --no-signature --no-numbered --subject-prefix=PATCH \
    --no-cover-letter --no-thread --no-attach --no-notes --no-base \
    --suffix=.patch --filename-max-length=64 \
    -O/dev/null --abbrev=12 --diff-algorithm=myers --no-renames \
    --stat=80 --stat-graph-width=40 --no-color \
    upstream..HEAD
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) > "$tmp/series"

mkdir -p "$out"
rm -f "$out"/*.patch "$out/series"
cp "$tmp"/* "$out"/ 2>/dev/null || true
echo "export: $(grep -c . "$out/series" || true) patches written to $out"
