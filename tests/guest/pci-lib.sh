# PCI helpers the guest scripts source (not a test of its own).

# pci_find VENDOR:DEVICE...: the sysfs directory of the first PCI device
# that matches one of the IDs, empty if none
pci_find() {
    for d in /sys/bus/pci/devices/*; do
        for id in "$@"; do
            [ "$(cat "$d/vendor"):$(cat "$d/device")" = "$id" ] && { echo "$d"; return; }
        done
    done
}

# pci_read DEV OFFSET SIZE: config space of DEV, little endian
pci_read() {
    od -An -tu"$3" -j "$2" -N "$3" "$1/config" | tr -d ' '
}

# pci_write DEV OFFSET SIZE VALUE: config space of DEV, byte by byte
pci_write() {
    i=0
    while [ $i -lt "$3" ]; do
        printf "\\$(printf %03o $((($4 >> (8 * i)) & 255)))" |
            dd of="$1/config" bs=1 seek=$(($2 + i)) conv=notrunc 2>/dev/null
        i=$((i + 1))
    done
}

# pci_cap DEV ID: offset of DEV's capability ID, 0 if it has none
pci_cap() {
    c=$(pci_read "$1" 52 1)
    while [ "$c" -ne 0 ] && [ "$(pci_read "$1" "$c" 1)" -ne "$2" ]; do
        c=$(pci_read "$1" $((c + 1)) 1)
    done
    echo "$c"
}
