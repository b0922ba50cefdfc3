#!/bin/sh
# Which accelerator the tests use: KVM only if it boots the project's own
# guest (Debian's kernel and the busybox initramfs of guest-image.sh) to its
# /init within PROBE_SECONDS (20), else TCG.  A /dev/kvm that merely opens is
# not enough: with the PVM module (kvm_pvm) KVM_CREATE_VM works but a normal
# guest hangs after "Probing EDD", long before /init.
#
# Usage: accel-probe.sh QEMU
# Prints one line, 'kvm WHY' or 'tcg WHY'.  ACCEL_PROBE=fail forces the TCG
# branch (to show it), ACCEL_PROBE=kvm skips the probe and trusts KVM.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/scripts/common.sh"
qemu=$1
limit=${PROBE_SECONDS:-20}

case "${ACCEL_PROBE:-}" in
fail) echo "tcg (probe forced to fail: ACCEL_PROBE=fail)"; exit 0 ;;
kvm)  echo "kvm (probe skipped: ACCEL_PROBE=kvm)"; exit 0 ;;
esac
if [ ! -e /dev/kvm ]; then
    echo "tcg (no /dev/kvm)"
    exit 0
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "tcg (/dev/kvm not readable and writable)"
    exit 0
fi
sh "$TOP/scripts/guest-image.sh" > /dev/null ||
    { echo "tcg (no guest image to probe KVM with)"; exit 0; }

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# The guest tests' machine: q35, the IOAPIC in QEMU (kernel-irqchip=split).
timeout -k 5 "$limit" "$qemu" -accel kvm -machine q35,kernel-irqchip=split \
    -m 256M -smp 2 -display none -nodefaults -no-reboot \
    -serial "file:$dir/serial" -kernel "$BUILD/guest/vmlinuz" \
    -initrd "$BUILD/guest/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 lg.test=accel-probe" \
    > "$dir/log" 2>&1
rc=$?
if grep -q "lg: running test 'accel-probe'" "$dir/serial"; then
    echo "kvm (a guest booted to /init under KVM)"
elif [ $rc = 124 ]; then
    last=$(grep -v '^[[:space:]]*$' "$dir/serial" | tail -n 1 | cut -c1-80)
    echo "tcg (/dev/kvm present, but a guest did not reach /init under KVM" \
         "in ${limit}s; its console ended with: ${last:-nothing})"
else
    echo "tcg (/dev/kvm present, but QEMU failed under KVM: $(tail -n 1 "$dir/log"))"
fi
