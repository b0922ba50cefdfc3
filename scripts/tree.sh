#!/bin/sh
# Make build/series/qemu a git tree: one commit of pristine upstream
# (tagged 'upstream'), then each series of patches/series in order, one
# commit per patch applied with 'git am', and a branch of the series' name
# at its last patch; the last series' branch is checked out.  An existing
# tree is reset and re-applied in place, so files that did not change keep
# their timestamps and the next build stays incremental.
set -eu
. "$(dirname "$0")/common.sh"

"$TOP/scripts/fetch.sh"

# The import commit is the same everywhere: fixed identity and date.
export GIT_AUTHOR_NAME="QEMU upstream" GIT_AUTHOR_EMAIL="qemu-devel@nongnu.org"
export GIT_COMMITTER_NAME="large-guests tooling" GIT_COMMITTER_EMAIL="tooling@localhost"
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"

if [ ! -d "$TREE/.git" ]; then
    rm -rf "$TREE"
    mkdir -p "$TREE"
    (cd "$UPSTREAM" && tar -cf - --exclude=./.sha256 .) | tar -xf - -C "$TREE"
    git -C "$TREE" init -q -b "$(last_series)"
    git -C "$TREE" add -A -f .
    git -C "$TREE" commit -q -m "Import QEMU $QEMU_VERSION ($TARBALL_NAME)"
    git -C "$TREE" tag upstream
    # The series' branches are made below, each at its last patch.
    git -C "$TREE" checkout -q --detach upstream
    # Scratch files that QEMU's tests leave in the source tree when killed.
    echo '/tests/acpi-test-disk-*' >> "$TREE/.git/info/exclude"
else
    [ -z "$(git -C "$TREE" status --porcelain)" ] ||
        die "${TREE#$TOP/} has uncommitted changes; commit them and run 'make export', or discard them"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if "$TOP/scripts/export.sh" --to "$tmp" >/dev/null 2>&1 &&
       "$TOP/scripts/export.sh" --compare "$tmp" >/dev/null 2>&1; then
        # Already the series: leave the files (and the build) alone.
        echo "tree: ${TREE#$TOP/} is up to date with patches/"
        exit 0
    fi
    # patches/ changed.  Re-applying is safe over what tree.sh made last
    # time; commits made in the tree since then would be lost.
    if [ "${FORCE:-0}" != 1 ] &&
       [ "$(cat "$TREE/.git/lg-applied" 2>/dev/null)" != "$(git -C "$TREE" rev-parse HEAD)" ]; then
        die "${TREE#$TOP/} has commits that are not in patches/; run 'make export' first, or 'make tree FORCE=1' to discard them"
    fi
    git -C "$TREE" checkout -q --detach upstream
fi

unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE
summary=
for name in $(series_names); do
    n=0
    for p in $(series_patches "$name"); do
        if ! git -C "$TREE" am -q --no-3way "$PATCHES/$name/$p" >/dev/null 2>&1; then
            git -C "$TREE" am --abort 2>/dev/null || true
            # What is applied so far is tree.sh's own: a re-run may replace it.
            git -C "$TREE" rev-parse HEAD > "$TREE/.git/lg-applied"
            die "patch $name/$p does not apply on top of the patches before it (see: cd ${TREE#$TOP/} && git am $PATCHES/$name/$p)"
        fi
        n=$((n + 1))
    done
    git -C "$TREE" branch -f "$name" HEAD
    summary="$summary, $name ($n)"
done
git -C "$TREE" checkout -q "$(last_series)"
# Remember what tree.sh itself made: re-applying over it loses nothing.
git -C "$TREE" rev-parse HEAD > "$TREE/.git/lg-applied"
echo "tree: ${TREE#$TOP/} is upstream $QEMU_VERSION plus the series${summary#,}"
