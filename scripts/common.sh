# Shared settings of the tooling scripts; sourced, not run.
# shellcheck shell=sh

# Callers below the top level set TOP themselves before sourcing this.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
QEMU_VERSION=10.2.2
TARBALL_NAME=qemu_${QEMU_VERSION}+ds.orig.tar.xz
BUILD=$TOP/build
UPSTREAM=$BUILD/upstream         # pristine extracted tarball (fetch)
# check-bisect points the test scripts at its own tree with these two.
TREE=${SERIES_TREE:-$BUILD/series/qemu}  # git tree: upstream + a commit per patch
OBJ=${SERIES_OBJ:-$BUILD/series/obj}     # build directory of the series
STOCK=$BUILD/stock/qemu          # pristine copy for the ABI comparison
STOCK_OBJ=$BUILD/stock/obj
PATCHES=$TOP/patches                 # one directory per series (patches/series)

# Keep a user's git configuration from shaping anything we generate.
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL

die() {
    echo "$(basename "$0"): error: $*" >&2
    exit 1
}

# The series, in the order they apply on upstream.  patches/series lists
# every patch as NAME/FILE, series after series (as pve-qemu's does); the
# directory patches/NAME holds one series' format-patch files and its cover
# letter.  In the tree, each series is a branch of its name, stacked on the
# one before.
series_names() {
    grep -v '^#' "$PATCHES/series" | grep . | sed 's|/.*||' | awk '!seen[$0]++'
}

# The patch files of series NAME, in order
series_patches() {
    grep -v '^#' "$PATCHES/series" | sed -n "s|^$1/||p"
}

# The commit a series applies on: the branch of the series before it.
series_base() {
    base=upstream
    for s in $(series_names); do
        [ "$s" = "$1" ] && { echo "$base"; return 0; }
        base=$s
    done
    die "no series named '$1' in patches/series ($(series_names | tr '\n' ' '))"
}

last_series() {
    series_names | tail -n 1
}
