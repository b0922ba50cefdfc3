# I/O APIC entries programmed before interrupt remapping is enabled
# (tests/project/kvm-ir-enable-guest.py).  Linux runs with intremap=off, so
# that this script alone drives intel-iommu's interrupt remapping: it
# writes IRTE 0 (vector 0xd1, level, APIC 0) into memory that memmap=
# reserved at lg.irt=, points the IRT at it (SIRTP), then puts GSI 16-23 in
# the remappable format with IRTE index 0 and the vector field 0xd0, and
# only then enables remapping (GCMD.IRE).  edu's INTx, on one of those
# pins, is then raised and acknowledged.  The interrupt must arrive with
# the IRTE's vector 0xd1; an I/O APIC route set up while remapping was off
# and kept after it was enabled delivers the entry's own field, 0xd0.
# Prints:
#   gsts: 0xVALUE            the VT-d status after SIRTP and after IRE
#   took: CPU.VECTOR         each vector the kernel had no handler for
. /tests/pci-lib.sh
vtd=$((0xfed90000))
ioapic=$((0xfec00000))
irt=$(($(sed -n 's/.*lg\.irt=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)))

# wait_gsts BIT: until the VT-d status has BIT
wait_gsts() {
    i=0
    while [ $(($(devmem $((vtd + 0x1c)) 32) & $1)) = 0 ] && [ $i -lt 100 ]; do
        i=$((i + 1))
    done
    echo "gsts: $(devmem $((vtd + 0x1c)) 32)"
}

# IRTE 0: present, level, fixed, physical, vector 0xd1, APIC ID 0
devmem "$irt" 32 $((1 | 1 << 4 | 0xd1 << 16))
devmem $((irt + 4)) 32 0
devmem $((irt + 8)) 32 0
devmem $((irt + 12)) 32 0
devmem $((vtd + 0xb8)) 32 "$irt"                # IRTA: 2 entries, xAPIC
devmem $((vtd + 0xbc)) 32 0
devmem $((vtd + 0x18)) 32 $((1 << 24))          # SIRTP
wait_gsts $((1 << 24))

# GSI 16-23: remappable format, index 0, level, active low, vector field
# 0xd0, unmasked
pin=16
while [ $pin -le 23 ]; do
    devmem "$ioapic" 32 $((0x10 + 2 * pin + 1))
    devmem $((ioapic + 0x10)) 32 $((1 << 16))
    devmem "$ioapic" 32 $((0x10 + 2 * pin))
    devmem $((ioapic + 0x10)) 32 $((0xd0 | 1 << 13 | 1 << 15))
    pin=$((pin + 1))
done
devmem $((vtd + 0x18)) 32 $((1 << 25))          # IRE
wait_gsts $((1 << 25))

edu=$(pci_find 0x1234:0x11e8)
pci_write "$edu" 4 2 $(($(pci_read "$edu" 4 2) | 2))        # memory
bar=$(awk 'NR == 1 { print $1 }' "$edu/resource")
devmem $((bar + 0x60)) 32 1                     # raise INTx
sleep 0.5
devmem $((bar + 0x64)) 32 1                     # acknowledge
sleep 0.5
dmesg | sed -n 's/.*: \([0-9]*\.[0-9]*\) No irq handler for vector.*/took: \1/p' | sort -u
