/*
 * Hardware resources handed to user-mode drivers: ranges of IRQ lines, I/O
 * ports and physical device memory. The root task gets one handle covering
 * each whole space and splits sub-ranges off for drivers.
 */
#ifndef KERNEL_RESOURCE_H
#define KERNEL_RESOURCE_H

#include "kernel/object.h"

struct notif;

struct resource {
	struct kobject obj;
	uint64_t base, count;	/* lines, ports or bytes */
};

struct resource *resource_create(uint32_t type, uint64_t base, uint64_t count, int *err);
void irq_dispatch(uint32_t line);	/* from trap() with the BKL held */

#endif
