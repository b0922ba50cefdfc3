#!/bin/sh
# The project's test command (make check; .ci/run calls it through make).
# Runs, in order: the series checks (export round trip, checkpatch), QEMU's
# own tests that cover what the series touches (tests/qemu-tests.txt), the
# project's own tests (tests/project/*.sh), the KVM stage and the ABI guard.
# Every test's output goes to build/test-logs/NAME.log; the last line is
# 'N passed, N failed', with ', N skipped' where a test could not run here.
#
# --quick (check-bisect, after each patch): only QEMU's quick tests (60 s
# limit or less), and only those whose program exists at that point.
set -u
. "$(dirname "$0")/../scripts/common.sh"
QEMU=$OBJ/qemu-system-x86_64

# Test bodies that are shell functions; run() calls them as
# 'check.sh --call FUNCTION ARGS' so that timeout(1) can limit them.
roundtrip() {
    tmp=$(mktemp -d) || return 1
    "$TOP/scripts/export.sh" --to "$tmp" &&
        "$TOP/scripts/export.sh" --compare "$tmp"
    rc=$?
    rm -rf "$tmp"
    return $rc
}
checkpatch() {
    out=$(cd "$PATCHES/$1" && perl "$TREE/scripts/checkpatch.pl" --no-signoff "$2" 2>&1)
    echo "$out"
    ! echo "$out" | grep -q '^ERROR'
}
# The files of series NAME, applied in a scratch index on the tree of the
# series before it (upstream for the first), must give the tree of the
# series' branch: each series applies on the ones before it, as sent.
series_applies() {
    base=$(series_base "$1")
    index=$(mktemp)
    status=0
    GIT_INDEX_FILE=$index git -C "$TREE" read-tree "$base" || status=1
    for p in $(series_patches "$1"); do
        [ $status = 0 ] || break
        GIT_INDEX_FILE=$index git -C "$TREE" apply --cached "$PATCHES/$1/$p" ||
            { echo "$1/$p does not apply on $base and the patches before it"; status=1; }
    done
    if [ $status = 0 ]; then
        got=$(GIT_INDEX_FILE=$index git -C "$TREE" write-tree)
        want=$(git -C "$TREE" rev-parse "$1^{tree}")
        echo "$1: $(series_patches "$1" | grep -c .) patches on $base give tree $got (branch $1: $want)"
        [ "$got" = "$want" ] || status=1
    fi
    rm -f "$index"
    return $status
}
# Run from the source tree: bios-tables-test reads tests/data/acpi there.
# GLib's '-p PATH' also runs the tests below PATH: skip those, so that a
# line of tests/qemu-tests.txt names exactly one case.
qemu_test() {
    cd "$TREE" || return 1
    export QTEST_QEMU_BINARY="$QEMU"
    prog=$1
    shift
    skip=
    if [ "${1:-}" = -p ]; then
        for sub in $("$prog" -l -p "$2" 2>/dev/null | grep "^$2/"); do
            skip="$skip -s $sub"
        done
    fi
    # shellcheck disable=SC2086
    "$prog" --tap -k "$@" $skip
}
# A guest test of tests/project under KVM: the host's when the probe took
# it, else KVM nested in a Linux host under TCG (tests/lib/nested-kvm.sh).
# On an Intel host the stage nests too: what keys on the vCPU vendor
# (amd-ht-hole, amd-ioapic-format) follows the host's under KVM.  The
# tests of tests/kvm/ assign a device with VFIO: nested, L0 gives L1 an
# AMD IOMMU, with DMA remapping, an e1000e and an NVMe drive to assign.
kvm_test() {
    t=$TOP/tests/project/$1.py
    [ -f "$t" ] || t=$TOP/tests/kvm/$1.py
    case $1 in
    vfio-*)
        # always nested: the devices to assign are L0's, never the host's
        mkdir -p "$BUILD/nested"
        python3 "$TOP/tests/lib/vfio.py" nvme-image "$BUILD/nested/nvme.img" || return 1
        NESTED_L0_ARGS="-device amd-iommu,intremap=on,dma-remap=on
 -netdev user,id=n0 -device e1000e,netdev=n0
 -drive file=$BUILD/nested/nvme.img,if=none,id=nv0,format=raw
 -device nvme,drive=nv0,serial=lg0"
        export NESTED_L0_ARGS ;;
    *)
        if [ "$LG_ACCEL" = kvm ] && grep -q AuthenticAMD /proc/cpuinfo; then
            echo "kvm: the host's: ${LG_ACCEL_WHY:-}"
            python3 "$t"
            return
        fi ;;
    esac
    sh "$TOP/tests/lib/nested-kvm.sh" python3 "$t"
}
if [ "${1:-}" = --call ]; then
    shift
    "$@"
    exit
fi

quick=0
[ "${1:-}" = --quick ] && quick=1

