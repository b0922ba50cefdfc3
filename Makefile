# Large-guest support for QEMU on AMD hosts: a patch series against QEMU
# 10.2.2 and the tooling that applies, builds, tests and demonstrates it.
# Each target is a few lines calling one script in scripts/; see README.md.

.PHONY: all deps fetch tree export build stock guest check check-abi check-bisect \
	fuzz-msi fuzz-qemu bench-ht-hole bench-msi demo post clean

all: build

deps:
	scripts/deps.sh

fetch:
	scripts/fetch.sh

tree: fetch
	scripts/tree.sh

export:
	scripts/export.sh

build: tree
	scripts/build.sh

# Stock 10.2.2, same configure flags, for the guest ABI comparison.
stock: fetch
	scripts/stock.sh

# The small Linux guest (Debian kernel, busybox initramfs) of guest tests.
guest:
	scripts/guest-image.sh

# The guest ABI guard alone (make check runs it too).
check-abi: deps
	$(MAKE) build stock
	tests/abi/check-abi.sh

# The README's test command: installs what it needs, builds, tests.
check: deps
	$(MAKE) build stock guest
	tests/check.sh

check-bisect: deps tree
	scripts/check-bisect.sh

# The libFuzzer harness of the x86 MSI decoder, FUZZ_SECONDS (600) long.
fuzz-msi: deps
	$(MAKE) build
	scripts/fuzz-msi.sh

# QEMU's generic-fuzz (clang, libFuzzer, ASan, UBSan) on the Windows, i440fx
# and split-layout configurations, FUZZ_SECONDS (600) each; not in check.
fuzz-qemu: deps tree
	scripts/fuzz-qemu.sh $(FUZZ_CONFIGS)

# amd-ht-hole=relocate against split for large guests: a table, not a test.
bench-ht-hole: deps
	$(MAKE) build
	scripts/bench-ht-hole.py

# Instructions per MSI, stock against the series (valgrind): a table.
bench-msi: deps
	$(MAKE) build stock
	scripts/bench-msi.py

demo: deps
	$(MAKE) build
	scripts/demo.sh

# Copies of the series to send, signed off by the poster, in build/post.
post:
	scripts/post.py "$(SIGNOFF)"

clean:
	rm -rf build
