#!/bin/sh
# Upstream's functional test of the phys-bits limits of each memory layout,
# tests/functional/x86_64/test_mem_addr_space.py, with the series' 11.0
# split cases, run from the series tree against the series build (TCG, no
# guest code).  On stock 10.2.2 the 11.0 cases are skipped: there is no
# pc-q35-11.0.
set -eu
. "$TOP/scripts/common.sh"
obj=$(cd "$(dirname "$QEMU")" && pwd)
cd "$obj"
PYTHONPATH="$TREE/python:$TREE/tests/functional" \
QEMU_TEST_QEMU_BINARY="$obj/qemu-system-x86_64" QEMU_BUILD_ROOT="$obj" \
    "$obj/pyvenv/bin/python3" "$TREE/tests/functional/x86_64/test_mem_addr_space.py"
