#!/bin/sh
# Build the small Linux guest the guest tests boot: Debian's kernel and a
# busybox initramfs whose /init loads a few modules and runs the test script
# named on the kernel command line (lg.test=NAME runs tests/guest/NAME.sh).
#
# Output: build/guest/vmlinuz and build/guest/initramfs.cpio.gz (rebuilt
# when the kernel or the scripts change).
set -eu
. "$(dirname "$0")/common.sh"

GUEST=$BUILD/guest
kver=$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)
[ -n "$kver" ] && [ -f "/boot/vmlinuz-$kver" ] ||
    die "no Debian kernel installed; run 'make deps' (package linux-image-amd64)"
[ -x /bin/busybox ] || die "busybox-static is not installed; run 'make deps'"

# Modules the tests use, with their dependencies from modules.dep.
MODULES="virtio_pci virtio_rng virtio_blk virtio_net uio_pci_generic"

stamp=$(cat "$0" /boot/vmlinuz-"$kver" "$TOP"/tests/guest/*.sh | sha256sum | cut -c1-16)
if [ "$(cat "$GUEST/.stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi

root=$GUEST/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
         "$root/tests" "$root/modules"
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done

moddir=/lib/modules/$kver
order=
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
# Module file names mix '_' and '-' (virtio_pci.ko, virtio-rng.ko).
for m in $MODULES; do
    add_module "$m" || add_module "$(echo "$m" | tr _ -)" ||
        die "module $m not found in $moddir"
done
for path in $order; do
    cp "$moddir/$path" "$root/modules/"
    basename "$path" >> "$root/modules/order"
done

cp "$TOP"/tests/guest/*.sh "$root/tests/"
cat > "$root/init" <<'EOT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do
    insmod /modules/$m 2>/dev/null
done
test=$(sed -n 's/.*lg\.test=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "lg: running test '$test'"
if [ -f "/tests/$test.sh" ]; then
    sh "/tests/$test.sh"
    echo "lg: test '$test' exited with $?"
else
    echo "lg: no test named '$test'"
fi
poweroff -f
EOT
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$GUEST/initramfs.cpio.gz"
cp "/boot/vmlinuz-$kver" "$GUEST/vmlinuz"
echo "$stamp" > "$GUEST/.stamp"
echo "guest-image: Linux $kver with busybox in ${GUEST#$TOP/}"
