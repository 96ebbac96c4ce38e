/*
 * trap(): every exception and interrupt lands here from entry.S.
 *
 * TLB shootdown and halt IPIs are answered without the big kernel lock;
 * everything else takes it (user entries, and interrupts in the idle
 * loop, which runs without it). An exception in kernel mode is a kernel
 * bug and panics; an unresolvable exception in user mode goes to the
 * process's fault handler or kills the process.
 */
#include "kernel/kernel.h"
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
	if (from_user)
		kernel_exit_checks();
	if (took)
		bkl_release();
}
