/*
 * Native system call numbers and the register convention.
 *
 * A native call is `syscall` with RAX = a number in [SK_SYS_BASE,
 * SK_SYS_BASE + SK_SYS_COUNT). Arguments go in RDI, RSI, RDX, R10, R8, R9
 * (the Linux order); IPC calls also use R12 and R13 as message words and
 * R14 as the timeout. RCX and R11 are clobbered by the instruction. The
 * result comes back in RAX: >= 0 on success, an encoded error otherwise
 * (see errors.h). Any other RAX is a foreign (Linux) system call and is
 * reflected to the process's library OS (see reflect.h).
 *
 * Notification bits are bits 0-62; bit 63 is reserved (notif_wait returns
 * the bits it took as a non-negative value).
 *
 * Timeouts are relative, in nanoseconds. SK_NOWAIT polls, SK_FOREVER waits
 * without limit.
 */
#ifndef SKIFF_SYSCALL_H
#define SKIFF_SYSCALL_H

#include <stdint.h>

#define SK_SYS_BASE	0x1000
#define SK_NOWAIT	0ull
#define SK_FOREVER	(~0ull)

/* X(name, number relative to SK_SYS_BASE, argument count) */
#define SK_SYSCALLS(X) \
	X(nop,			 0, 0) \
	X(debug_log,		 1, 2)	/* (buf, len) */ \
	X(handle_close,		 2, 1)	/* (h) */ \
	X(handle_dup,		 3, 2)	/* (h, rights) -> h */ \
	X(handle_info,		 4, 2)	/* (h, struct sk_handle_info *) */ \
	X(handle_give,		 5, 3)	/* (proc, h, rights) -> h in proc */ \
	X(proc_create,		 6, 5)	/* (as, name, len, privs, flags) -> proc */ \
	X(proc_exit,		 7, 1)	/* (code) */ \
	X(proc_kill,		 8, 2)	/* (proc, code) */ \
	X(proc_info,		 9, 2)	/* (proc, struct sk_proc_info *) */ \
	X(proc_set_fault,	10, 2)	/* (proc, ep or 0) */ \
	X(proc_set_cred,	11, 2)	/* (proc, cred) */ \
	X(obj_watch,		12, 3)	/* (proc|thread, notif, bits) */ \
	X(thread_create,	13, 6)	/* (proc, entry, stack, arg, utcb, prio) -> th */ \
	X(thread_exit,		14, 1)	/* (code) */ \
	X(thread_kill,		15, 1)	/* (th) */ \
	X(thread_set_prio,	16, 2)	/* (th, prio) */ \
	X(yield,		17, 0) \
	X(sleep,		18, 1)	/* (ns) */ \
	X(clock,		19, 0)	/* -> ns since boot */ \
	X(as_create,		20, 0)	/* -> as */ \
	X(as_clone,		21, 1)	/* (as) -> as, copy-on-write */ \
	X(as_map,		22, 6)	/* (as, vaddr, len, vmo or 0, off, flags) -> vaddr */ \
	X(as_unmap,		23, 3)	/* (as, vaddr, len) */ \
	X(as_protect,		24, 4)	/* (as, vaddr, len, prot) */ \
	X(as_read,		25, 4)	/* (as, vaddr, buf, len) */ \
	X(as_write,		26, 4)	/* (as, vaddr, buf, len) */ \
	X(vmo_create,		27, 2)	/* (size, flags) -> vmo */ \
	X(vmo_read,		28, 4)	/* (vmo, off, buf, len) */ \
	X(vmo_write,		29, 4)	/* (vmo, off, buf, len) */ \
	X(vmo_size,		30, 1)	/* (vmo) -> size */ \
	X(vmo_phys,		31, 2)	/* (vmo, off) -> physical address */ \
	X(ep_create,		32, 0)	/* -> ep */ \
	X(ep_mint,		33, 4)	/* (ep, badge, rights, flags) -> ep */ \
	X(call,			34, 6)	/* (ep, tag, w0..w5; R14 timeout) */ \
	X(recv,			35, 1)	/* (ep; R14 timeout) */ \
	X(reply,		36, 6)	/* (-, tag, w0..w5) */ \
	X(reply_recv,		37, 6)	/* (ep, tag, w0..w5; R14 timeout) */ \
	X(notif_create,		38, 0)	/* -> notif */ \
	X(notif_signal,		39, 2)	/* (notif, bits) */ \
	X(notif_wait,		40, 2)	/* (notif, timeout) -> bits */ \
	X(wait_many,		41, 3)	/* (struct sk_wait_item *, n, timeout) -> ready */ \
	X(irq_bind,		42, 4)	/* (irq, line, notif, bits) */ \
	X(irq_ack,		43, 2)	/* (irq, line) */ \
	X(range_split,		44, 4)	/* (irq|ioport|mmio, base, count, rights) -> h */ \
	X(ioport_enable,	45, 1)	/* (ioport) */ \
	X(mmio_map,		46, 6)	/* (as, mmio, off, len, vaddr, prot) -> vaddr */ \
	X(cred_create,		47, 1)	/* (const struct sk_cred *) -> cred */ \
	X(cred_read,		48, 2)	/* (cred, struct sk_cred *) */ \
	X(reflect_set,		49, 3)	/* (entry or 0, leave, leave_end) */ \
	X(reflect_return,	50, 0)	/* resumes the saved frame; no return */ \
	X(kstat,		51, 1)	/* (struct sk_kstat *) */ \
	X(proc_interrupt,	52, 1)	/* (proc): its threads enter the libos */ \
	X(clock_real,		53, 0)	/* -> ns since the Unix epoch (wall clock) */ \
	X(clock_set_real,	54, 1)	/* (ns since the epoch); SK_PRIV_CLOCK */ \
	X(handle_give_many,	55, 3)	/* (proc, struct sk_give *, n) -> n */ \
	X(ipc_pull,		56, 3)	/* (buf, off, len): deferred payload, ipc.h */

