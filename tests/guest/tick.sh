# Keep the guest busy with a virtio device: read the virtio RNG (which
# completes through its MSI-X interrupt) and print a numbered line with the
# device's interrupt count, until the host stops the guest.
echo "interrupt remapping: $(dmesg | grep -o 'Enabled IRQ remapping in [a-z0-9]* mode' || echo off)"
n=0
while true; do
    n=$((n + 1))
    if dd if=/dev/hwrng of=/dev/null bs=16 count=1 2>/dev/null; then rng=ok; else rng=fail; fi
    irqs=$(awk '/virtio/ { s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; t += s } END { print t + 0 }' /proc/interrupts)
    echo "tick $n rng=$rng virtio-irqs=$irqs"
    sleep 0.2
done
