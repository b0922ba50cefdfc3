# Fire one MSI from the edu device in Windows' high-address format:
# destination APIC ID lg.dest (default 256) with vector 0xb0, which no
# driver uses, so the kernel reports it as "No irq handler for vector",
# naming the CPU that took it.  Prints, one per line:
#   cpu: N apicid M             each online CPU
#   irq remapping: ...          the kernel's interrupt remapping mode
#   msi: addr 0x... data 0x...  the message programmed
#   took: CPU.VECTOR            from the kernel's message, or "took: none"
dest=$(sed -n 's/.*lg\.dest=\([0-9]*\).*/\1/p' /proc/cmdline)
dest=${dest:-256}
awk '/^processor/ { p = $3 } /^apicid/ { print "cpu: " p " apicid " $3 }' /proc/cpuinfo
echo "irq remapping: $(dmesg | grep -o 'Enabled IRQ remapping in [a-z0-9]* mode' || echo off)"

. /tests/pci-lib.sh
dev=$(pci_find 0x1234:0x11e8)
[ -n "$dev" ] || { echo "msi: no edu device"; exit 1; }
cap=$(pci_cap "$dev" 5)
[ "$cap" -ne 0 ] || { echo "msi: no MSI capability"; exit 1; }

lo=$((0xfee00000 | (dest & 255) << 12))
hi=$((dest >> 8))
data=$((0xb0))
printf 'msi: addr 0x%x%08x data 0x%x\n' $hi $lo $data
pci_write "$dev" 4 2 $(($(pci_read "$dev" 4 2) | 6))           # memory space, bus master
pci_write "$dev" $((cap + 4)) 4 $lo
pci_write "$dev" $((cap + 8)) 4 $hi
pci_write "$dev" $((cap + 12)) 2 $data
pci_write "$dev" $((cap + 2)) 2 $(($(pci_read "$dev" $((cap + 2)) 2) | 1))

bar=$(awk 'NR == 1 { print $1 }' "$dev/resource")
devmem $((bar + 0x60)) 32 1             # edu: raise interrupt
sleep 1
took=$(dmesg | sed -n 's/.*: \([0-9]*\.[0-9]*\) No irq handler for vector.*/\1/p' | head -n 1)
echo "took: ${took:-none}"
