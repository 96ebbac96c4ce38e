/*
 * Reflection of foreign system calls, and the last resort for user faults.
 *
 * On a foreign syscall the kernel saves the thread's whole user register
 * state (with RIP after the syscall instruction, and the FS and GS bases)
 * into utcb->reflect and enters the process's registered entry point with
 * RSP = utcb->reflect_stack - 8 (as if called) and RDI = the user address
 * of utcb->reflect, and sets utcb->reflect_busy. The library OS may edit
 * that frame and resumes it with the native call reflect_return, or
 * itself in user mode (lib/sk/reflect_leave.S), clearing reflect_busy as it
 * goes. A process with no entry point, a thread without a reflection
 * stack, or a foreign syscall made while reflect_busy is set, is a fault.
 * Nothing the kernel reads from the UTCB is trusted: the busy word only
 * decides between a fault and an entry for the process's own thread, and
 * every frame is checked before it is resumed. docs/kernel.md has the
 * races of the user-mode return.
 *
 * Lock: the big kernel lock, except for reflect_syscall_fast (see there).
 */
#include "kernel/reflect.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/syscall.h"
#include "kernel/arch/trapframe.h"
#include "kernel/arch/x86.h"
#include "kernel/cpu.h"
#include "abi/skiff/syscall.h"

/* Flags a user may set; IF is always set; IOPL, NT, RF, VM stay clear. */
#define USER_RFLAGS	0x00000cd5ull	/* CF PF AF ZF SF TF DF OF */
#define USER_RFLAGS_EXT	((1ull << 18) | (1ull << 21))	/* AC, ID */

void
user_fault(struct trapframe *tf, uint64_t addr, uint64_t access)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	char what[64];

	if (t->killed || p->state != SK_PROC_RUNNING)
		return;		/* already dying */
	if (ipc_send_fault(t, addr, access, tf->vector, tf->error))
		return;		/* the handler fixed it: retry */
	if (t->killed || p->state != SK_PROC_RUNNING)
		return;
	if (tf->vector == VEC_SYSCALL)
		snprintf(what, sizeof(what), "foreign syscall without a library OS");
	else
		snprintf(what, sizeof(what), "%s (vector %lu)",
		    exception_name(tf->vector), tf->vector);
	printk("skiff: process %s[%lu] thread %lu killed: %s at 0x%lx (%s%s), rip 0x%lx, "
	    "error 0x%lx, no fault handler\n",
	    p->name, p->obj.koid, t->obj.koid, what, addr,
	    access & SK_FAULT_WRITE ? "write" : access & SK_FAULT_EXEC ? "exec" : "read",
	    access & SK_FAULT_PRESENT ? ", page present" : "", tf->rip, tf->error);
	process_terminate(p, SK_PROC_FAULTED, (int64_t)tf->vector, addr);
}

/*
 * Whether t is in its library OS, as its UTCB says. The word is the
 * library OS's to clear, so any value is possible; anything but zero
 * means "in the library OS", which only holds back the process's own
 * interrupts and makes its own foreign syscalls faults.
 */
static bool
in_libos(struct thread *t)
{
	return __atomic_load_n(&t->utcb->reflect_busy, __ATOMIC_RELAXED) != 0;
}

static void
set_pending(struct thread *t, uint64_t v)
{
	__atomic_store_n(&t->utcb->reflect_pending, v, __ATOMIC_RELAXED);
}

/*
 * Save the user state in tf into t's UTCB frame and make tf return into
 * the library OS at entry on its stack, with RDI = the frame. The library
 * OS starts with clean flags (DF, AC and TF clear) whatever the program's
 * were; they are in the frame.
 */
