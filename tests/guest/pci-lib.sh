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

# msix_entry DEV N: the physical address of DEV's MSI-X table entry N
msix_entry() {
    _msix=$(pci_cap "$1" 17)
    _table=$(pci_read "$1" $((_msix + 4)) 4)
    _bar=$(awk -v n=$((_table & 7)) 'NR == n + 1 { print $1 }' "$1/resource")
    echo $((_bar + (_table & ~7) + 16 * $2))
}

# msix_write ENTRY ADDR_LO ADDR_HI DATA: mask the entry, write the message,
# unmask it (needs iomem=relaxed when a driver holds the BAR)
msix_write() {
    devmem $(($1 + 12)) 32 1
    devmem $(($1 + 0)) 32 "$2"
    devmem $(($1 + 4)) 32 "$3"
    devmem $(($1 + 8)) 32 "$4"
    devmem $(($1 + 12)) 32 0
}
