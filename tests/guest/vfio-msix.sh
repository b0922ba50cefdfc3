# An assigned e1000e's MSI-X rewritten by the guest (tests/kvm/
# vfio-msix-guest.py): under KVM, VFIO delivers the device's MSI-X through
# an irqfd and a KVM route that QEMU sets from the guest's table entry.
# With the interface up (vectors rx, tx and "other", entry 2), the guest
# rewrites entry 2 (mask, write, unmask) in Windows' format, vector 0xb4
# to APIC ID 256, and raises the "other" cause (ICS = LSC, after clearing
# ICR); then in the compatibility format, vector 0xb5 to APIC ID 0, and
# raises it again.  Prints:
#   cpu: N apicid M          each online CPU
#   nic: ADDRESS IFACE DRIVER
#   other: before|linux|windows|compat N   the "other" vector's interrupt
#                            count: at first, after the cause was raised
#                            through Linux's own entry, after each rewrite
#   msi: PART addr data      each message written
#   took: CPU.VECTOR         each vector the kernel had no handler for
dest=256
awk '/^processor/ { p = $3 } /^apicid/ { print "cpu: " p " apicid " $3 }' /proc/cpuinfo
. /tests/pci-lib.sh
nic=$(pci_find 0x8086:0x10d3)
[ -n "$nic" ] || { echo "no e1000e"; exit 1; }
ifc=$(ls "$nic/net" 2>/dev/null | head -n 1)
echo "nic: $(basename "$nic") $ifc $(basename "$(readlink "$nic/driver")")"
ip link set "$ifc" up
sleep 2
other() {
    awk -v n="$ifc" '$NF == n { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i }
                     END { print s + 0 }' /proc/interrupts
}
entry=$(msix_entry "$nic" 2)
bar0=$(awk 'NR == 1 { print $1 }' "$nic/resource")
# other PART ADDR_LO ADDR_HI DATA: entry 2 rewritten, then the cause raised
other_msi() {
    echo "msi: $1 addr 0x$(printf %x%08x "$3" "$2") data 0x$(printf %x "$4")"
    msix_write "$entry" "$2" "$3" "$4"
    devmem $((bar0 + 0xc0)) 32 > /dev/null             # ICR: read clears
    devmem $((bar0 + 0xc8)) 32 4                        # ICS: LSC
    sleep 1
    echo "other: $1 $(other)"
}
echo "other: before $(other)"
# the cause through Linux's own entry first: the count must go up
devmem $((bar0 + 0xc0)) 32 > /dev/null
devmem $((bar0 + 0xc8)) 32 4
sleep 1
echo "other: linux $(other)"
other_msi windows $((0xfee00000 | (dest & 255) << 12)) $((dest >> 8)) $((0xb4))
other_msi compat $((0xfee00000)) 0 $((0xb5))
dmesg | sed -n 's/.*: \([0-9]*\.[0-9]*\) No irq handler for vector.*/took: \1/p' | sort -u
