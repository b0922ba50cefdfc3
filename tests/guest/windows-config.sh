# The Windows configuration seen from a Linux guest: interrupt remapping in
# x2APIC mode, the vCPU with APIC ID lg.dest (default 256) online, an I/O
# APIC interrupt (ttyS0, IRQ 4) moved to that vCPU and counted there, and a
# virtio device outside the IOMMU (virtio-rng) read, its interrupts counted.
# Prints, one per line:
#   cpu: N apicid M             each online CPU
#   irq remapping: ...          the kernel's interrupt remapping mode
#   apic routing: ...           the APIC driver Linux switched to (the
#                               FADT's physical flag selects physical x2apic)
#   ioapic: IRQ CHIP CPU COUNT  IRQ 4's count on the moved-to CPU, after
#   virtio: NAME CHIP COUNT     virtio-rng's interrupts, summed over CPUs
#   rng: BYTES                  bytes read from /dev/hwrng
#   msi:, took:                 see msi-hi.sh
dest=$(sed -n 's/.*lg\.dest=\([0-9]*\).*/\1/p' /proc/cmdline)
dest=${dest:-256}
awk '/^processor/ { p = $3 } /^apicid/ { print "cpu: " p " apicid " $3 }' /proc/cpuinfo
echo "irq remapping: $(dmesg | grep -o 'Enabled IRQ remapping in [a-z0-9]* mode' || echo off)"
echo "apic routing: $(dmesg | grep -o 'APIC routing to [a-z0-9 ]*' | tail -n 1 | sed 's/.* to //')"

cpu=$(awk -v d="$dest" '/^processor/ { p = $3 } /^apicid/ && $3 == d { print p }' /proc/cpuinfo)
if [ -n "$cpu" ]; then
    # IRQ 4 is the console's: moving it and printing makes it interrupt
    echo "$cpu" > /proc/irq/4/smp_affinity_list
    i=0
    while [ $i -lt 20 ]; do
        echo "lg: console output on CPU $cpu's interrupt, line $i"
        i=$((i + 1))
    done
    sleep 1
    awk -v c="$cpu" '$1 == "4:" { print "ioapic: 4 " $(NF - 2) " " c " " $(c + 2) }' /proc/interrupts
fi

bytes=$(dd if=/dev/hwrng bs=16 count=4 2>/dev/null | wc -c)
echo "rng: $bytes"
awk '/virtio/ { n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; else break; print "virtio: " $NF " " $(NF - 2) " " n }' /proc/interrupts

# A Windows-format MSI from a device outside the IOMMU (edu), to lg.dest
sh /tests/msi-hi.sh | grep -E '^(msi|took):'
