/*
 * Helpers for system call handlers. A handler decodes and checks every
 * argument before it changes anything, and reports the first bad one as
 * SK_ERRVAL(code, argno).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/object.h"
#include "kernel/handle.h"
#include "abi/skiff/errors.h"

struct trapframe;

/*
 * Resolve h (including the SK_H_SELF_* pseudo-handles) in the current
 * process. On SK_OK *obj is the object (no new reference) and *badge its
 * badge; *rights the handle's rights.
 */
int get_obj(uint32_t h, uint32_t type, uint32_t rights, struct kobject **obj,
    uint32_t *out_rights, uint64_t *badge);

/* Copy from / to the current process's memory: SK_OK or SK_E_FAULT. */
int copyin(void *dst, uint64_t uaddr, uint64_t len);
int copyout(uint64_t uaddr, const void *src, uint64_t len);

/* Give the current process a handle; returns it or an encoded error. */
int64_t new_handle(struct kobject *obj, uint32_t rights, uint64_t badge);

typedef int64_t (*syscall_fn)(struct trapframe *tf);

#define SYSCALL_DECL(name, num, nargs) int64_t sys_##name(struct trapframe *tf);
#include "abi/skiff/syscall.h"
SK_SYSCALLS(SYSCALL_DECL)
#undef SYSCALL_DECL

#endif
