#!/bin/sh
# Configure (once) and build qemu-system-x86_64 plus the test programs that
# 'make check' runs, from a source tree into a build directory.
#
#   build.sh [SRC OBJ [TARGET...]]
#
# SRC and OBJ default to the series tree and its build directory; TARGETs to
# the emulator and the test programs named in tests/qemu-tests.txt.
#
# Only x86_64-softmmu and the features the tests need are configured;
# virtfs is one, for the nested KVM stage, whose outer QEMU (L0) is this
# build and exports the host's root to the Linux host (L1) that runs KVM.  The
# Debian tarball has no firmware blobs: firmware comes from Debian's seabios,
# ipxe-qemu and qemu-system-data packages through --firmwarepath.  meson
# still names the stripped edk2 images as inputs of targets we never build,
# so empty stand-ins are created for them, ignored through .git/info/exclude
# so that they never reach a patch.
set -eu
. "$(dirname "$0")/common.sh"

src=${1:-$TREE}
obj=${2:-$OBJ}
[ $# -gt 2 ] && shift 2 || set --
[ -x "$src/configure" ] || die "no QEMU source at $src; run 'make tree' first"

CONFIGURE_FLAGS="--target-list=x86_64-softmmu --without-default-features
 --enable-tcg --enable-kvm --enable-slirp --enable-trace-backends=log
 --enable-virtfs --enable-attr --enable-cap-ng
 --enable-werror --disable-docs --disable-rust --disable-download
 --disable-install-blobs
 --python=/usr/bin/python3
 --firmwarepath=/usr/share/seabios:/usr/lib/ipxe/qemu:/usr/share/qemu"

# The emulator, and the QEMU test programs that tests/check.sh runs.
BUILD_TARGETS=${*:-"qemu-system-x86_64
 $(awk '$1 ~ /^[0-9]+$/ { print $2 }' "$TOP/tests/qemu-tests.txt" | sort -u)"}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Stock and series trees sit at the same depth, so with BASEDIR and
# NOHASHDIR both builds share ccache entries for the files they share.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

mkdir -p "$obj"
flags=$(echo $CONFIGURE_FLAGS)
if [ ! -f "$obj/build.ninja" ] || [ "$(cat "$obj/.configure-flags" 2>/dev/null)" != "$flags" ]; then
    for f in $(sed -n "s/^ *'\(edk2-.*\.fd\)',$/\1/p" "$src/pc-bios/meson.build"); do
        [ -e "$src/pc-bios/$f.bz2" ] && continue
        : > "$src/pc-bios/$f.bz2"
        if [ -d "$src/.git" ] && ! grep -qx "/pc-bios/$f.bz2" "$src/.git/info/exclude"; then
            echo "/pc-bios/$f.bz2" >> "$src/.git/info/exclude"
        fi
    done
    (cd "$obj" && "$src/configure" $flags --cc="ccache gcc" --cxx="ccache g++" \
         --objcc="ccache gcc" \
         > configure.log 2>&1) ||
        { tail -30 "$obj/configure.log" >&2; die "configure failed (see ${obj#$TOP/}/configure.log)"; }
    echo "$flags" > "$obj/.configure-flags"
fi

jobs=${JOBS:-$(($(nproc) + 1))}
echo "build: ninja -j$jobs in ${obj#$TOP/}"
# A test program that a later patch adds is not a target yet (check-bisect);
# regenerate build.ninja first, so that one the tree just added is.
ninja -C "$obj" build.ninja >/dev/null
targets=
for t in $BUILD_TARGETS; do
    ninja -C "$obj" -t query "$t" >/dev/null 2>&1 && targets="$targets $t"
done
ninja -C "$obj" -j"$jobs" $targets

# A QEMU run from its build directory relocates the firmware path into
# qemu-bundle/: point those places at Debian's firmware packages.
for d in $(echo "$CONFIGURE_FLAGS" | sed -n 's/.*--firmwarepath=\([^ ]*\).*/\1/p' | tr : ' '); do
    mkdir -p "$obj/qemu-bundle$(dirname "$d")"
    ln -sfn "$d" "$obj/qemu-bundle$d"
done
