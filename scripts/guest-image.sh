#!/bin/sh
# Build the small Linux guest the guest tests boot: Debian's kernel and a
# busybox initramfs whose /init loads a few modules and runs the test script
# named on the kernel command line (lg.test=NAME runs tests/guest/NAME.sh).
#
# Also the initramfs of L1, the Linux host that the nested KVM stage boots
# under TCG (tests/lib/nested-kvm.sh): its /init mounts the machine's root
# read-only over virtio-9p, chroots there, loads kvm_amd and runs the
# command that the stage left in the directory named by lg.out=.
#
# Output: build/guest/vmlinuz, build/guest/initramfs.cpio.gz and
# build/guest/l1-initramfs.cpio.gz (rebuilt when the kernel or the scripts
# change).
set -eu
. "$(dirname "$0")/common.sh"

GUEST=$BUILD/guest
kver=$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)
[ -n "$kver" ] && [ -f "/boot/vmlinuz-$kver" ] ||
    die "no Debian kernel installed; run 'make deps' (package linux-image-amd64)"
[ -x /bin/busybox ] || die "busybox-static is not installed; run 'make deps'"

# Modules the tests use, with their dependencies from modules.dep.
MODULES="virtio_pci virtio_rng virtio_blk virtio_net uio_pci_generic e1000e nvme"
# Modules L1 needs before it can reach the machine's root.
L1_MODULES="virtio_pci 9pnet_virtio 9p overlay"

stamp=$(cat "$0" /boot/vmlinuz-"$kver" "$TOP"/tests/guest/*.sh "$TOP"/tests/lib/*-init.sh "$TOP"/tests/lib/init-common.sh | sha256sum | cut -c1-16)
if [ "$(cat "$GUEST/.stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi

moddir=/lib/modules/$kver
add_module() {
    local path dep
    path=$(awk -v m="/$1.ko" 'index($1, m) { sub(":", "", $1); print $1; exit }' \
           "$moddir/modules.dep")
    [ -n "$path" ] || return 1
    for dep in $(awk -v p="$path:" '$1 == p { $1 = ""; print }' "$moddir/modules.dep"); do
        add_module "$(basename "$dep" .ko)"
    done
    case " $order " in *" $path "*) return ;; esac
    order="$order $path"
}

# busybox_root DIR MODULES...: a busybox root in DIR, with the modules and
# their dependencies in DIR/modules, their load order in DIR/modules/order.
busybox_root() {
    root=$1
    shift
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
             "$root/modules"
    cp /bin/busybox "$root/bin/busybox"
    for app in $(/bin/busybox --list); do
        [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
    done
    order=
    # Module file names mix '_' and '-' (virtio_pci.ko, virtio-rng.ko).
    for m in "$@"; do
        add_module "$m" || add_module "$(echo "$m" | tr _ -)" ||
            die "module $m not found in $moddir"
    done
    for path in $order; do
        cp "$moddir/$path" "$root/modules/"
        basename "$path" >> "$root/modules/order"
    done
}

# cpio_gz DIR INIT FILE: DIR with INIT as its /init, as FILE
cpio_gz() {
    cp "$TOP/tests/lib/init-common.sh" "$1/init-common.sh"
    cp "$2" "$1/init"
    chmod +x "$1/init"
    (cd "$1" && find . | cpio -o -H newc --quiet) | gzip -1 > "$3"
}

busybox_root "$GUEST/root" $MODULES
mkdir -p "$GUEST/root/tests"
cp "$TOP"/tests/guest/*.sh "$GUEST/root/tests/"
cpio_gz "$GUEST/root" "$TOP/tests/lib/guest-init.sh" "$GUEST/initramfs.cpio.gz"

busybox_root "$GUEST/l1-root" $L1_MODULES
cpio_gz "$GUEST/l1-root" "$TOP/tests/lib/l1-init.sh" "$GUEST/l1-initramfs.cpio.gz"

cp "/boot/vmlinuz-$kver" "$GUEST/vmlinuz"
echo "$stamp" > "$GUEST/.stamp"
echo "guest-image: Linux $kver with busybox in ${GUEST#$TOP/}"
