# An MSI-X entry naming an IRTE that is not present (tests/project/
# kvm-ir-refused-guest.py): virtio-blk behind intel-iommu with interrupt
# remapping, its queue served by an iothread (under KVM through an irqfd
# and a KVM route that int_remap translates).  Its queue's entry, in
# VT-d's remappable format as Linux wrote it, is rewritten (mask, write,
# unmask) to name IRTE 0x7fff, which Linux never allocates, and a read is
# issued; then the entry gets Linux's message back and a second read is
# issued.  Prints:
#   remap: MODE            the kernel's interrupt remapping line
#   msi: linux|refused ADDR DATA
#   read: refused|restored done|pending   each read, 3 s after it was issued
#   irqs: before|refused|after N          the queue's interrupt count
echo "remap: $(dmesg | grep -o 'Enabled IRQ remapping in [a-z0-9]* mode' || echo off)"
. /tests/pci-lib.sh
blk=$(pci_find 0x1af4:0x1042 0x1af4:0x1001)
vdev=$(basename "$(ls -d "$blk"/virtio* 2>/dev/null | head -n 1)")
count() {
    awk -v v="$vdev-req" 'index($NF, v) == 1 {
        for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' /proc/interrupts
}
entry=$(msix_entry "$blk" 1)
lo=$(($(devmem "$entry" 32)))
hi=$(($(devmem $((entry + 4)) 32)))
data=$(($(devmem $((entry + 8)) 32)))
echo "msi: linux 0x$(printf %x%08x "$hi" "$lo") 0x$(printf %x "$data")"
# remappable format: handle 14:0 in address bits 19:5, bit 4 set, SHV
# (bit 3) clear
refused=$((0xfee00000 | 0x7fff << 5 | 0x10))
echo "msi: refused 0x$(printf %x "$refused") 0x0"

read_pending() {
    if kill -0 "$2" 2>/dev/null; then
        echo "read: $1 pending"
    else
        echo "read: $1 done"
    fi
}
echo "irqs: before $(count)"
msix_write "$entry" "$refused" 0 0
dd if=/dev/vda of=/dev/null bs=4096 count=1 skip=7 iflag=direct 2>/dev/null &
first=$!
sleep 3
read_pending refused "$first"
echo "irqs: refused $(count)"
msix_write "$entry" "$lo" "$hi" "$data"
dd if=/dev/vda of=/dev/null bs=4096 count=1 skip=9 iflag=direct 2>/dev/null &
second=$!
sleep 3
read_pending restored "$second"
echo "irqs: after $(count)"
