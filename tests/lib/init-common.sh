# What the /init of both initramfs images of scripts/guest-image.sh does
# first (sourced): the kernel's file systems, then the image's modules.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do
    insmod /modules/$m 2>/dev/null
done
