/*
 * The user thread control block (UTCB): one page per thread, allocated by
 * the kernel, mapped into the thread's process at the address its creator
 * chose and reachable from user mode at %gs:0 (the kernel sets the user GS
 * base of every thread to its UTCB). It holds the long-message descriptor,
 * what the kernel attests about the sender of the last message received,
 * and the saved context of a reflected Linux system call.
 */
#ifndef SKIFF_UTCB_H
#define SKIFF_UTCB_H

#include <stdint.h>
#include "abi/skiff/ipc.h"
#include "abi/skiff/cred.h"
#include "abi/skiff/utcb_off.h"

/* What the kernel attests about the sender of a received message. */
struct sk_sender {
	uint64_t badge;		/* of the handle the sender used */
	uint64_t pid;		/* kernel id of the sending process */
	uint64_t tid;		/* kernel id of the sending thread */
	uint64_t cred_id;	/* kernel id of the credential object */
	struct sk_cred cred;	/* its contents, written by the kernel */
};
_Static_assert(sizeof(struct sk_sender) == 32 + 96, "sk_sender layout");

/* The full user register state of a reflected system call. */
struct sk_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
};
_Static_assert(sizeof(struct sk_regs) == 20 * 8, "sk_regs layout");
_Static_assert(__builtin_offsetof(struct sk_regs, rsp) == SK_REGS_RSP &&
    __builtin_offsetof(struct sk_regs, r8) == SK_REGS_R8 &&
    __builtin_offsetof(struct sk_regs, r15) == SK_REGS_R15 &&
    __builtin_offsetof(struct sk_regs, rip) == SK_REGS_RIP &&
    __builtin_offsetof(struct sk_regs, rflags) == SK_REGS_RFLAGS, "sk_regs offsets");

struct sk_utcb {
	uint64_t self;		/* this UTCB's own user address */
	uint64_t tid;		/* kernel id of the thread */

	/* Send side of a SK_TAG_LONG message, filled by the sender. */
	uint64_t snd_buf;	/* user address of the payload */
	uint32_t snd_len;	/* bytes, <= SK_MSG_PAYLOAD_MAX */
	uint32_t snd_nh;	/* handles to move, <= SK_MSG_HANDLES */
	uint32_t snd_h[SK_MSG_HANDLES];

	/* Receive side: where payloads may go (set by the receiver). */
	uint64_t rcv_buf;
	uint32_t rcv_max;
	uint32_t rcv_flags;	/* SK_RCV_* (ipc.h) */

	/* Written by the kernel on every receive. */
	uint32_t rcv_len;
	uint32_t rcv_nh;
	uint32_t rcv_h[SK_MSG_HANDLES];
	struct sk_sender sender;

	/* Linux-syscall reflection (see reflect.h). */
	uint64_t reflect_stack;	/* stack top the library OS runs on */
	struct sk_regs reflect;	/* interrupted context, read/write */

	/* Free for the program; the kernel never reads or writes it. */
	uint64_t user_data;

	/* Why the library OS was entered: SK_REFLECT_*. */
	uint64_t reflect_reason;

	/*
	 * Nonzero while the thread runs its library OS: the kernel sets it
	 * when it enters the library OS, and reflect_return or the library
	 * OS's own return (sk_reflect_leave) clears it. While it is set, a
	 * foreign syscall is a fault and an interrupt waits.
	 */
	uint64_t reflect_busy;
	/*
	 * Nonzero while an interrupt (proc_interrupt) waits for the thread;
	 * written by the kernel only. A library OS that sees it set must
	 * return with reflect_return, which enters it again at once.
	 */
	uint64_t reflect_pending;
};

/*
 * Reasons for entering the library OS. SK_REFLECT_INTERRUPT: another
 * process called proc_interrupt (a signal is waiting); the frame is the
 * thread's state where it was stopped, and no system call was made, so
 * the libos must resume it unchanged unless it delivers a signal.
 */
#define SK_REFLECT_SYSCALL	0
#define SK_REFLECT_INTERRUPT	1
_Static_assert(sizeof(struct sk_utcb) <= 4096, "UTCB fits one page");
_Static_assert(__builtin_offsetof(struct sk_utcb, rcv_flags) == 60 &&
    __builtin_offsetof(struct sk_utcb, rcv_len) == 64, "UTCB receive side");
_Static_assert(__builtin_offsetof(struct sk_utcb, reflect) == SK_UTCB_REFLECT, "UTCB layout");
_Static_assert(__builtin_offsetof(struct sk_utcb, reflect_busy) == SK_UTCB_REFLECT_BUSY,
    "UTCB layout");
_Static_assert(__builtin_offsetof(struct sk_utcb, reflect_pending) == SK_UTCB_REFLECT_PENDING,
    "UTCB layout");

#endif
