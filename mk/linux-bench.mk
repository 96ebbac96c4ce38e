# The Linux comparison side of `make bench` (docs/bench.md): boots Debian's
# cloud kernel with tests/bench/linux/lbench.c as /init under -icount and
# leaves one `linux <name> <instr-per-op>` line per figure in
# $(LINUX_BENCH_TXT).  The kernel and the figures are cached in $(CACHE)/linux.
LINUX_BENCH_TXT = $(CACHE)/linux/bench.txt
LINUX_BENCH_SMP ?= 1

.PHONY: linux-bench
linux-bench: $(DEPS_STAMP)
	$(Q)CACHE=$(CACHE) QEMU=$(QEMU) LINUX_BENCH_SMP=$(LINUX_BENCH_SMP) sh tools/linux-bench.sh
