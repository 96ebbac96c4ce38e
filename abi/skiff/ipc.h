/*
 * IPC message layout.
 *
 * A message is a tag, six register words and, for a "long" message, a
 * payload and up to SK_MSG_HANDLES handles described in the sender's UTCB.
 * The tag holds the label (an opcode chosen by the protocol) in its low 32
 * bits and flags in its high bits. Register-only messages take the fast
 * path; SK_TAG_LONG sends the payload and handles too.
 *
 *   call(ep, tag, w0..w5, timeout): send and wait for the reply. On return
 *     the registers hold the reply's tag and words.
 *   recv(ep, timeout): wait for a message. Returns with RDI = badge of the
 *     handle the sender used, RSI = tag, words in RDX R10 R8 R9 R12 R13, and
 *     the kernel-attested sender in utcb->sender.
 *   reply(tag, w0..w5): answer the message last received by this thread.
 *   reply_recv(ep, tag, w0..w5, timeout): reply, then receive. A reply
 *     that cannot be delivered (the caller went away, its buffer cannot
 *     take the payload) is dropped and the receive still happens, unless
 *     the tag has SK_TAG_CHECKED: then reply_recv returns the reply's
 *     error (argument 0: no caller waits; 2: the payload) and receives
 *     nothing, so a server learns that its answer was not taken.
 */
#ifndef SKIFF_IPC_H
#define SKIFF_IPC_H

#include <stdint.h>

#define SK_MSG_WORDS	6
#define SK_MSG_HANDLES	4
#define SK_MSG_PAYLOAD_MAX	(64u * 1024)

#define SK_TAG_LONG	(1ull << 63)	/* payload/handles in the UTCB */
#define SK_TAG_CHECKED	(1ull << 62)	/* reply_recv: see above; not in replies */
#define SK_TAG_LABEL(t)	((uint32_t)(t))

/*
 * Receive flags (utcb->rcv_flags, set by the receiver). SK_RCV_DEFER: a
 * request (a call, not a reply) whose payload is longer than rcv_max is
 * not refused but delivered without its payload: rcv_len gives the
 * payload's length, nothing of it is in the receive buffer, and the
 * receiver copies what it wants of it with ipc_pull while it owes the
 * reply. Handles are delivered as usual. A payload that cannot be read
 * makes ipc_pull fail with SK_E_FAULT and copy nothing; the kernel may
 * also fail such a call before delivering it, as it does without the
 * flag, so a server must expect either.
 */
#define SK_RCV_DEFER	(1u << 0)

/* Labels the kernel itself sends. */
#define SK_LABEL_FAULT	0xfff00001u	/* a thread faulted (see below) */
#define SK_LABEL_CLOSED	0xfff00002u	/* the last handle of a badge is gone */

/*
 * Badges minted with SK_MINT_NOTIFY carry SK_BADGE_NOTIFY. When the last
 * handle with such a badge goes away (closed, or its process died), a
 * receiver of the endpoint gets one message with label SK_LABEL_CLOSED,
 * the badge in RDI and w0, no payload and a zero sender, and owes no
 * reply. Notices are received before queued calls.
 */
#define SK_BADGE_NOTIFY	(1ull << 63)

/*
 * A fault message: w0 = faulting address (CR2 for page faults), w1 =
 * SK_FAULT_* access bits, w2 = instruction pointer, w3 = exception vector,
 * w4 = error code, w5 = thread id. Reply with w0 = SK_FAULT_RESUME to retry
 * the instruction, anything else to kill the thread's process.
 */
#define SK_FAULT_READ	(1u << 0)
#define SK_FAULT_WRITE	(1u << 1)
#define SK_FAULT_EXEC	(1u << 2)
#define SK_FAULT_PRESENT (1u << 3)	/* the page was mapped, access denied */
#define SK_FAULT_RESUME	0

#endif
