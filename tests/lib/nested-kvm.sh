#!/bin/sh
# Run a command under KVM nested in TCG: the KVM stage's way to run Linux's
# real KVM on a machine whose own /dev/kvm runs no guest.
#
#   nested-kvm.sh COMMAND [ARG...]
#
# L0 is QEMU under TCG (the series build, which has virtio-9p and the fix
# of TCG's SVM CR8 write; NESTED_L0 overrides it, NESTED_L0_ARGS adds
# devices, such as an IOMMU and a device for L1 to assign) with an AMD EPYC vCPU,
# whose SVM and nested paging TCG emulates.  L1 is Debian's kernel with the
# busybox initramfs of guest-image.sh (tests/lib/l1-init.sh): it chroots
# into this machine's root, exported read-only, loads kvm_amd and runs
# COMMAND there, in the current directory, with this environment's QEMU,
# STOCK_QEMU and TOP and with LG_ACCEL=kvm, so that the guest tests run
# their guests (L2) under L1's KVM.  Prints the nested set-up, then
# COMMAND's output; exits with COMMAND's status.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/scripts/common.sh"
l0=${NESTED_L0:-$OBJ/qemu-system-x86_64}
mem=${NESTED_MEM:-6G}
# each boot of L1 ends by then (tests/check.sh gives a KVM test 1200 s)
deadline=${NESTED_TIMEOUT:-540}
sh "$TOP/scripts/guest-image.sh" > /dev/null || die "no guest image"

t0=$(date +%s)
mkdir -p "$BUILD/nested"
out=$(mktemp -d "$BUILD/nested/run.XXXXXX") || exit 1
# L1's command line and L0's -fsdev take the path as it is
case $out in *[' ,']*) rm -rf "$out"; die "the checkout's path has a space or a comma: $out" ;; esac
trap 'rm -rf "$out"' EXIT
# Killed by tests/check.sh's time limit: say where L1 was, and whether L0
# still answered (L0 runs in the background so that this trap runs at
# once, not when L0 has exited).
l0_pid=
stopped() {
    echo "nested: stopped after $(($(date +%s) - t0)) s; L1 console and output so far:"
    tail -n 20 "$out/l1.serial" "$out/output" 2>/dev/null
    if [ -n "$l0_pid" ] && kill -0 "$l0_pid" 2> /dev/null; then
        kill -TERM "$l0_pid"
        sleep 2
        if kill -0 "$l0_pid" 2> /dev/null; then
            echo "nested: L0 did not exit on SIGTERM within 2 s; its threads:"
            l0_threads
            kill -KILL "$l0_pid"
        fi
    fi
    rm -rf "$out"
    exit 124
}
trap stopped TERM INT
l0_version=$("$l0" --version | head -n 1)
# quote WORD: WORD as one shell word
quote() {
    printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"
}
{
    echo "cd $(quote "$(pwd)") || exit 1"
    for v in QEMU STOCK_QEMU TOP; do
        eval "val=\${$v:-}"
        [ -n "$val" ] && echo "export $v=$(quote "$val")"
    done
    echo "export LG_ACCEL=kvm LG_NESTED=1 LG_ACCEL_WHY=$(quote "(nested: kvm_amd of a Linux host under TCG, L0 $l0_version)")"
    # unbuffered: a run stopped by its time limit shows how far it got
    echo "export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root PYTHONUNBUFFERED=1"
    printf 'exec'
    for a in "$@"; do
        printf ' %s' "$(quote "$a")"
    done
    echo
} > "$out/command"

# l0_threads: the stacks of L0's threads, from gdb where there is one
l0_threads() {
    command -v gdb > /dev/null || return 0
    timeout 6 gdb -p "$l0_pid" -batch -ex 'thread apply all bt 12' 2>&1 |
        grep -E '^(Thread|#)' | cut -c1-160 | head -n 120
}

