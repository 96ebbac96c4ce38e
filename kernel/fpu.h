/*
 * User FPU/SSE/AVX state. Every user thread owns a save area; the state is
 * saved and restored eagerly at every switch between threads (xsave when
 * the CPU has it, fxsave otherwise). The kernel itself never touches the
 * FPU (it is built with -mgeneral-regs-only).
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include "kernel/kernel.h"

extern int fpu_has_xsave;
extern uint32_t fpu_state_size;	/* bytes of a save area */
extern uint64_t fpu_xcr0;	/* components enabled */

void fpu_init_cpu(void);
void *fpu_alloc_state(void);	/* initialised area, or NULL */
void fpu_free_state(void *);
void fpu_save(void *area);
void fpu_restore(void *area);

#endif
