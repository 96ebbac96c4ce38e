# Skiff: one Makefile for the kernel, the user programs, the boot image and
# the tests. `make` builds everything; `make run` boots it in QEMU; `make
# test` runs every test layer. Missing Debian packages are installed by
# mk/deps.sh (as root) or named.

BUILD	?= build
CACHE	?= cache
SMP	?= 2
MEM	?= 512M
Q	?= @

CC	= gcc
LD	= ld
OBJCOPY	= objcopy
QEMU	= qemu-system-x86_64

# Use KVM only where /dev/kvm really works; otherwise plain TCG.
ACCEL	= $(shell sh tools/accel.sh $(QEMU))
QEMU_BASE = $(QEMU) $(ACCEL) -smp $(SMP) -m $(MEM) -no-reboot -nographic \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

WARN	= -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Werror=implicit-function-declaration
KCFLAGS	= -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none -I.
UCFLAGS	= -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fcf-protection=none -mgeneral-regs-only -I. -Ilib/sk/include
ULDFLAGS = -nostdlib -static -no-pie -Wl,-z,max-page-size=4096 -Wl,--build-id=none

KSRC_C	= $(wildcard kernel/*.c kernel/arch/*.c) lib/common/string.c lib/common/fmt.c lib/common/elf.c
KSRC_S	= $(wildcard kernel/arch/*.S)
KOBJ	= $(patsubst %.c,$(BUILD)/k/%.o,$(KSRC_C)) $(patsubst %.S,$(BUILD)/k/%.o,$(KSRC_S))

# libsk for freestanding programs (init, the libos, ktest, kbench): with
# its own string and formatting functions and the native entry crt0.S.
LIBSK_MUSL_ONLY = lib/sk/start.c lib/sk/thread.c lib/sk/service_note.S
LIBSK_SRC = $(filter-out $(LIBSK_MUSL_ONLY),$(wildcard lib/sk/*.c lib/sk/*.S)) \
	lib/common/string.c lib/common/fmt.c lib/common/elf.c lib/common/civil.c
LIBSK_OBJ = $(patsubst %,$(BUILD)/u/%.o,$(basename $(LIBSK_SRC)))

# libsk for musl programs (servers, drivers, commands, Skiff tests): musl
# provides the string and formatting functions, the entry and malloc;
# sk_start_handles asks the libos and sk_thread_start uses pthreads.
# service_note.S is linked into each service as an object of its own.
LIBSKM_SRC = $(filter-out lib/sk/crt0.S lib/sk/alloc.c lib/sk/service_note.S,\
	$(wildcard lib/sk/*.c lib/sk/*.S)) lib/common/elf.c lib/common/civil.c
LIBSKM_OBJ = $(patsubst %,$(BUILD)/m/%.o,$(basename $(LIBSKM_SRC)))

# Every folder under servers/ and drivers/ but init is one service of the
# same name: a static musl program linked with libsk's and libfs's musl
# flavours, which init starts under the libos (docs/userspace.md). init
# is the root task the kernel loads with no libos, so it is freestanding.
SERVERS	= $(notdir $(wildcard servers/*))
DRIVERS	= $(notdir $(wildcard drivers/*))
NATIVE_SERVERS = init
NATIVE_DRIVERS =
PROGS	= ktest kbench libos $(SERVERS) $(DRIVERS)
PROG_BIN = $(addprefix $(BUILD)/bin/,$(PROGS))
CMDS	= $(notdir $(wildcard cmd/*))
CMD_BIN	= $(addprefix $(BUILD)/cmd/,$(CMDS))
LTESTS	= $(patsubst tests/linux/%.c,$(BUILD)/linuxtests/%,$(wildcard tests/linux/t_*.c))
STESTS	= $(patsubst tests/skiff/%.c,$(BUILD)/skifftests/%,$(wildcard tests/skiff/t_*.c))
PBENCH	= $(BUILD)/skifftests/pbench
LIBFS_SRC = $(wildcard lib/fs/*.c)
LIBFS_OBJ = $(patsubst %.c,$(BUILD)/u/%.o,$(LIBFS_SRC))
LIBFSM_OBJ = $(patsubst %.c,$(BUILD)/m/%.o,$(LIBFS_SRC))
BUSYBOX	= $(CACHE)/busybox/busybox

DEPS_STAMP = $(CACHE)/.deps-ok

.PHONY: all run test iso debug bench clean check-host deps compile_commands.json
all: $(DEPS_STAMP) $(BUILD)/kernel.bin $(PROG_BIN) $(CMD_BIN) $(LTESTS) $(STESTS) $(PBENCH) $(BUSYBOX) \
	$(BUILD)/initrd.cpio

deps: $(DEPS_STAMP)
$(DEPS_STAMP): mk/deps.sh
	$(Q)sh mk/deps.sh
	$(Q)mkdir -p $(CACHE) && touch $@

# ---- kernel ----------------------------------------------------------
$(BUILD)/k/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC(k)  $<"
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS(k)  $<"
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLER__ -MMD -MP -c $< -o $@

KLDFLAGS = -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments -T kernel/arch/kernel.ld

# Two links: the second embeds the symbol table of the first for backtraces.
$(BUILD)/kernel.elf: $(KOBJ) kernel/arch/kernel.ld tools/gen-ksyms.sh
	@echo "  LD     $@"
	$(Q)printf '\t.section .ksyms,"a"\n\t.globl ksyms, ksyms_count, ksyms_names\n\t.balign 8\nksyms_count: .quad 0\nksyms:\nksyms_names: .byte 0\n' > $(BUILD)/ksyms0.S
	$(Q)$(CC) -c $(BUILD)/ksyms0.S -o $(BUILD)/ksyms0.o
	$(Q)$(LD) $(KLDFLAGS) -o $(BUILD)/kernel.pass1 $(KOBJ) $(BUILD)/ksyms0.o
	$(Q)sh tools/gen-ksyms.sh $(BUILD)/kernel.pass1 > $(BUILD)/ksyms.S
	$(Q)$(CC) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJ) $(BUILD)/ksyms.o

# QEMU's Multiboot loader takes 32-bit images only: boot a flat binary that
# carries its load addresses in the Multiboot header.
$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# ---- user programs -----------------------------------------------------
$(BUILD)/u/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC(u)  $<"
	$(Q)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/u/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS(u)  $<"
	$(Q)$(CC) $(UCFLAGS) -D__ASSEMBLER__ -MMD -MP -c $< -o $@

$(BUILD)/libsk.a: $(LIBSK_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/libfs.a: $(LIBFS_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# Objects of musl programs: the same warnings as freestanding code.
SCFLAGS	= -std=gnu11 -O2 -g $(WARN) -fno-omit-frame-pointer -I. -Ilib/sk/include
SLDFLAGS = -static -Wl,-z,max-page-size=4096 -Wl,--build-id=none

$(BUILD)/m/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC(m)  $<"
	$(Q)musl-gcc $(SCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/m/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS(m)  $<"
	$(Q)musl-gcc $(SCFLAGS) -D__ASSEMBLER__ -MMD -MP -c $< -o $@

$(BUILD)/libsk-musl.a: $(LIBSKM_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/libfs-musl.a: $(LIBFSM_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# The freestanding init: $(1) is servers, $(2) the name.
define USER_PROG
$$(BUILD)/bin/$(2): $$(patsubst %.c,$$(BUILD)/u/%.o,$$(wildcard $(1)/$(2)/*.c)) $$(BUILD)/libfs.a $$(BUILD)/libsk.a
	@mkdir -p $$(dir $$@)
	@echo "  LD     $$@"
	$$(Q)$$(CC) $$(ULDFLAGS) -o $$@ $$(filter %.o,$$^) $$(BUILD)/libfs.a $$(BUILD)/libsk.a
endef

# One service per server or driver folder: $(1) is servers or drivers, $(2) the name.
define SERVICE_PROG
$$(BUILD)/bin/$(2): $$(patsubst %.c,$$(BUILD)/m/%.o,$$(wildcard $(1)/$(2)/*.c)) \
    $$(BUILD)/m/lib/sk/service_note.o $$(BUILD)/libfs-musl.a $$(BUILD)/libsk-musl.a
	@mkdir -p $$(dir $$@)
	@echo "  MUSL   $$@"
	$$(Q)musl-gcc $$(SLDFLAGS) -o $$@ $$(filter %.o,$$^) $$(BUILD)/libfs-musl.a \
	    $$(BUILD)/libsk-musl.a
endef
$(foreach p,$(NATIVE_SERVERS),$(eval $(call USER_PROG,servers,$(p))))
$(foreach p,$(filter-out $(NATIVE_SERVERS),$(SERVERS)),$(eval $(call SERVICE_PROG,servers,$(p))))
$(foreach p,$(NATIVE_DRIVERS),$(eval $(call USER_PROG,drivers,$(p))))
$(foreach p,$(filter-out $(NATIVE_DRIVERS),$(DRIVERS)),$(eval $(call SERVICE_PROG,drivers,$(p))))

$(BUILD)/bin/ktest: $(patsubst %.c,$(BUILD)/u/%.o,$(wildcard tests/ktest/*.c)) $(BUILD)/libsk.a
	@mkdir -p $(dir $@)
	@echo "  LD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $^

$(BUILD)/bin/kbench: $(patsubst %.c,$(BUILD)/u/%.o,$(wildcard tests/bench/*.c)) $(BUILD)/libsk.a
	@mkdir -p $(dir $@)
	@echo "  LD     $@"
	$(Q)$(CC) $(ULDFLAGS) -o $@ $^

# Commands for the shell (cmd/NAME): Linux programs built with Debian's
# musl-gcc, which may also use native IPC through libsk's inline calls.
MUSL_CFLAGS = -std=gnu11 -static -O2 -Wall -Wextra -Wno-unused-parameter -I. -Ilib/sk/include

$(BUILD)/cmd/%: $(wildcard cmd/*/*.c) $(BUILD)/libsk-musl.a $(wildcard abi/skiff/*.h abi/skiff/proto/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSL   $@"
	$(Q)musl-gcc $(MUSL_CFLAGS) -o $@ $(wildcard cmd/$*/*.c) $(BUILD)/libsk-musl.a

