#!/bin/sh
# Build the libFuzzer harness of the x86 MSI decoder (tests/fuzz/) with
# Debian's clang, ASan and UBSan, and run it for FUZZ_SECONDS (default 600).
# The decoder comes from the series tree; its headers need the configured
# build directory (config-host.h, generated QAPI headers).
#
# Output: build/fuzz/x86-msi-fuzz, its corpus in build/fuzz/corpus, the log
# in build/fuzz/fuzz.log; the last lines give executions and crashes.
set -eu
. "$(dirname "$0")/common.sh"

seconds=${FUZZ_SECONDS:-600}
out=$BUILD/fuzz
[ -f "$OBJ/config-host.h" ] || die "no configured series build; run 'make build'"
command -v clang >/dev/null || die "clang is not installed; run 'make deps'"
mkdir -p "$out/corpus"

# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -include "$TOP/tests/fuzz/trace-stub.h" \
    -I"$OBJ" -I"$OBJ/qapi" -I"$TREE/include" -I"$TREE/linux-headers" -I"$TREE" \
    $(pkg-config --cflags glib-2.0) \
    -o "$out/x86-msi-fuzz" "$TOP/tests/fuzz/x86-msi-fuzz.c"

echo "fuzz-msi: running for $seconds s"
status=0
"$out/x86-msi-fuzz" -max_total_time="$seconds" -max_len=13 \
    -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" > "$out/fuzz.log" 2>&1 || status=$?
grep -E '^stat::number_of_executed_units|^stat::peak_rss|^Done' "$out/fuzz.log" || true
crashes=$(ls "$out"/crash-* "$out"/leak-* 2>/dev/null | wc -l)
echo "fuzz-msi: exit status $status, $crashes crash files"
[ "$status" = 0 ] && [ "$crashes" = 0 ]
