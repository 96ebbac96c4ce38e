/*
 * trap(): every exception and interrupt lands here from entry.S.
 *
 * TLB shootdown and halt IPIs are answered without the big kernel lock;
 * everything else takes it (user entries, and interrupts in the idle
 * loop, which runs without it). An exception in kernel mode is a kernel
 * bug and panics; an unresolvable exception in user mode goes to the
 * process's fault handler or kills the process. Double fault and machine
 * check always panic. An NMI is reported and ignored when it interrupts
 * user code or the halted idle loop, and panics anywhere else in the
 * kernel (see docs/kernel.md).
 *
 * The FPU is switched eagerly (kernel/fpu.h) and CR0.TS is never set, so
 * #NM does not occur in practice; if it did in user mode it would be an
 * ordinary fault like #DE, #UD, #GP or #AC.
 */
#include "kernel/kernel.h"
#include "kernel/cpu.h"
#include "kernel/arch/trapframe.h"
#include "kernel/arch/x86.h"
#include "kernel/bkl.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/resource.h"
#include "kernel/reflect.h"
#include "abi/skiff/ipc.h"
#include "abi/skiff/syscall.h"

void trap(struct trapframe *tf);

#define PF_PRESENT	(1u << 0)
#define PF_WRITE	(1u << 1)
#define PF_INSN		(1u << 4)

#define VEC_NMI		2
#define VEC_DF		8
#define VEC_MC		18

/* NMI reasons latched in the legacy system control port B. */
#define PORTB		0x61
#define PORTB_SERR	(1u << 7)	/* PCI system error */
#define PORTB_IOCHK	(1u << 6)	/* I/O channel check */

/* MCG_STATUS and MCi_STATUS bits. */
#define MCG_RIPV	(1ull << 0)
#define MCG_EIPV	(1ull << 1)
#define MCG_MCIP	(1ull << 2)
#define MCI_VAL		(1ull << 63)
#define MCI_UC		(1ull << 61)
#define MCI_MISCV	(1ull << 59)
#define MCI_ADDRV	(1ull << 58)
#define MCI_PCC		(1ull << 57)

/*
 * An NMI. It can arrive anywhere, with no lock honoured and, in the few
 * instructions around swapgs, with the user's GS base, so this uses no
 * per-CPU pointer from GS and takes no lock but the console's. Printing is
 * safe when the CPU was in user mode or halted in the idle loop, the only
 * place the kernel runs with interrupts enabled: it holds no lock there.
 * Anywhere else the interrupted code may hold the console lock or be half
 * way through a switch, so the NMI panics and the panic shows where the
 * kernel was, which is what an operator's NMI is usually for.
 */
static void
nmi(struct trapframe *tf, bool from_user)
{
	int id = smp_cpu_id();
	uint8_t why = inb(PORTB);

	if (!from_user && !((tf->rflags & RFLAGS_IF) &&
	    cpus[id].current == cpus[id].idle))
		panic_trap(tf, "nmi in kernel mode");
	printk("nmi: cpu %d, %s at rip 0x%lx%s%s; ignored\n", id,
	    from_user ? "in user mode" : "idle", tf->rip,
	    why & PORTB_SERR ? ", PCI system error" : "",
	    why & PORTB_IOCHK ? ", I/O channel check" : "");
}

/*
 * A machine check: print the global status and every bank's status (with
 * its address and extra information when the bank says they are valid),
 * then panic. The registers exist only when CPUID reports the machine
 * check architecture.
 */
__attribute__((noreturn)) static void
machine_check(struct trapframe *tf)
{
	uint32_t a, b, c, d, nbanks;
	uint64_t mcg;
	int id = smp_cpu_id();

	cpuid(1, 0, &a, &b, &c, &d);
	if (!((d >> 14) & 1))
		panic_trap(tf, "machine check (no machine-check registers)");
	nbanks = (uint32_t)(rdmsr(MSR_MCG_CAP) & 0xff);
	mcg = rdmsr(MSR_MCG_STATUS);
	printk("mce: cpu %d: MCG_STATUS 0x%lx (%s, %s%s), %u banks\n", id, mcg,
	    mcg & MCG_RIPV ? "restartable" : "not restartable",
	    mcg & MCG_EIPV ? "rip is the error" : "rip unrelated",
	    mcg & MCG_MCIP ? ", in progress" : "", nbanks);
	for (uint32_t i = 0; i < nbanks; i++) {
		uint64_t st = rdmsr(MSR_MC_STATUS(i));

		if (!(st & MCI_VAL)) {
			printk("mce: cpu %d: bank %u: status 0x%lx\n", id, i, st);
			continue;
		}
		printk("mce: cpu %d: bank %u: status 0x%lx (valid%s%s), addr 0x%lx, misc 0x%lx\n",
		    id, i, st, st & MCI_UC ? ", uncorrected" : ", corrected",
		    st & MCI_PCC ? ", context corrupt" : "",
		    st & MCI_ADDRV ? rdmsr(MSR_MC_ADDR(i)) : 0,
		    st & MCI_MISCV ? rdmsr(MSR_MC_MISC(i)) : 0);
	}
	panic_trap(tf, "machine check");
}

static void
user_exception(struct trapframe *tf)
{
	struct thread *t = current_thread();
	uint64_t addr = tf->rip, access = SK_FAULT_EXEC;

	/* An I/O instruction may have met an outdated bitmap: retry it. */
	if (tf->vector == 13 && iomap_load(this_cpu(), t->proc))
		return;
	if (tf->vector == 14) {
		uint32_t want = SK_PROT_READ;

		addr = read_cr2();
		access = SK_FAULT_READ;
		if (tf->error & PF_WRITE) {
			want = SK_PROT_WRITE;
			access = SK_FAULT_WRITE;
		} else if (tf->error & PF_INSN) {
			want = SK_PROT_EXEC;
			access = SK_FAULT_EXEC;
		}
		if (tf->error & PF_PRESENT)
			access |= SK_FAULT_PRESENT;
		if (as_fault(t->proc->as, addr, want) == 0)
			return;
	}
	user_fault(tf, addr, access);
}

void
trap(struct trapframe *tf)
{
	uint64_t vec = tf->vector;
	bool from_user = (tf->cs & 3) != 0, took = false;

	if (vec == VEC_NMI) {
		nmi(tf, from_user);
		return;
	}
	/* Aborts, whatever the saved CS says: the frame may not be precise. */
	if (vec == VEC_DF)
		panic_trap(tf, "double fault");
	if (vec == VEC_MC)
		machine_check(tf);
	if (vec == VEC_TLB) {
		tlb_flush_local_if_needed();
		lapic_eoi();
		return;
	}
	if (vec == VEC_HALT) {
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	if (vec == VEC_SPURIOUS)
		return;
	if (vec < 32 && !from_user)
		panic_trap(tf, "exception in kernel mode");
	if (!bkl_held()) {
		bkl_acquire();
		took = true;
	}
	if (vec < 32) {
		user_exception(tf);
	} else if (vec == VEC_TIMER) {
		lapic_eoi();
		sched_tick();
	} else if (vec >= VEC_IRQ_BASE && vec < VEC_IRQ_BASE + NR_IRQS) {
		irq_dispatch((uint32_t)(vec - VEC_IRQ_BASE));
		lapic_eoi();
	} else if (vec == VEC_RESCHED) {
		lapic_eoi();
	} else {
		panic_trap(tf, "unexpected interrupt");
	}
	if (from_user) {
		kernel_exit_checks();
		reflect_interrupt_check(tf);
	}
	if (took)
		bkl_release();
}
