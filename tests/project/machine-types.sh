#!/bin/sh
# The series opens the 11.0 machine types: pc-q35-11.0 is 'q35',
# pc-i440fx-11.0 is 'pc' and the default, and the 10.2 types still exist.
# Fails on stock 10.2.2, which has no 11.0 types.
set -eu
out=$("$QEMU" -machine help)
echo "$out" | grep -E 'q35|i440fx|^pc ' | head -8

fail=0
expect() {
    if echo "$out" | grep -Eq "$1"; then
        echo "ok: $2"
    else
        echo "not ok: $2"
        fail=1
    fi
}
expect '^q35 +.*\(alias of pc-q35-11\.0\)$' "q35 is an alias of pc-q35-11.0"
expect '^pc +.*\(alias of pc-i440fx-11\.0\)$' "pc is an alias of pc-i440fx-11.0"
expect '^pc-i440fx-11\.0 +.*\(default\)$' "pc-i440fx-11.0 is the default machine"
expect '^pc-q35-10\.2 ' "pc-q35-10.2 still exists"
expect '^pc-i440fx-10\.2 ' "pc-i440fx-10.2 still exists"
exit $fail
