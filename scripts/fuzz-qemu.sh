#!/bin/sh
# Fuzz what a guest controls with QEMU's own qtest-based fuzzer
# (generic-fuzz, the one OSS-Fuzz runs), built from the series tree with
# Debian's clang and libFuzzer, ASan and UBSan, in build/fuzz-qemu/obj
# (configured and built once, then incrementally).
#
#   fuzz-qemu.sh [CONFIG...]        (default: all three)
#
# Runs generic-fuzz FUZZ_SECONDS (default 600) per configuration, keeping
# each one's corpus in build/fuzz-qemu/corpus/CONFIG so that runs across
# sessions add up, and its log and any crash, leak or sanitizer report in
# build/fuzz-qemu/CONFIG/ (those of earlier runs move to CONFIG/earlier/,
# so that each run reports its own findings).  Configurations:
#
#   windows  q35 11.0, EPYC vCPUs with x2APIC and one at APIC ID 256,
#            default-bus-bypass-iommu=on, intel-iommu with interrupt
#            remapping only and amd-ioapic-format=on, edu (MSI) and a
#            virtio-balloon (MSI-X): the IOMMU, the IOAPIC, the devices
#            and their MSI-X tables;
#   i440fx   i440fx 11.0 with msi-addr-hi-dest=on, no IOMMU, same vCPUs
#            and devices;
#   split    q35 11.0 whose address space crosses the AMD HT hole, with
#            DIMM slots and a CXL window: fw_cfg, the ACPI PM and memory
#            hotplug registers, the PCI host bridge.
#
# Under the qtest accelerator no vCPU runs: local APIC EOIs from a vCPU
# (the IOAPIC's EOI register is reached), x2APIC MSRs and the KVM glue
# (routes, irqfds, KVM_SIGNAL_MSI) are not fuzzed; tests/unit covers the
# latter against stock's code.
set -eu
. "$(dirname "$0")/common.sh"

seconds=${FUZZ_SECONDS:-600}
out=$BUILD/fuzz-qemu
fobj=$out/obj
[ -x "$TREE/configure" ] || die "no QEMU source at ${TREE#$TOP/}; run 'make tree' first"
command -v clang >/dev/null || die "clang is not installed; run 'make deps'"

flags="--target-list=x86_64-softmmu --without-default-features --enable-tcg
 --enable-fuzzing --enable-asan --enable-ubsan --disable-werror --disable-docs
 --disable-rust --disable-download --disable-install-blobs
 --python=/usr/bin/python3"
flags=$(echo $flags)
key="$flags (cc: ccache clang)"
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
mkdir -p "$fobj"
if [ ! -f "$fobj/build.ninja" ] || [ "$(cat "$fobj/.configure-flags" 2>/dev/null)" != "$key" ]; then
    (cd "$fobj" && "$TREE/configure" $flags --cc="ccache clang" --cxx="ccache clang++" \
         > configure.log 2>&1) ||
        { tail -30 "$fobj/configure.log" >&2; die "configure failed (see ${fobj#$TOP/}/configure.log)"; }
    echo "$key" > "$fobj/.configure-flags"
fi
echo "fuzz-qemu: ninja qemu-fuzz-x86_64 in ${fobj#$TOP/}"
ninja -C "$fobj" -j"${JOBS:-$(($(nproc) + 1))}" qemu-fuzz-x86_64

HIGH_CPUS="-cpu EPYC,x2apic=on -smp 1,sockets=3,cores=65,threads=1,maxcpus=195
 -device EPYC-x86_64-cpu,socket-id=2,core-id=0,thread-id=0"
DEVICES="-device edu -device virtio-balloon-pci"
MSI_OBJECTS="ioapic edu* msix-table msix-pba virtio-pci*"

config_args() {
    case $1 in
    windows) echo "-machine pc-q35-11.0,default-bus-bypass-iommu=on $HIGH_CPUS
        -device intel-iommu,intremap=on,eim=on,dma-translation=off,amd-ioapic-format=on
        $DEVICES" ;;
    i440fx) echo "-machine pc-i440fx-11.0,msi-addr-hi-dest=on $HIGH_CPUS $DEVICES" ;;
    # (no reserve=off backend: util/mmap-alloc.c leaks what it reads from
    # /proc/sys/vm/overcommit_memory for one, at start-up, in stock too)
    split) echo "-machine pc-q35-11.0,cxl=on -cpu EPYC,phys-bits=41
        -m 4G,slots=4,maxmem=1100G
        -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
        -M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G" ;;
    *) die "unknown configuration $1 (windows, i440fx, split)" ;;
    esac
}

config_objects() {
    case $1 in
    windows) echo "intel-iommu intel_iommu* $MSI_OBJECTS" ;;
    i440fx) echo "$MSI_OBJECTS" ;;
    split) echo "fwcfg* acpi* pci-conf* pcie-mmcfg*" ;;
    esac
}

# Debian's firmware packages, as build.sh's --firmwarepath
FIRMWARE="-L /usr/share/seabios -L /usr/lib/ipxe/qemu -L /usr/share/qemu"

failed=0
for config in ${*:-windows i440fx split}; do
    args=$(echo $FIRMWARE $(config_args "$config"))
    dir=$out/$config
    mkdir -p "$dir/earlier" "$out/corpus/$config"
    # What earlier runs found stays, in earlier/: a run counts its own.
    for f in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/slow-unit-*; do
        [ -e "$f" ] && mv "$f" "$dir/earlier/"
    done
    echo "fuzz-qemu: $config for $seconds s: $args"
    status=0
    QEMU_FUZZ_ARGS="$args" QEMU_FUZZ_OBJECTS="$(config_objects "$config")" \
        "$fobj/qemu-fuzz-x86_64" --fuzz-target=generic-fuzz \
        -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$dir/" "$out/corpus/$config" \
        > "$dir/fuzz.log" 2>&1 || status=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss|^#[0-9]+.*DONE.*cov:' \
        "$dir/fuzz.log" || tail -3 "$dir/fuzz.log"
    findings=$(ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* 2>/dev/null | wc -l)
    echo "fuzz-qemu: $config: exit status $status, $findings findings, corpus $(ls "$out/corpus/$config" | wc -l) inputs"
    [ "$status" = 0 ] && [ "$findings" = 0 ] || failed=1
done
exit $failed
