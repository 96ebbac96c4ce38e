/*
 * Panics: print the reason, the registers of a trap frame when there is
 * one, and a symbolized backtrace by frame pointers, then stop every CPU.
 */
#include "kernel/kernel.h"
#include "kernel/arch/x86.h"
#include "kernel/arch/trapframe.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"

/* Generated at link time by tools/gen-ksyms.sh (see the Makefile). */
struct ksym {
	uint64_t addr;
	uint32_t name_off;
	uint32_t pad;
};
extern const struct ksym ksyms[];
extern const uint64_t ksyms_count;
extern const char ksyms_names[];

static volatile int panicking;

const char *
ksym_lookup(uint64_t addr, uint64_t *off)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (ksyms_count == 0 || addr < ksyms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - ksyms[lo].addr;
	return ksyms_names + ksyms[lo].name_off;
}

static bool
kernel_text(uint64_t a)
{
	return a >= (uint64_t)_text && a < (uint64_t)_etext;
}

static bool
kernel_data_addr(uint64_t a)
{
	return a >= (uint64_t)_text && a < (uint64_t)_end - 16;
}

static bool
on_kernel_stack(uint64_t a)
{
	return a >= DIRECT_MAP && a < DIRECT_MAP + DIRECT_MAP_MAX - 16;
}

static void
print_addr(uint64_t a)
{
	uint64_t off = 0;
	const char *name = ksym_lookup(a, &off);

	if (name != NULL && kernel_text(a))
		printk("  [<%016lx>] %s+0x%lx\n", a, name, off);
	else
		printk("  [<%016lx>] ?\n", a);
}

/* Walk frame pointers from rbp; stops at anything that is not a frame. */
void
backtrace(uint64_t rbp)
{
	printk("backtrace:\n");
	for (int depth = 0; depth < 32; depth++) {
		uint64_t *frame = (uint64_t *)rbp;

		if (rbp == 0 || rbp % 8 != 0 ||
		    !(on_kernel_stack(rbp) || kernel_data_addr(rbp)))
			break;
		if (frame[1] == 0)
			break;
		print_addr(frame[1]);
		rbp = frame[0];
	}
}

static void
stop_others(void)
{
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* Another CPU is already panicking: just stop. */
		for (;;) {
			cli();
			hlt();
		}
	}
	smp_halt_others();
}

void
panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	uint64_t rbp;

	cli();
	stop_others();
	console_break_lock();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\nKERNEL PANIC on cpu %d: %s\n", smp_cpu_id(), buf);
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	backtrace(rbp);
	printk("system halted\n");
	for (;;)
		hlt();
}

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

const char *
exception_name(uint64_t v)
{
	if (v < 32 && exc_names[v] != NULL)
		return exc_names[v];
	return v < 32 ? "reserved exception" : "unexpected interrupt";
}

void
panic_trap(struct trapframe *tf, const char *why)
{
	cli();
	stop_others();
	console_break_lock();
	printk("\nKERNEL PANIC on cpu %d: %s: vector %lu (%s), error 0x%lx, cr2 0x%lx\n",
	    smp_cpu_id(), why, tf->vector, exception_name(tf->vector), tf->error,
	    read_cr2());
	printk("rip %016lx cs %04lx rflags %016lx rsp %016lx ss %04lx\n",
	    tf->rip, tf->cs, tf->rflags, tf->rsp, tf->ss);
	printk("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
	    tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n",
	    tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n",
	    tf->r9, tf->r10, tf->r11, tf->r12);
	printk("r13 %016lx r14 %016lx r15 %016lx cr3 %016lx\n",
	    tf->r13, tf->r14, tf->r15, read_cr3());
	printk("at:\n");
	print_addr(tf->rip);
	backtrace(tf->rbp);
	printk("system halted\n");
	for (;;)
		hlt();
}
