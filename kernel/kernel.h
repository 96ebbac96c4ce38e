/*
 * Common kernel definitions: fixed-width types, the log, panic and the
 * assertions that guard kernel invariants.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include "kernel/arch/layout.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* Physical <-> direct-map virtual addresses. */
#define P2V(pa)	((void *)((uint64_t)(pa) + DIRECT_MAP))
#define V2P(va)	((uint64_t)(va) - DIRECT_MAP)

#include "lib/common/string.h"

void serial_init(void);
void serial_configure(const char *cmdline);
void serial_putc(char c);
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);
void console_break_lock(void);	/* panics only */

struct trapframe;
__attribute__((noreturn)) void panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void panic_trap(struct trapframe *tf, const char *why);
void backtrace(uint64_t rbp);
const char *exception_name(uint64_t vector);
const char *ksym_lookup(uint64_t addr, uint64_t *off);

#define assert(x) do { if (unlikely(!(x))) \
	panic("%s: assertion '%s' failed at %s:%d", __func__, #x, __FILE__, __LINE__); } while (0)

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _edata[], _end[];

#endif