static void
enter_libos(struct thread *t, struct trapframe *tf, uint64_t entry, uint64_t stack)
{
	struct sk_regs *r = &t->utcb->reflect;

	/*
	 * The compiler barriers keep gcc from loading all 18 words before
	 * the first store, which spilled half of them to the stack.
	 */
	r->rax = tf->rax; r->rbx = tf->rbx; r->rcx = tf->rcx; r->rdx = tf->rdx;
	__asm__ volatile("" ::: "memory");
	r->rsi = tf->rsi; r->rdi = tf->rdi; r->rbp = tf->rbp; r->rsp = tf->rsp;
	__asm__ volatile("" ::: "memory");
	r->r8 = tf->r8; r->r9 = tf->r9; r->r10 = tf->r10; r->r11 = tf->r11;
	__asm__ volatile("" ::: "memory");
	r->r12 = tf->r12; r->r13 = tf->r13; r->r14 = tf->r14; r->r15 = tf->r15;
	__asm__ volatile("" ::: "memory");
	r->rip = tf->rip;
	r->rflags = tf->rflags;
	r->fs_base = rdmsr(MSR_FS_BASE);
	r->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	__atomic_store_n(&t->utcb->reflect_busy, 1, __ATOMIC_RELAXED);
	tf->rip = entry;
	tf->rsp = (stack & ~15ull) - 8;
	tf->rdi = t->utcb_va + offsetof(struct sk_utcb, reflect);
	tf->rflags = RFLAGS_IF | 2;
}

/*
 * Make tf return to the frame in t's UTCB, after checking it: RIP and
 * the FS and GS bases must be user addresses, and only the flags a user
 * may set come from it. The thread has then left its library OS. On an
 * error nothing has changed.
 */
static int64_t
resume_frame(struct thread *t, struct trapframe *tf)
{
	struct sk_regs r;

	memcpy(&r, &t->utcb->reflect, sizeof(r));	/* one snapshot */
	if (r.rip >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 0);
	if (r.fs_base >= USER_TOP || r.gs_base >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 0);
	__atomic_store_n(&t->utcb->reflect_busy, 0, __ATOMIC_RELAXED);
	tf->rax = r.rax; tf->rbx = r.rbx; tf->rcx = r.rcx; tf->rdx = r.rdx;
	tf->rsi = r.rsi; tf->rdi = r.rdi; tf->rbp = r.rbp; tf->rsp = r.rsp;
	tf->r8 = r.r8; tf->r9 = r.r9; tf->r10 = r.r10; tf->r11 = r.r11;
	tf->r12 = r.r12; tf->r13 = r.r13; tf->r14 = r.r14; tf->r15 = r.r15;
	tf->rip = r.rip;
	tf->rflags = (r.rflags & (USER_RFLAGS | USER_RFLAGS_EXT)) | RFLAGS_IF | 2;
	tf->vector = 0;		/* return with iretq: every register exact */
	wrmsr(MSR_FS_BASE, r.fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, r.gs_base);
	return SK_OK;
}

/*
 * The reflection of a foreign syscall without the big kernel lock, for
 * the common case: the thread has a library OS to enter, is not in it,
 * and nothing waits for its kernel exit (no kill, interrupt, reschedule
 * or TLB flush). It reads only the current thread, its process's entry
 * word and this CPU, and writes only the thread's trap frame and UTCB,
 * which nothing else writes while the thread runs (proc_interrupt's
 * pending word aside, which it does not touch), and it runs with
 * interrupts masked. So it is as if the thread had gone on in user mode:
 * a kill, reschedule or shootdown posted by another CPU during it comes
 * with an IPI, taken as soon as the thread is back in user mode, and an
 * interrupt posted during it is seen by the library OS in its pending
 * word or at the thread's next kernel entry, exactly as for a thread
 * running its library OS. Returns false, having changed nothing, when
 * reflect_syscall under the lock must decide.
 */
bool
reflect_syscall_fast(struct trapframe *tf)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	struct sk_utcb *u = t->utcb;
	uint64_t stack = __atomic_load_n(&u->reflect_stack, __ATOMIC_RELAXED);
	uint64_t entry = __atomic_load_n(&t->proc->reflect_entry, __ATOMIC_RELAXED);

	if (entry == 0 || in_libos(t) || stack < PAGE_SIZE || stack > USER_TOP)
		return false;
	if (__atomic_load_n(&t->killed, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&t->interrupt, __ATOMIC_RELAXED) ||
	    c->need_resched || c->tlb_flush)
		return false;
	u->reflect_reason = SK_REFLECT_SYSCALL;
	enter_libos(t, tf, entry, stack);
	tf->rax = 0;
	return true;
}

void
reflect_syscall(struct trapframe *tf)
{
	struct thread *t = current_thread();
	struct sk_utcb *u = t->utcb;
	uint64_t stack = __atomic_load_n(&u->reflect_stack, __ATOMIC_RELAXED);
	uint64_t entry = t->proc->reflect_entry;

	if (entry == 0 || in_libos(t) || stack < PAGE_SIZE || stack > USER_TOP) {
		uint64_t nr = tf->rax;

		tf->rax = SK_ERRVAL(SK_E_NOSYS, 0);
		tf->error = nr;
		user_fault(tf, tf->rip, SK_FAULT_EXEC);
		return;
	}
	u->reflect_reason = SK_REFLECT_SYSCALL;
	enter_libos(t, tf, entry, stack);
	tf->rax = 0;
}

/*
 * A thread marked by proc_interrupt, about to return to user code, enters
 * its library OS with its current state as the frame (no system call).
 * A thread in its library OS is not entered: its reflect_pending word
 * says an interrupt waits, and it is entered when it leaves through
 * reflect_return. A thread on the library OS's user-mode return (the
 * registered leave range) has committed to the frame in its UTCB: it is
 * finished here as reflect_return would, and then entered, so the frame
 * the library OS meant to resume is the one it sees; a frame that
 * reflect_return would refuse leaves the thread where it is. A process
 * without a library OS ignores interrupts.
 */
void
reflect_interrupt_due(struct thread *t, struct trapframe *tf)
{
	struct process *p = t->proc;
	struct sk_utcb *u = t->utcb;
	uint64_t stack, entry;

	if (t->killed || (tf->cs & 3) == 0)
		return;
	entry = p->reflect_entry;
	stack = __atomic_load_n(&u->reflect_stack, __ATOMIC_RELAXED);
	if (entry == 0 || stack < PAGE_SIZE || stack > USER_TOP) {
		t->interrupt = false;
		set_pending(t, 0);
		return;
	}
	if (tf->rip - p->reflect_leave < p->reflect_leave_len) {
		if (resume_frame(t, tf) != SK_OK)
			return;
	} else if (in_libos(t)) {
		set_pending(t, 1);
		return;
	}
	t->interrupt = false;
	set_pending(t, 0);
	u->reflect_reason = SK_REFLECT_INTERRUPT;
	enter_libos(t, tf, entry, stack);
	tf->vector = 0;		/* return with iretq: the frame is not a syscall's */
}

/*
 * reflect_set(entry, leave, leave_end): entry is the library OS (0: none);
 * [leave, leave_end) its user-mode return, at most LEAVE_MAX bytes (empty:
 * none).
 */
#define LEAVE_MAX	4096

int64_t
sys_reflect_set(struct trapframe *tf)
{
	struct process *p = current_process();
	uint64_t entry = tf->rdi, leave = tf->rsi, end = tf->rdx;

	if (entry >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 1);
	if (leave >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 2);
	if (end < leave || end > USER_TOP || end - leave > LEAVE_MAX)
		return SK_ERRVAL(SK_E_RANGE, 3);
	/* Read without the lock by reflect_syscall_fast. */
	__atomic_store_n(&p->reflect_entry, entry, __ATOMIC_RELAXED);
	p->reflect_leave = entry != 0 ? leave : 0;
	p->reflect_leave_len = entry != 0 ? end - leave : 0;
	return SK_OK;
}

/* Resume the (possibly edited) frame in utcb->reflect. */
int64_t
sys_reflect_return(struct trapframe *tf)
{
	struct thread *t = current_thread();
	int64_t e;

	if (!in_libos(t))
		return SK_ERRVAL(SK_E_STATE, 0);
	if ((e = resume_frame(t, tf)) != SK_OK)
		return e;
	return (int64_t)tf->rax;
}
