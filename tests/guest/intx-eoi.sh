# Level-triggered I/O APIC interrupts, EOIed many times
# (tests/project/kvm-intx-eoi-guest.py): virtio-rng without MSI-X
# (vectors=0) interrupts through INTx, a level-triggered I/O APIC pin.
# Under KVM with a split irqchip, each EOI of its vector exits to QEMU
# (KVM_EXIT_IOAPIC_EOI), which clears the pin's Remote-IRR; if that went
# wrong the pin would stay blocked and the reads would stop.  The reads
# run on CPU 0 while CPU 1 spins.  Prints:
#   intx: IRQ NAME          the device's interrupt line in /proc/interrupts
#   reads: N bytes          what 400 reads of 64 bytes (the hwrng core's
#                           buffer: one request each) returned
#   irqs: N                 the line's interrupt count afterwards
. /tests/pci-lib.sh
rng=$(pci_find 0x1af4:0x1044 0x1af4:0x1005)
vdev=$(basename "$(ls -d "$rng"/virtio* 2>/dev/null | head -n 1)")
echo "intx: $(awk -v v="$vdev" '$NF == v { print $1, $(NF - 2), $(NF - 1) }' /proc/interrupts)"
irq=$(awk -v v="$vdev" '$NF == v { sub(":", "", $1); print $1 }' /proc/interrupts)
echo 0 > "/proc/irq/$irq/smp_affinity_list"
taskset -c 1 sh -c 'while :; do :; done' &
spin=$!
n=0
i=0
while [ $i -lt 400 ]; do
    n=$((n + $(taskset -c 0 dd if=/dev/hwrng bs=64 count=1 2>/dev/null | wc -c)))
    i=$((i + 1))
done
kill "$spin"
echo "reads: $n bytes"
echo "irqs: $(awk -v v="$vdev" '$NF == v { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i } END { print s + 0 }' /proc/interrupts)"
