# The guest's PCI devices, one line each:
#   pci: ADDRESS VENDOR:DEVICE
for d in /sys/bus/pci/devices/*; do
    echo "pci: $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device")"
done
