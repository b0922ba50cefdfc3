# The KVM tier (tests/project/kvm-msi-guest.py): MSIs of devices outside
# any IOMMU, sent to the vCPU with APIC ID lg.dest (default 256) on every
# path that hands them to KVM.  Needs iomem=relaxed (virtio-blk's MSI-X
# table is in a BAR its driver holds).  Prints, one per line:
#   cpu: N apicid M          each online CPU
#   a: CPU COUNT             virtio-rng's MSI-X interrupts, moved by Linux
#                            to that vCPU (15-bit format, through the APIC
#                            MMIO region and KVM_SIGNAL_MSI), counted there
#   msi: PART addr data      each message written by hand
#   took: CPU.VECTOR         each vector the kernel had no handler for:
#                            (b) edu, 15-bit format, vector 0xb2;
#                            (c) edu, Windows' format, vector 0xb0;
#                            (d) virtio-blk's queue, served by an iothread
#                            through a KVM MSI route (irqfd), its MSI-X
#                            entry rewritten in Windows' format (masked,
#                            written, unmasked), vector 0xb1, then a read;
#                            (e) the same entry rewritten after (d) in
#                            the 15-bit format, vector 0xb3, then a read
#   a2: CPU COUNT            virtio-rng's count on that vCPU after (d)
dest=$(sed -n 's/.*lg\.dest=\([0-9]*\).*/\1/p' /proc/cmdline)
dest=${dest:-256}
awk '/^processor/ { p = $3 } /^apicid/ { print "cpu: " p " apicid " $3 }' /proc/cpuinfo
cpu=$(awk -v d="$dest" '/^processor/ { p = $3 } /^apicid/ && $3 == d { print p }' /proc/cpuinfo)
[ -n "$cpu" ] || { echo "no CPU with APIC ID $dest"; exit 1; }

. /tests/pci-lib.sh

# (a) virtio-rng's MSI-X vectors, moved to the vCPU
rng=$(pci_find 0x1af4:0x1044 0x1af4:0x1005)
vdev=$(basename "$(ls -d "$rng"/virtio* 2>/dev/null | head -n 1)")
irqs=$(awk -v v="$vdev-" 'index($NF, v) == 1 && $NF !~ /config/ { sub(":", "", $1); print $1 }' /proc/interrupts)
for irq in $irqs; do
    echo "$cpu" > "/proc/irq/$irq/smp_affinity_list"
done
dd if=/dev/hwrng bs=16 count=4 2>/dev/null | wc -c > /dev/null
for irq in $irqs; do
    awk -v i="$irq:" -v c="$cpu" '$1 == i { print "a: " c " " $(c + 2) }' /proc/interrupts
done

# (b) and (c): one MSI from edu each, with the message ADDR_LO ADDR_HI DATA
edu=$(pci_find 0x1234:0x11e8)
edu_msi() {
    msi=$(pci_cap "$edu" 5)
    echo "msi: $1 addr 0x$(printf %x%08x "$3" "$2") data 0x$(printf %x "$4")"
    pci_write "$edu" 4 2 $(($(pci_read "$edu" 4 2) | 6))         # memory, bus master
    pci_write "$edu" $((msi + 4)) 4 "$2"
    pci_write "$edu" $((msi + 8)) 4 "$3"
    pci_write "$edu" $((msi + 12)) 2 "$4"
    pci_write "$edu" $((msi + 2)) 2 $(($(pci_read "$edu" $((msi + 2)) 2) | 1))
    bar=$(awk 'NR == 1 { print $1 }' "$edu/resource")
    devmem $((bar + 0x60)) 32 1                         # raise interrupt
    sleep 1
}
# 15-bit format: destination bits 14:8 in address bits 11:5
edu_msi b $((0xfee00000 | (dest & 255) << 12 | (dest >> 8 & 127) << 5)) 0 $((0xb2))
# Windows' format: destination bits 31:8 in address bits 63:40 - 8 = 55:32
edu_msi c $((0xfee00000 | (dest & 255) << 12)) $((dest >> 8)) $((0xb0))

# (d) virtio-blk's request queue (MSI-X entry 1, after config's 0)
blk=$(pci_find 0x1af4:0x1042 0x1af4:0x1001)
entry=$(msix_entry "$blk" 1)
# blk_msix PART ADDR_LO ADDR_HI DATA BLOCK: the entry rewritten, then a
# read, whose completion goes to a vector without a handler: no wait
blk_msix() {
    echo "msi: $1 addr 0x$(printf %x%08x "$3" "$2") data 0x$(printf %x "$4")"
    msix_write "$entry" "$2" "$3" "$4"
    dd if=/dev/vda of=/dev/null bs=4096 count=1 skip="$5" iflag=direct 2>/dev/null &
    sleep 2
}
blk_msix d $((0xfee00000 | (dest & 255) << 12)) $((dest >> 8)) $((0xb1)) 7

# (e) after (d): virtio-rng still reaches the vCPU, and the entry takes
# a valid message again
dd if=/dev/hwrng bs=16 count=4 2>/dev/null | wc -c > /dev/null
for irq in $irqs; do
    awk -v i="$irq:" -v c="$cpu" '$1 == i { print "a2: " c " " $(c + 2) }' /proc/interrupts
done
blk_msix e $((0xfee00000 | (dest & 255) << 12 | (dest >> 8 & 127) << 5)) 0 $((0xb3)) 9

dmesg | sed -n 's/.*: \([0-9]*\.[0-9]*\) No irq handler for vector.*/took: \1/p'