# boot_l1: L0 runs L1 once; its console and the command's files in $out.
# Returns 0 when the command ran to its end, 2 when L0 stopped answering
# by the deadline, 1 otherwise.
boot_l1() {
    rm -f "$out/output" "$out/status" "$out/l1-info" "$out/l1.serial" "$out/qmp"
    b0=$(date +%s)
    "$l0" -accel tcg,thread=multi -machine q35 -cpu EPYC,phys-bits=48 \
        -smp 2 -m "$mem" -display none -nodefaults -no-reboot \
        -serial "file:$out/l1.serial" -kernel "$BUILD/guest/vmlinuz" \
        -initrd "$BUILD/guest/l1-initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet lg.out=$out" \
        -qmp "unix:$out/qmp,server=on,wait=off" \
        -fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap \
        -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
        -fsdev local,id=out,path="$out",security_model=none \
        -device virtio-9p-pci,fsdev=out,mount_tag=out ${NESTED_L0_ARGS:-} \
        > "$out/l0.log" 2>&1 &
    l0_pid=$!
    late=
    while kill -0 "$l0_pid" 2> /dev/null; do
        if [ $(($(date +%s) - b0)) -ge "$deadline" ]; then
            late=1
            break
        fi
        sleep 1
    done
    if [ -n "$late" ]; then
        echo "nested: L1 still running after ${deadline} s (NESTED_TIMEOUT); its console and output so far:"
        tail -n 20 "$out/l1.serial" "$out/output" 2>/dev/null | sed 's/^/nested:   /'
        answers=0
        python3 "$TOP/tests/lib/qmp-answers.py" "$out/qmp" 10 > "$out/qmp-answer" ||
            answers=1
        sed 's/^/nested: /' "$out/qmp-answer"
        if [ $answers = 0 ]; then
            kill -KILL "$l0_pid"
            wait "$l0_pid"
            l0_pid=
            return 1
        fi
        echo "nested: L0's threads:"
        l0_threads | sed 's/^/nested:   /'
        kill -KILL "$l0_pid"
        wait "$l0_pid"
        l0_pid=
        return 2
    fi
    wait "$l0_pid"
    rc=$?
    l0_pid=
    echo "nested: L0 $l0_version, TCG, -cpu EPYC,phys-bits=48 -smp 2 -m $mem" \
         "$(echo ${NESTED_L0_ARGS:-}) (exit $rc after $(($(date +%s) - b0)) s)"
    grep -v 'warning: TCG doesn.t support requested feature' "$out/l0.log" |
        sed 's/^/nested: L0: /'
    sed 's/^l1: /nested: L1: /' "$out/l1-info" 2>/dev/null
    cat "$out/output" 2>/dev/null
    [ -f "$out/status" ] && return 0
    echo "nested: L1 ended before the command did; its console ended with:"
    tail -n 20 "$out/l1.serial"
    return 1
}

# Two faults of L0's emulation, not of what the command tests, are retried,
# once, and the retry is said:
# - L1's kernel has been seen to die of a corrupted kernel stack under
#   TCG's emulation of SVM ("stack guard page was hit", in kvm_amd's vCPU
#   thread), in about one run in ten;
# - L0 has been seen to stop answering (CI, once in some fifty runs; no
#   output survived): past the deadline, an L0 that does not answer QMP
#   has its threads printed, is killed and is booted once more.  An L0
#   that answers is a slow or stuck L1 or L2: that fails.
boot_l1
rc=$?
if [ $rc = 2 ]; then
    echo "nested: RETRIED: L0 stopped answering (above); booting L1 once more"
    boot_l1 || exit 1
elif [ $rc != 0 ]; then
    grep -q 'stack guard page was hit' "$out/l1.serial" || exit 1
    echo "nested: RETRIED: L1's kernel hit its stack guard page (above); booting L1 once more"
    boot_l1 || exit 1
fi
exit "$(cat "$out/status")"
