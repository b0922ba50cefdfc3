# Count the vCPUs the guest brought online.  Prints:
#   cpus: N                     online CPUs
#   max apicid: M               the highest APIC ID among them
#   irq remapping: ...          the kernel's interrupt remapping mode
echo "cpus: $(grep -c '^processor' /proc/cpuinfo)"
echo "max apicid: $(awk '/^apicid/ { if ($3 > m) m = $3 } END { print m }' /proc/cpuinfo)"
echo "irq remapping: $(dmesg | grep -o 'Enabled IRQ remapping in [a-z0-9]* mode' || echo off)"
