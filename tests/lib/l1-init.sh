#!/bin/sh
# /init of L1, the Linux host of the nested KVM stage (tests/lib/nested-kvm.sh),
# which runs under TCG with AMD SVM and nested paging.  Its root is the
# machine's, exported read-only by L0 over virtio-9p (tag hostroot), under
# a tmpfs overlay, so that what runs there may write anywhere (in L1's
# memory), wherever the project's checkout is; the stage's run directory
# (tag out) is mounted writable at its own path.  It chroots there, loads
# kvm_amd and runs OUT/command, where OUT is lg.out= on the kernel command
# line.  The command's output goes to OUT/output, its exit status to
# OUT/status; then L1 powers off.
. /init-common.sh
out=$(sed -n 's/.*lg\.out=\([^ ]*\).*/\1/p' /proc/cmdline)
h=/host
mkdir -p /lower /rw $h
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $opts,ro,cache=loose hostroot /lower &&
    mount -t tmpfs tmpfs /rw && mkdir /rw/upper /rw/work &&
    mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work $h &&
    mkdir -p $h$out && mount -t 9p -o $opts out $h$out ||
    { echo "l1: cannot mount the machine's root"; poweroff -f; }
mount -t proc proc $h/proc
mount -t sysfs sysfs $h/sys
mount -t devtmpfs devtmpfs $h/dev
mkdir -p $h/dev/pts $h/dev/shm
mount -t devpts devpts $h/dev/pts
mount -t tmpfs tmpfs $h/dev/shm
ip link set lo up
{
    echo "l1: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs," \
         "$(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)"
    chroot $h /sbin/modprobe kvm_amd 2>&1
    # as Debian's udev rule, which no udev applies here
    chroot $h chgrp kvm /dev/kvm 2>/dev/null && chmod 0660 $h/dev/kvm
    echo "l1: kvm_amd $(cd /sys/module/kvm_amd/parameters 2>/dev/null &&
                       for p in nested npt avic; do printf '%s=%s ' $p "$(cat $p)"; done)"
    echo "l1: $(dmesg | grep -E 'kvm|SVM' | sed 's/^\[[^]]*\] //' | tr '\n' ';')"
} > $h$out/l1-info 2>&1
chroot $h /bin/sh "$out/command" > $h$out/output 2>&1
echo $? > $h$out/status
sync
umount $h$out
poweroff -f
