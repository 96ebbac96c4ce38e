/* User FPU state: detection, XCR0 set-up and save/restore. */
#include "kernel/fpu.h"
#include "kernel/arch/x86.h"
#include "kernel/heap.h"

int fpu_has_xsave;
uint32_t fpu_state_size = 512;
uint64_t fpu_xcr0;

#define XCR0_X87	(1u << 0)
#define XCR0_SSE	(1u << 1)
#define XCR0_AVX	(1u << 2)

static inline void
xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv" :: "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Called on every CPU; the first call decides the save format and size. */
void
fpu_init_cpu(void)
{
	uint32_t a, b, c, d;

	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	cpuid(1, 0, &a, &b, &c, &d);
	if (!((c >> 26) & 1))
		return;		/* fxsave only */
	write_cr4(read_cr4() | CR4_OSXSAVE);
	{
		uint32_t sa, sb, sc, sd;
		uint64_t want = XCR0_X87 | XCR0_SSE;

		cpuid(0xD, 0, &sa, &sb, &sc, &sd);
		if (((c >> 28) & 1) && (sa & XCR0_AVX))
			want |= XCR0_AVX;
		xsetbv(0, want);
		cpuid(0xD, 0, &sa, &sb, &sc, &sd);
		fpu_has_xsave = 1;
		fpu_xcr0 = want;
		fpu_state_size = sb;	/* size for the enabled components */
	}
}

void *
fpu_alloc_state(void)
{
	uint8_t *area = kmalloc(fpu_state_size);

	if (area == NULL)
		return NULL;
	memset(area, 0, fpu_state_size);
	*(uint16_t *)(area + 0) = 0x37F;	/* FCW: all exceptions masked */
	*(uint32_t *)(area + 24) = 0x1F80;	/* MXCSR: the same */
	return area;
}

void
fpu_free_state(void *area)
{
	kfree(area);
}

void
fpu_save(void *area)
{
	if (fpu_has_xsave)
		__asm__ volatile("xsave64 (%0)" :: "r"(area), "a"((uint32_t)fpu_xcr0),
		    "d"((uint32_t)(fpu_xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

void
fpu_restore(void *area)
{
	if (fpu_has_xsave)
		__asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"((uint32_t)fpu_xcr0),
		    "d"((uint32_t)(fpu_xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}
