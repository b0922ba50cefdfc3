# Read the first MiB of the first NVMe namespace (a drive assigned with
# VFIO) and print, one per line:
#   nvme: MODEL              the controller's model, or "none"
#   md5: SUM                 md5sum of the MiB read (the drive's DMA)
#   ram: START-END           the System RAM ranges the guest has
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 30 ]; do
    sleep 1
    i=$((i + 1))
done
echo "nvme: $(cat /sys/class/nvme/nvme0/model 2>/dev/null || echo none)"
echo "md5: $(dd if=/dev/nvme0n1 bs=65536 count=16 2>/dev/null | md5sum | cut -d' ' -f1)"
grep 'System RAM' /proc/iomem | sed 's/^ *\([0-9a-f]*-[0-9a-f]*\) .*/ram: \1/'
