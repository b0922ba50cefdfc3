#!/bin/sh
# Write each series of build/series/qemu back to its directory of patches/:
# the commits from the branch of the series before it (or 'upstream') to
# the branch of its name, with a cover letter, and lists them all in
# patches/series (NAME/FILE, series after series).  Every
# option that shapes the output is pinned, and the user's git configuration
# is ignored (common.sh), so exporting an unchanged tree reproduces the
# files byte for byte.  The cover letter keeps the subject and text of
# patches/NAME/0000-cover-letter.patch; its shortlog, diffstat, date and Cc
# list (scripts/get_maintainer.pl) are regenerated.
#
#   export.sh            replace patches/series and patches/*/ with the tree's
#   export.sh --to DIR   write them to DIR/NAME/ instead (for comparisons)
#   export.sh --compare DIR   diff DIR's series and NAME/ against patches/
set -eu
. "$(dirname "$0")/common.sh"

out=$PATCHES
case "${1:-}" in
--to) out=$2 ;;
--compare)
    status=0
    diff "$PATCHES/series" "$2/series" || status=1
    for name in $(series_names); do
        diff -r "$PATCHES/$name" "$2/$name" || status=1
    done
    exit $status ;;
esac

[ -d "$TREE/.git" ] || die "no tree at ${TREE#$TOP/}; run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain)" ] ||
    die "${TREE#$TOP/} has uncommitted changes; commit or discard them before exporting"
last=$(last_series)
[ "$(git -C "$TREE" symbolic-ref --short HEAD 2>/dev/null)" = "$last" ] ||
    die "${TREE#$TOP/} must have branch '$last' (the last series) checked out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in $(series_names); do
    base=$(series_base "$name")
    git -C "$TREE" rev-parse -q --verify "refs/heads/$name" >/dev/null ||
        die "${TREE#$TOP/} has no branch '$name'; run 'make tree'"
    [ "$(git -C "$TREE" merge-base "$base" "$name")" = "$(git -C "$TREE" rev-parse "$base")" ] ||
        die "branch '$name' is not based on '$base'; rebase with 'git rebase -i --update-refs upstream'"
    dir=$tmp/$name
    # The cover letter's From: is the committer's identity.
    GIT_COMMITTER_NAME=$(git -C "$TREE" log -1 --format=%an "$name") \
    GIT_COMMITTER_EMAIL=$(git -C "$TREE" log -1 --format=%ae "$name") \
    git -C "$TREE" format-patch -q -o "$dir" \
        --zero-commit --no-signature --numbered --subject-prefix=PATCH \
        --cover-letter --no-thread --no-attach --no-notes --no-base \
        --suffix=.patch --filename-max-length=64 \
        -O/dev/null --abbrev=12 --diff-algorithm=myers --no-renames \
        --stat=80 --stat-graph-width=40 --no-color \
        "$base..$name"
    (cd "$dir" && ls -1 -- *.patch | grep -v '^0000-cover-letter') > "$tmp/$name.list"
    # shellcheck disable=SC2046
    # (sorted: get_maintainer.pl's order of equals varies between runs),
    # and the Cc: trailers of the patches (qemu-stable), as send-email adds
    { (cd "$TREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git-fallback \
          $(sed "s|^|$dir/|" "$tmp/$name.list") 2>/dev/null) ||
          die "scripts/get_maintainer.pl failed on series $name"
      (cd "$dir" && awk '/^---$/ { nextfile } sub(/^Cc: /, "")' $(cat "$tmp/$name.list"))
    } | LC_ALL=C sort -u > "$dir/cc"
    python3 "$TOP/scripts/cover-letter.py" "$dir/0000-cover-letter.patch" \
        "$PATCHES/$name/0000-cover-letter.patch" "$dir/cc" \
        "$(git -C "$TREE" log -1 --format=%aD "$name")"
    rm "$dir/cc"
done

names=$(series_names)
{
    echo "# The series, in the order they apply on QEMU $QEMU_VERSION; patches/NAME/"
    echo "# holds the patches of series NAME and its cover letter (make export)."
    for name in $names; do
        sed "s|^|$name/|" "$tmp/$name.list"
    done
} > "$tmp/series"
mkdir -p "$out"
for name in $names; do
    mkdir -p "$out/$name"
    rm -f "$out/$name"/*.patch
    cp "$tmp/$name"/* "$out/$name"/
    echo "export: $name: $(grep -c . "$tmp/$name.list") patches and a cover letter written to $out/$name"
done
cp "$tmp/series" "$out/series"