# The accelerator, chosen by booting a guest (tests/lib/accel-probe.sh).
# QEMU's own tests take KVM whenever /dev/kvm opens ('-accel kvm -accel
# tcg'), so when the probe refuses KVM the whole run moves into a mount
# namespace whose /dev/kvm is /dev/null: QEMU then falls back to TCG by
# itself, and the guest tests read LG_ACCEL.
if [ -z "${LG_ACCEL:-}" ]; then
    probe=$(sh "$TOP/tests/lib/accel-probe.sh" "$QEMU")
    LG_ACCEL=${probe%% *}
    LG_ACCEL_WHY=${probe#* }
    export LG_ACCEL LG_ACCEL_WHY
    echo "check: accelerator: $LG_ACCEL $LG_ACCEL_WHY"
    if [ "$LG_ACCEL" = tcg ] && [ -e /dev/kvm ]; then
        if unshare -m true 2> /dev/null; then
            echo "check: /dev/kvm hidden (/dev/null bound over it): QEMU's own tests use TCG"
            exec unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec sh "$0" "$@"' \
                "$0" "$@"
        fi
        echo "check: warning: cannot hide /dev/kvm (unshare -m failed): QEMU's own tests may use it"
    fi
fi
LOGS=$BUILD/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
echo "$LG_ACCEL $LG_ACCEL_WHY" > "$LOGS/accelerator"
passed=0
failed=0
skipped=0
failures=


# run NAME SECONDS COMMAND...: one test, counted once.
run() {
    name=$1 limit=$2
    shift 2
    log=$LOGS/$(echo "$name" | tr '/ ' '__').log
    t0=$(date +%s.%N)
    timeout -k 10 "$limit" "$@" > "$log" 2>&1
    rc=$?
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    if [ $rc = 0 ]; then
        passed=$((passed + 1))
        printf 'PASS %-60s %6.1fs\n' "$name" "$t"
    elif [ $rc = 77 ]; then
        # the test says it cannot run here, and why, last
        skip "$name" "$(tail -n 1 "$log")"
    else
        failed=$((failed + 1))
        failures="$failures $name"
        [ $rc = 124 ] && echo "timed out after ${limit}s" >> "$log"
        printf 'FAIL %-60s %6.1fs (exit %d, log: %s)\n' "$name" "$t" "$rc" "${log#$TOP/}"
        tail -n 15 "$log" | sed 's/^/    | /'
    fi
}

# skip NAME WHY: a test that cannot run here, counted as skipped
skip() {
    skipped=$((skipped + 1))
    printf 'SKIP %-60s (%s)\n' "$1" "$2"
}

# --- The series itself ---------------------------------------------------
series_checks() {
run series/export-round-trip 120 sh "$0" --call roundtrip

# (run() sets 'name': the loops use other variables)
for s in $(series_names); do
    run "series/$s-applies" 120 sh "$0" --call series_applies "$s"
    for p in $(series_patches "$s"); do
        run "checkpatch/$s/${p%.patch}" 120 sh "$0" --call checkpatch "$s" "$p"
    done
done
}
[ $quick = 1 ] || series_checks

# --- QEMU's own tests, from the built tree ----------------------------------
# Each line of tests/qemu-tests.txt: SECONDS PROGRAM [GLIB TEST ARGS].
while read -r limit prog args; do
    case "$limit" in ''|'#'*) continue ;; esac
    [ $quick = 1 ] && { [ ! -x "$OBJ/$prog" ] || [ "$limit" -gt 60 ]; } && continue
    name=$(echo "$prog${args:+ $args}" | sed 's|^tests/||; s| -p /x86_64/| |; s| |:|g')
    # shellcheck disable=SC2086
    run "qemu/$name" "$limit" sh "$0" --call qemu_test "$OBJ/$prog" $args
done < "$TOP/tests/qemu-tests.txt"

# --- The project's own tests --------------------------------------------------
# Each gets QEMU (the series), STOCK_QEMU (stock 10.2.2) and TOP.
for t in "$TOP"/tests/project/*.sh "$TOP"/tests/project/*.py; do
    [ $quick = 0 ] && [ -e "$t" ] || continue
    n=$(basename "$t"); n=${n%.*}
    case "$t" in *.py) interp=python3 ;; *) interp=sh ;; esac
    run "project/$n" 600 env QEMU="$QEMU" STOCK_QEMU="$STOCK_OBJ/qemu-system-x86_64" \
        TOP="$TOP" "$interp" "$t"
done

# --- The KVM stage: the guest tests under Linux's KVM ------------------------
# Under TCG the guest tests above show QEMU's own APIC and IOAPIC; here they
# run with KVM's local APICs, its GSI routes, irqfds and EOI exits.  Where
# the host's KVM runs no guest, each test boots a Linux host (L1) under TCG
# with AMD SVM and nested paging, whose kvm_amd runs the test's guests.
KVM_TESTS=${KVM_TESTS-"kvm-msi-guest kvm-ir-refused-guest kvm-ir-enable-guest
 kvm-intx-eoi-guest windows-config-guest ht-hole-guest migration-stock-series
 libvirt-guest vfio-msix-guest vfio-ht-hole-guest"}
# (run() sets 't': the loop uses another variable)
for kt in $KVM_TESTS; do
    [ $quick = 0 ] || continue
    run "kvm/$kt" 1200 env QEMU="$QEMU" STOCK_QEMU="$STOCK_OBJ/qemu-system-x86_64" \
        TOP="$TOP" sh "$0" --call kvm_test "$kt"
    grep -E '^nested: (L[01]|RETRIED)' "$LOGS/kvm_$kt.log" | sed 's/^/     /'
done
if [ $quick = 0 ] && [ -n "$KVM_TESTS" ] && [ "$LG_ACCEL" != kvm ]; then
    skip kvm/many-vcpus-guest "288 vCPUs did not come online within 600 s in a nested Linux host of 2 vCPUs; APIC IDs above 255 run nested in kvm-msi-guest, kvm-ir-refused-guest, windows-config-guest and libvirt-guest"
fi

# --- The guest ABI guard: stock 10.2.2 against the series -------------------
if [ $quick = 0 ]; then
    run abi/guest-abi-guard 1800 sh "$TOP/tests/abi/check-abi.sh"
    grep -E '^configurations compared' "$LOGS/abi_guest-abi-guard.log" | sed 's/^/     /'
fi

if [ -n "$failures" ]; then
    echo "failed:$failures"
fi
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
echo "$summary" | tee "$LOGS/summary"
[ "$failed" = 0 ]
