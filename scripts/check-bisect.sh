#!/bin/sh
# Build the series one patch at a time and run the quick checks after each,
# so that every patch is shown to build and pass on its own (bisectability).
# Uses a second git tree (build/bisect) beside build/series so the main
# tree and its build stay untouched; ccache keeps each step incremental.
#
#   SERIES=NAME   only that series' patches (on the series before it);
#                 default: every series, from upstream on
#   FROM=N        start at the series' patch N (the ones before it are
#                 skipped, not checked)
set -eu
. "$(dirname "$0")/common.sh"

BISECT=$BUILD/bisect/qemu
BISECT_OBJ=$BUILD/bisect/obj
[ -d "$TREE/.git" ] || die "no tree at ${TREE#$TOP/}; run 'make tree' first"

if [ -n "${SERIES:-}" ]; then
    range="$(series_base "$SERIES")..$SERIES"
else
    range="upstream..$(last_series)"
fi
if [ ! -d "$BISECT/.git" ]; then
    mkdir -p "$BUILD/bisect"
    git clone -q "$TREE" "$BISECT"
fi
git -C "$BISECT" fetch -q "$TREE" "${range#*..}"
from=${FROM:-1}
n=0
for c in $(git -C "$TREE" rev-list --reverse "$range"); do
    n=$((n + 1))
    [ "$n" -ge "$from" ] || continue
    subj=$(git -C "$TREE" log -1 --format=%s "$c")
    echo "== ${SERIES:-all} patch $n: $subj"
    git -C "$BISECT" checkout -q --detach "$c"
    "$TOP/scripts/build.sh" "$BISECT" "$BISECT_OBJ" > "$BUILD/bisect/build-$n.log" 2>&1 ||
        { tail -20 "$BUILD/bisect/build-$n.log"; die "patch $n ($subj) does not build"; }
    SERIES_TREE=$BISECT SERIES_OBJ=$BISECT_OBJ "$TOP/tests/check.sh" --quick ||
        die "patch $n ($subj) fails the quick checks"
done
echo "check-bisect: ${SERIES:-all series}: patches $from to $n of $range build and pass the quick checks"
