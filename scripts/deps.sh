#!/bin/sh
# Install the Debian packages that the build, the tests and the demo need.
# Idempotent: does nothing but a dpkg query when everything is installed.
#
# meson >= 1.5 and python3-pycotap come from bookworm-backports, because the
# QEMU tarball ships no Python wheels and configure runs offline.  The extra
# apt source (backports plus deb-src) is derived from the machine's own
# Debian entry, so no host name is written here.
set -eu

PKGS="build-essential ninja-build pkg-config ccache git python3 python3-venv
 flex bison libglib2.0-dev libpixman-1-dev zlib1g-dev libslirp-dev
 libcap-ng-dev libattr1-dev
 seabios ipxe-qemu ovmf qemu-system-data acpica-tools
 device-tree-compiler valgrind clang libclang-rt-14-dev busybox-static linux-image-amd64 cpio xz-utils
 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"
BACKPORTS_PKGS="meson python3-pycotap"

missing=
for p in $PKGS $BACKPORTS_PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
        missing="$missing $p"
done
# The backports meson is the one we need; bookworm's 1.0 is too old.
mesonv=$(dpkg-query -W -f='${Version}' meson 2>/dev/null || true)
if [ -n "$mesonv" ] && dpkg --compare-versions "$mesonv" lt 1.5; then
    missing="$missing meson"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing" >&2
    echo "deps: run 'make deps' as root, or install them yourself" >&2
    exit 1
fi

src=/etc/apt/sources.list.d/large-guests-backports.sources
if [ ! -f "$src" ]; then
    base=/etc/apt/sources.list.d/debian.sources
    if [ -f "$base" ]; then
        # First stanza with a bookworm suite: keep its URIs and keyring.
        uri=$(awk '/^URIs:/{u=$2} /^Suites:.*bookworm( |$)/{print u; exit}' "$base")
        key=$(awk '/^Signed-By:/{print $2; exit}' "$base")
    else
        uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
        key=/usr/share/keyrings/debian-archive-keyring.gpg
    fi
    if [ -z "$uri" ]; then
        echo "deps: no Debian bookworm entry found in the apt sources" >&2
        exit 1
    fi
    cat > "$src" <<EOT
# Added by the large-guests series tooling (scripts/deps.sh):
# meson >= 1.5 and python3-pycotap for building QEMU 10.2.
Types: deb deb-src
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
EOT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $PKGS
apt-get install -y -q --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS
