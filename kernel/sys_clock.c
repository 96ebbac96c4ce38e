/*
 * The clocks: monotonic time since boot, and the wall clock, which is
 * that time plus an offset a privileged process sets (the rtc driver at
 * boot from the hardware clock, proc when root sets the time). The
 * offset is read and written under the big kernel lock.
 */
#include "kernel/syscall.h"
#include "kernel/process.h"
#include "kernel/smp.h"
#include "kernel/timepage.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/syscall.h"

/* Wall-clock time minus time since boot, in nanoseconds. */
static int64_t real_offset;

/* The latest wall-clock time accepted: the year 2262 (signed 64-bit ns). */
#define REAL_MAX	((int64_t)9200000000 * 1000000000)

int64_t
sys_clock(struct trapframe *tf)
{
	return (int64_t)clock_ns();
}

int64_t
sys_clock_real(struct trapframe *tf)
{
	return (int64_t)clock_ns() + real_offset;
}

/* clock_set_real(ns): the wall clock reads ns now. Needs SK_PRIV_CLOCK. */
int64_t
sys_clock_set_real(struct trapframe *tf)
{
	int64_t ns = (int64_t)tf->rdi;

	if (!(current_process()->privs & SK_PRIV_CLOCK))
		return SK_ERRVAL(SK_E_PRIV, 0);
	if (ns < 0 || ns > REAL_MAX)
		return SK_ERRVAL(SK_E_INVAL, 1);
	real_offset = ns - (int64_t)clock_ns();
	timepage_set_real(real_offset);
	return SK_OK;
}
