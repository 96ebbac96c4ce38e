/*
 * Per-CPU descriptor tables and control registers: the GDT with a TSS,
 * the shared IDT, the syscall MSRs, and the CPU features Skiff turns on
 * (NX, write protection, alignment checks for user code, global pages,
 * machine checks, SMEP, SMAP, FSGSBASE, SSE/xsave).
 */
#include "kernel/cpu.h"
#include "kernel/arch/x86.h"
#include "kernel/arch/trapframe.h"
#include "kernel/fpu.h"

int cpu_has_smap;
static int cpu_has_smep, cpu_has_fsgsbase, cpu_has_pge, cpu_has_mce;

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));

/* Interrupt stack table slots (1-based, as the IDT names them). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
extern char vector_table_start[];
extern void syscall_entry(void);

void
idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)vector_table_start + (uint64_t)v * 16;

		idt[v].off_lo = (uint16_t)a;
		idt[v].sel = SEL_KCODE;
		/*
		 * Double fault, NMI and machine check can arrive with any
		 * stack, or none, so each runs on its own per-CPU stack
		 * (cpu_init_tables() fills in the IST slots).
		 */
		idt[v].ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0;
		/*
		 * Present interrupt gates. Only int3 may be raised by user code
		 * (DPL 3); `int n` from user mode for any other vector is #GP.
		 */
		idt[v].type = v == 3 ? 0xEE : 0x8E;
		idt[v].off_mid = (uint16_t)(a >> 16);
		idt[v].off_hi = (uint32_t)(a >> 32);
		idt[v].zero = 0;
	}
}

void
idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) p =
	    { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" :: "m"(p));
}

void
cpu_init_tables(struct cpu *c)
{
	uint64_t tss = (uint64_t)&c->tss;
	uint64_t limit = sizeof(c->tss) - 1;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gp;

	c->self = c;
	c->gdt[0] = 0;
	c->gdt[1] = 0x00AF9A000000FFFF;	/* 0x08 kernel code */
	c->gdt[2] = 0x00CF92000000FFFF;	/* 0x10 kernel data */
	c->gdt[3] = 0x00CFF2000000FFFF;	/* 0x18 user data (DPL 3) */
	c->gdt[4] = 0x00AFFA000000FFFF;	/* 0x20 user code (DPL 3) */
	c->gdt[5] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
	    (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((tss >> 24) & 0xff) << 56);
	c->gdt[6] = tss >> 32;

	memset(&c->tss, 0, sizeof(c->tss));
	c->tss.ist[IST_DF - 1] = (uint64_t)c->df_stack + sizeof(c->df_stack);
	c->tss.ist[IST_NMI - 1] = (uint64_t)c->nmi_stack + sizeof(c->nmi_stack);
	c->tss.ist[IST_MC - 1] = (uint64_t)c->mc_stack + sizeof(c->mc_stack);
	/* No I/O permission until a process with an I/O range runs. */
	c->tss.iomap_base = sizeof(c->tss);
	c->tss.iomap[8192] = 0xff;
	memset(c->tss.iomap, 0xff, 8192);

	gp.limit = sizeof(c->gdt) - 1;
	gp.base = (uint64_t)c->gdt;
	__asm__ volatile(
	    "lgdt %0\n"
	    "pushq $0x08\n"
	    "leaq 1f(%%rip), %%rax\n"
	    "pushq %%rax\n"
	    "lretq\n"
	    "1: movw $0x10, %%ax\n"
	    "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%ss\n"
	    "xorw %%ax, %%ax\n movw %%ax, %%fs\n movw %%ax, %%gs\n"
	    :: "m"(gp) : "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
	idt_load();

	/* GS: kernel base is this CPU; the user base starts at 0. */
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	/* syscall: kernel CS 0x08, sysret base 0x10 (user SS 0x18, CS 0x20). */
	wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Mask IF, TF, DF, AC and NT on entry. */
	wrmsr(MSR_FMASK, RFLAGS_IF | (1u << 8) | (1u << 10) | RFLAGS_AC | (1u << 14));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
}

void
cpu_init_features(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4 = read_cr4();

	cpuid(7, 0, &a, &b, &c, &d);
	cpu_has_smep = (b >> 7) & 1;
	cpu_has_smap = (b >> 20) & 1;
	cpu_has_fsgsbase = b & 1;
	cpuid(1, 0, &a, &b, &c, &d);
	cpu_has_pge = (d >> 13) & 1;
	cpu_has_mce = (d >> 7) & 1;

	/*
	 * CR0.AM lets user code that sets RFLAGS.AC get #AC for misaligned
	 * accesses; alignment is never checked at CPL 0, so the kernel's own
	 * stac/clac use of AC is unaffected.
	 */
	write_cr0((read_cr0() | CR0_WP | CR0_MP | CR0_NE | CR0_AM) &
	    ~(uint64_t)(CR0_EM | CR0_TS));
	if (cpu_has_pge)
		cr4 |= CR4_PGE;
	/* Without CR4.MCE a machine check shuts the machine down silently. */
	if (cpu_has_mce)
		cr4 |= CR4_MCE;
	if (cpu_has_smep)
		cr4 |= CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= CR4_SMAP;
	if (cpu_has_fsgsbase)
		cr4 |= CR4_FSGSBASE;
	write_cr4(cr4);
	fpu_init_cpu();
}

void
cpu_print_features(void)
{
	printk("cpu: smep %d smap %d fsgsbase %d pge %d mce %d xsave %d (%u bytes, xcr0 0x%lx)\n",
	    cpu_has_smep, cpu_has_smap, cpu_has_fsgsbase, cpu_has_pge, cpu_has_mce,
	    fpu_has_xsave, fpu_state_size, fpu_xcr0);
}
