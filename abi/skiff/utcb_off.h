/*
 * Offsets into struct sk_utcb (abi/skiff/utcb.h) for assembly, which
 * cannot include the structure. utcb.h checks every one against it.
 */
#ifndef SKIFF_UTCB_OFF_H
#define SKIFF_UTCB_OFF_H

#define SK_UTCB_REFLECT		224	/* struct sk_regs reflect */
#define SK_UTCB_REFLECT_BUSY	400
#define SK_UTCB_REFLECT_PENDING	408

/* Within struct sk_regs. */
#define SK_REGS_RAX	0
#define SK_REGS_RBX	8
#define SK_REGS_RCX	16
#define SK_REGS_RDX	24
#define SK_REGS_RSI	32
#define SK_REGS_RDI	40
#define SK_REGS_RBP	48
#define SK_REGS_RSP	56
#define SK_REGS_R8	64
#define SK_REGS_R9	72
#define SK_REGS_R10	80
#define SK_REGS_R11	88
#define SK_REGS_R12	96
#define SK_REGS_R13	104
#define SK_REGS_R14	112
#define SK_REGS_R15	120
#define SK_REGS_RIP	128
#define SK_REGS_RFLAGS	136

#endif
