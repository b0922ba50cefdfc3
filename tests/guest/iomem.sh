# Print the memory map the guest was given and what it made of it, one
# parseable line each:
#   memmap: START END TYPE      firmware's E820 (/sys/firmware/memmap, whole
#                               even when mem= limits what Linux uses)
#   iomem: DEPTH START END NAME /proc/iomem entries above 4 GiB, DEPTH being
#                               their nesting
for d in /sys/firmware/memmap/*; do
    echo "memmap: $(cat "$d/start") $(cat "$d/end") $(cat "$d/type")"
done
awk '{
    match($0, /^ */); depth = RLENGTH / 2
    split($1, r, "-"); name = $0; sub(/^[^:]*: /, "", name)
    if (length(r[1]) > 8) print "iomem: " depth " 0x" r[1] " 0x" r[2] " " name
}' /proc/iomem
