/* The time page (timepage.c, abi/skiff/timepage.h). */
#ifndef KERNEL_TIMEPAGE_H
#define KERNEL_TIMEPAGE_H

#include <stdint.h>

struct aspace;

/* Fill the page from the calibrated clock; once, at boot. */
void timepage_init(uint64_t tsc_base, uint64_t mult, uint32_t shift);
/* Map it read-only at SK_TIMEPAGE_VA in as; SK_OK or the error of as_map. */
int timepage_map(struct aspace *as);
/* The wall clock's offset changed. BKL held. */
void timepage_set_real(int64_t offset);

#endif