enum sk_sysno {
#define SK_SYS_ENUM(name, num, nargs) SK_SYS_##name = SK_SYS_BASE + (num),
	SK_SYSCALLS(SK_SYS_ENUM)
#undef SK_SYS_ENUM
	SK_SYS_END
};
#define SK_SYS_COUNT	(SK_SYS_END - SK_SYS_BASE)

/* as_map flags: protection in the low bits, then placement and sharing. */
#define SK_PROT_READ	(1u << 0)
#define SK_PROT_WRITE	(1u << 1)
#define SK_PROT_EXEC	(1u << 2)
#define SK_MAP_FIXED	(1u << 8)	/* exactly at vaddr; fail if taken */
#define SK_MAP_SHARED	(1u << 9)	/* writes go to the memory object */

/*
 * handle_give_many: copies of up to SK_GIVE_MAX handles into another
 * process in one call. For each entry, h is a handle of the caller with
 * SK_R_TRANSFER and rights are the rights of the copy, all of which h must
 * have, or SK_GIVE_SAME for exactly h's; the kernel writes the copy's
 * value in the target to out. Every entry is checked (and the array must
 * be writable) before any handle is made: a bad entry fails the whole
 * call with argument 2 and nothing changes.
 */
struct sk_give {
	uint32_t h;
	uint32_t rights;
	uint32_t out;
};
#define SK_GIVE_SAME	0xffffffffu
#define SK_GIVE_MAX	64

/* ep_mint flags */
#define SK_MINT_NOTIFY	(1u << 0)	/* SK_LABEL_CLOSED when the badge's last handle goes */

/* vmo_create flags */
#define SK_VMO_CONTIG	(1u << 0)	/* physically contiguous, eager (DMA) */

/* proc_create flags */
#define SK_PROC_INHERIT_CRED	0	/* the new process gets the creator's */

/* Scheduling priorities: higher runs first. */
#define SK_PRIO_MIN	0
#define SK_PRIO_DEFAULT	16
#define SK_PRIO_MAX	31

#endif
