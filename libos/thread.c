/*
 * Threads of a Linux process and futexes between them. Each thread the
 * libos knows has a notification it sleeps on in futex waits. Waiters are
 * kept in one list under a spin lock; a waker changes the futex word
 * before it calls wake, and a waiter checks the word under the lock
 * before it queues itself, so no wake-up is lost.
 *
 * Futexes are private to the process: a futex in memory shared between
 * processes (MAP_SHARED) only wakes waiters of the same process.
 */
#include "libos/libos.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE		128
#define FUTEX_CLOCK_REALTIME	256
#define MAX_THREADS		256

struct l_thread {
	uint64_t tid;		/* kernel id; 0: free slot */
	uint64_t clear_tid;	/* CLONE_CHILD_CLEARTID address */
	sk_handle_t notif;	/* futex sleeps */
	/* Futex wait state. */
	uint64_t wait_addr;
	int waiting, woken;
};

static struct l_thread threads[MAX_THREADS];
static volatile int lock;

static void
t_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		sk_yield();
}

static void
t_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

/* This thread's record, made on first use. Called with the lock held. */
static struct l_thread *
self(void)
{
	uint64_t tid = sk_utcb()->tid;
	struct l_thread *freeslot = NULL;

	for (int i = 0; i < MAX_THREADS; i++) {
		if (threads[i].tid == tid)
			return &threads[i];
		if (threads[i].tid == 0 && freeslot == NULL)
			freeslot = &threads[i];
	}
	if (freeslot == NULL)
		return NULL;
	memset(freeslot, 0, sizeof(*freeslot));
	freeslot->tid = tid;
	return freeslot;
}

static int nthreads = 1;	/* live threads of the process */

/* A new thread (in its first code) records itself and its CLEARTID word. */
void
l_thread_register(uint64_t clear_tid)
{
	struct l_thread *t;

	t_lock();
	if ((t = self()) != NULL)
		t->clear_tid = clear_tid;
	t_unlock();
}

/* The parent of a new thread counts it before it runs. */
void
l_thread_born(void)
{
	t_lock();
	nthreads++;
	t_unlock();
}

/* Wake up to n waiters on addr; returns how many. Lock held. */
static int
wake_locked(uint64_t addr, int n)
{
	int woken = 0;

	for (int i = 0; i < MAX_THREADS && woken < n; i++) {
		struct l_thread *t = &threads[i];

		if (t->tid == 0 || !t->waiting || t->wait_addr != addr)
			continue;
		t->waiting = 0;
		t->woken = 1;
		sk_notif_signal(t->notif, 1);
		woken++;
	}
	return woken;
}

int64_t
l_futex_wake(uint64_t addr, int n)
{
	int w;

	t_lock();
	w = wake_locked(addr, n);
	t_unlock();
	return w;
}

/*
 * The calling thread ends (exit, not exit_group). Returns 1 when other
 * threads remain (the thread is then gone and this does not return), 0
 * when it is the last one and the process must end.
 */
int
l_thread_exit(void)
{
	struct l_thread *t;

	t_lock();
	if (nthreads <= 1) {
		t_unlock();
		return 0;
	}
	nthreads--;
	if ((t = self()) != NULL) {
		if (t->clear_tid != 0) {
			uint32_t zero = 0;

			l_copyout(t->clear_tid, &zero, sizeof(zero));
			wake_locked(t->clear_tid, 1);
		}
		if (t->notif != 0)
			sk_handle_close(t->notif);
		t->tid = 0;
	}
	t_unlock();
	sk_thread_exit(0);
	return 1;
}

/* A thread that was counted could not be made after all. */
void
l_thread_exit_failed(void)
{
	t_lock();
	nthreads--;
	t_unlock();
}

/* A new process (fork child) has no other threads. */
void
l_threads_reset(void)
{
	/* Only slots in use are written: the rest need no copy of their pages. */
	for (int i = 0; i < MAX_THREADS; i++)
		if (threads[i].tid != 0)
			memset(&threads[i], 0, sizeof(threads[i]));
	lock = 0;
	nthreads = 1;
}

/*
 * exit_group: the process ends with all its threads (the kernel ends
 * them); nothing to clear, as no thread outlives the address space.
 */
void
l_threads_exit(void)
{
}

/* Sleep on addr while it holds val, up to timeout ns. */
static int64_t
futex_wait(uint64_t addr, uint32_t val, uint64_t timeout)
{
	struct l_thread *t;
	uint32_t cur;
	int64_t e;

	if (addr & 3)
		return -L_EINVAL;
	t_lock();
	if ((t = self()) == NULL) {
		t_unlock();
		return -L_ENOMEM;
	}
	if (t->notif == 0) {
		if ((e = sk_notif_create()) < 0) {
			t_unlock();
			return -L_ENOMEM;
		}
		t->notif = (sk_handle_t)e;
	}
	if (l_copyin(&cur, addr, sizeof(cur)) < 0) {
		t_unlock();
		return -L_EFAULT;
	}
	if (cur != val) {
		t_unlock();
		return -L_EAGAIN;
	}
	t->wait_addr = addr;
	t->waiting = 1;
	t->woken = 0;
	t_unlock();
	sk_notif_wait(t->notif, timeout);
	t_lock();
	e = t->woken ? 0 : -110;	/* ETIMEDOUT */
	t->waiting = 0;
	t->woken = 0;
	t_unlock();
	return e;
}

static int64_t
futex_requeue(uint64_t addr, int n, uint64_t addr2, int n2, int cmp, uint32_t val3)
{
	uint32_t cur;
	int woken, moved = 0;

	t_lock();
	if (cmp && (l_copyin(&cur, addr, sizeof(cur)) < 0 || cur != val3)) {
		t_unlock();
		return -L_EAGAIN;
	}
	woken = wake_locked(addr, n);
	for (int i = 0; i < MAX_THREADS && moved < n2; i++)
		if (threads[i].tid != 0 && threads[i].waiting && threads[i].wait_addr == addr) {
			threads[i].wait_addr = addr2;
			moved++;
		}
	t_unlock();
	return woken + moved;
}

L_HANDLER(futex)
{
	uint64_t addr = l_arg(r, 0), op = l_arg(r, 1), val = l_arg(r, 2), uts = l_arg(r, 3);
	int cmd = (int)(op & ~(uint64_t)(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME));
	struct l_timespec ts;
	uint64_t timeout = SK_FOREVER;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (uts != 0) {
			if (l_copyin(&ts, uts, sizeof(ts)) < 0)
				return -L_EFAULT;
			if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
				return -L_EINVAL;
			timeout = (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
			if (cmd == FUTEX_WAIT_BITSET) {	/* absolute */
				uint64_t now = (op & FUTEX_CLOCK_REALTIME) ?
				    (uint64_t)sk_clock_real() : (uint64_t)sk_clock();

				timeout = timeout > now ? timeout - now : 0;
			}
		}
		return futex_wait(addr, (uint32_t)val, timeout);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return l_futex_wake(addr, (int)(val > 0x7fffffff ? 0x7fffffff : val));
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(addr, (int)val, l_arg(r, 4), (int)(uts > 0x7fffffff ?
		    0x7fffffff : uts), cmd == FUTEX_CMP_REQUEUE, (uint32_t)l_arg(r, 5));
	default:
		return -L_ENOSYS;
	}
}