# Linux behaviour tests: musl programs that must pass on Linux and on Skiff.
$(BUILD)/linuxtests/%: tests/linux/%.c tests/linux/check.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSL   $@"
	$(Q)musl-gcc -std=gnu11 -static -O2 -Wall -o $@ $< -lpthread

# Skiff-only tests run inside the system (musl programs that use native IPC).
$(BUILD)/skifftests/%: tests/skiff/%.c $(BUILD)/libsk-musl.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSL   $@"
	$(Q)musl-gcc $(MUSL_CFLAGS) -o $@ $< $(BUILD)/libsk-musl.a

# The POSIX benchmark, the same binary on Skiff and on Linux (docs/bench.md).
$(PBENCH): tests/bench/posix/pbench.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSL   $@"
	$(Q)musl-gcc -std=gnu11 -static -O2 -Wall -o $@ $<

# The library OS sits at SK_LIBOS_BASE (abi/skiff/proto/exec.h) in every
# Linux process.
$(BUILD)/bin/libos: $(patsubst %,$(BUILD)/u/%.o,$(basename $(wildcard libos/*.c libos/*.S))) $(BUILD)/libsk.a
	@mkdir -p $(dir $@)
	@echo "  LD     $@"
	$(Q)$(CC) $(ULDFLAGS) -Wl,-Ttext-segment=0x70000000 -o $@ $^

# Debian's busybox-static, unmodified, fetched with apt-get.
$(BUSYBOX): mk/busybox.sh | $(DEPS_STAMP)
	$(Q)sh mk/busybox.sh $(CACHE)/busybox

# The initial ramdisk: busybox with its applet links, /etc, the commands
# and the Linux behaviour tests (mk/initrd.py).
# The services' programs go in too, for `svc load` at run time.
SERVICE_BIN = $(addprefix $(BUILD)/bin/,$(filter-out init,$(SERVERS)) $(DRIVERS))
$(BUILD)/initrd.cpio: mk/initrd.py $(BUSYBOX) $(wildcard rootfs/etc/*) $(CMD_BIN) $(LTESTS) $(STESTS) \
    $(PBENCH) $(SERVICE_BIN)
	@echo "  CPIO   $@"
	$(Q)python3 mk/initrd.py $@ $(BUSYBOX) rootfs/etc $(BUILD)/cmd $(BUILD)/linuxtests \
		$(BUILD)/skifftests $(SERVICE_BIN)

# ---- running -------------------------------------------------------------
# Boot modules: init is the root task; the others are handed to it.
run: all
	@echo "Booting Skiff (quit QEMU with Ctrl-A X)"
	$(Q)python3 tools/skiffimage.py $(BUILD)

debug: all
	@echo "QEMU is halted with its gdb stub on :1234. In another terminal:"
	@echo "  gdb $(BUILD)/kernel.elf -ex 'target remote :1234'"
	$(Q)$$(SKIFF_PRINT=1 python3 tools/skiffimage.py $(BUILD)) -s -S

iso: $(BUILD)/skiff.iso
$(BUILD)/skiff.iso: all tools/grub.cfg
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	$(Q)cp $(BUILD)/kernel.bin $(BUILD)/bin/init $(BUILD)/bin/ktest $(BUILD)/iso/boot/
	$(Q)cp tools/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }
	@echo "  ISO    $@ (boot with: $(QEMU) -cdrom $@ -nographic)"

# ---- tests -----------------------------------------------------------------
HOST_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -I. -DHOST_TEST
HOST_TESTS = $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))

$(BUILD)/host/%: tests/host/%.c tests/host/host.h $(wildcard tests/host/*.h kernel/*.h abi/skiff/*.h abi/skiff/proto/*.h lib/common/*.h lib/common/*.c kernel/*.c lib/fs/*.[ch] servers/*/*.[ch] drivers/*/*.[ch])
	@mkdir -p $(dir $@)
	@echo "  HOSTCC $<"
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

test: all $(HOST_TESTS)
	$(Q)python3 tests/run.py --build $(BUILD) --smp $(SMP) $(HOST_TESTS)

# One CPU: under -icount the clock counts every CPU's instructions.
# The Linux figures (mk/linux-bench.mk) are printed alongside.
bench: all linux-bench
	$(Q)python3 tests/run.py --build $(BUILD) --smp 1 --bench --linux-figures $(LINUX_BENCH_TXT) \
		--linux-posix $(CACHE)/linux/posix.txt

include mk/linux-bench.mk

compile_commands.json:
	bear -- $(MAKE) -B all

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
