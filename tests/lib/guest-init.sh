#!/bin/sh
# /init of the test guest (scripts/guest-image.sh): runs tests/guest/NAME.sh
# for lg.test=NAME on the kernel command line, then powers off.
. /init-common.sh
test=$(sed -n 's/.*lg\.test=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "lg: running test '$test'"
if [ -f "/tests/$test.sh" ]; then
    sh "/tests/$test.sh"
    echo "lg: test '$test' exited with $?"
else
    echo "lg: no test named '$test'"
fi
poweroff -f
