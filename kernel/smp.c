/*
 * Multiprocessor start-up and CPU identity. The boot CPU is cpus[0]; the
 * other processors the MADT lists become cpus[1..] in MADT order, started
 * one at a time with INIT-SIPI-SIPI through the real-mode trampoline in
 * kernel/arch/ap_boot.S. Each one sets itself up in ap_main() and hands
 * itself to the scheduler with sched_ap_start().
 *
 * The trampoline runs on a page table of its own: the kernel half of the
 * kernel PML4 plus an identity mapping of the trampoline page, so the
 * kernel PML4 never gets a lower-half entry. Each AP leaves it for the
 * kernel PML4 as soon as its own GDT is loaded, and the boot CPU frees it
 * once every AP is up.
 */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/cpu.h"
#include "kernel/pmm.h"
#include "kernel/vm.h"
#include "kernel/sched.h"
#include "kernel/arch/x86.h"

/* ICR low words for the start-up sequence. */
#define ICR_INIT_ASSERT		0x0000C500	/* INIT, level, assert */
#define ICR_INIT_DEASSERT	0x00008500	/* INIT, level, de-assert */
#define ICR_STARTUP		0x00004600	/* start-up; | page number */

#define AP_STACK_PAGES		(KSTACK_SIZE / PAGE_SIZE)
#define AP_ONLINE_TIMEOUT_NS	1000000000ull	/* 1 s from SIPI to online */

/* Layout of ap_tramp_params in kernel/arch/ap_boot.S. */
struct ap_params {
	uint32_t pml4;
	volatile uint32_t started;
	uint64_t stack;
	uint64_t cpu;
	uint64_t entry;
} __attribute__((packed));

extern char ap_tramp_start[], ap_tramp_end[], ap_tramp_params[];

/* Each AP's first kernel stack (physical), kept for the scheduler. */
static uint64_t ap_stack_pa[MAX_CPUS];

void ap_main(struct cpu *c) __attribute__((noreturn));

static void
delay_ns(uint64_t ns)
{
	uint64_t end = clock_ns() + ns;

	while (clock_ns() < end)
		cpu_relax();
}

/*
 * The index of the calling CPU. Once cpu_init_tables() has pointed GS at
 * this CPU's struct cpu, that is one load; before that (early boot, an
 * AP on its way up, a panic at an awkward moment) the LAPIC id is looked
 * up in cpus[]. An unknown id gives 0.
 */
int
smp_cpu_id(void)
{
	uint64_t gs = rdmsr(MSR_GS_BASE);
	uint64_t base = (uint64_t)&cpus[0];
	uint32_t id;

	if (gs >= base && gs < (uint64_t)&cpus[MAX_CPUS] &&
	    (gs - base) % sizeof(struct cpu) == 0 &&
	    ((struct cpu *)gs)->self == (struct cpu *)gs)
		return this_cpu()->id;
	id = lapic_id();
	for (int i = 0; i < MAX_CPUS; i++)
		if (cpus[i].apic_id == id)
			return i;
	return 0;
}

/*
 * Ask every other online CPU to stop (the trap path halts on VEC_HALT).
 * Used by panic: it never fails and never waits for the others. A CPU
 * running with interrupts disabled only stops when it enables them.
 */
void
smp_halt_others(void)
{
	int self = smp_cpu_id();

	for (int i = 0; i < MAX_CPUS; i++)
		if (i != self && cpus[i].online)
			ipi_send(i, VEC_HALT);
}

/*
 * First C code of an application processor, on its own stack, with
 * interrupts disabled and the trampoline's page table and GDT loaded.
 */
void
ap_main(struct cpu *c)
{
	cpu_init_features();
	cpu_init_tables(c);
	/* Off the trampoline page table; this flushes its identity entry. */
	write_cr3(kernel_pml4_pa);
	lapic_init();
	if (lapic_id() != c->apic_id)
		panic("ap_main: cpu %d has APIC id %u, the MADT said %u", c->id,
		    lapic_id(), c->apic_id);
	lapic_timer_start(HZ);
	printk("smp: cpu %d (APIC id %u) online\n", c->id, c->apic_id);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_ap_start();
}

/*
 * Build the trampoline's page table: the kernel half of the kernel PML4
 * and the trampoline page mapped at its own address. Returns its physical
 * address, or 0 if memory runs out or the PML4 lies above 4 GiB (the AP
 * loads CR3 in 32-bit mode).
 */
static uint64_t
tramp_pml4_create(void)
{
	uint64_t pml4 = pt_new_pml4();
	pte_t *pte;

	if (pml4 == 0)
		return 0;
	if (pml4 >= 0x100000000ull ||
	    (pte = pt_walk(pml4, AP_TRAMPOLINE, true)) == NULL) {
		pt_free_user(pml4);
		return 0;
	}
	/* Supervisor only, executable. */
	*pte = AP_TRAMPOLINE | PTE_P | PTE_W;
	return pml4;
}

/*
 * Start the CPU with the given APIC id as cpus[idx] and wait for it to
 * come online. On failure the CPU is put back into its wait-for-SIPI
 * state with INIT, so that it cannot run off with a later AP's
 * parameters, and cpus[idx] is cleared for reuse.
 */
static bool
start_ap(int idx, uint32_t apic_id, uint64_t pml4)
{
	struct ap_params *p = (struct ap_params *)
	    ((char *)P2V(AP_TRAMPOLINE) + (ap_tramp_params - ap_tramp_start));
	struct cpu *c = &cpus[idx];
	uint64_t stack, deadline;

	if ((stack = page_alloc_contig(AP_STACK_PAGES)) == 0) {
		printk("smp: no memory for cpu %d's stack\n", idx);
		return false;
	}
	c->id = idx;
	c->apic_id = apic_id;
	c->online = false;
	p->pml4 = (uint32_t)pml4;
	p->started = 0;
	p->stack = (uint64_t)P2V(stack) + KSTACK_SIZE;
	p->cpu = (uint64_t)c;
	p->entry = (uint64_t)ap_main;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* Intel SDM: INIT, 10 ms, SIPI, 200 us, SIPI again if needed. */
	if (!lapic_send_raw(apic_id, ICR_INIT_ASSERT) ||
	    !lapic_send_raw(apic_id, ICR_INIT_DEASSERT))
		goto fail;
	delay_ns(10000000);
	for (int i = 0; i < 2 && !p->started; i++) {
		if (!lapic_send_raw(apic_id, ICR_STARTUP | (AP_TRAMPOLINE >> 12)))
			goto fail;
		delay_ns(200000);
	}

	deadline = clock_ns() + AP_ONLINE_TIMEOUT_NS;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (clock_ns() > deadline)
			goto fail;
		cpu_relax();
	}
	ap_stack_pa[idx] = stack;
	return true;

fail:
	printk("smp: cpu %d (APIC id %u) did not come up (%s); skipping it\n",
	    idx, apic_id, p->started ? "stuck after start-up" : "no start-up");
	lapic_send_raw(apic_id, ICR_INIT_ASSERT);
	lapic_send_raw(apic_id, ICR_INIT_DEASSERT);
	delay_ns(10000000);
	page_free_contig(stack, AP_STACK_PAGES);
	memset(c, 0, sizeof(*c));
	return false;
}

/*
 * Start every enabled processor the MADT lists, other than the boot CPU,
 * and set ncpus to the number online. Runs on the boot CPU after
 * lapic_init() and clock_init(), with interrupts disabled.
 */
void
smp_boot_aps(void)
{
	uint32_t bsp = lapic_id();
	size_t tramp_len = (size_t)(ap_tramp_end - ap_tramp_start);
	uint64_t pml4;
	bool bsp_listed = false;
	int n = 1;

	if (clock_tsc_hz() == 0)
		panic("smp_boot_aps: clock_init() has not run");
	if (tramp_len > PAGE_SIZE)
		panic("smp_boot_aps: trampoline is %zu bytes, more than a page",
		    tramp_len);
	cpus[0].id = 0;
	cpus[0].apic_id = bsp;
	cpus[0].online = true;
	ncpus = 1;
	for (int i = 0; i < acpi_ncpus; i++)
		if (acpi_cpu_apic_ids[i] == bsp)
			bsp_listed = true;
	if (!bsp_listed)
		printk("smp: the boot CPU (APIC id %u) is not in the MADT\n", bsp);
	if (acpi_ncpus <= 1)
		return;

	if ((pml4 = tramp_pml4_create()) == 0) {
		printk("smp: no page table below 4 GiB for the trampoline; one CPU only\n");
		return;
	}
	memcpy(P2V(AP_TRAMPOLINE), ap_tramp_start, tramp_len);

	for (int i = 0; i < acpi_ncpus && n < MAX_CPUS; i++) {
		if (acpi_cpu_apic_ids[i] == bsp)
			continue;
		if (start_ap(n, acpi_cpu_apic_ids[i], pml4))
			n++;
	}
	ncpus = n;

	/* Every AP has left the trampoline page table (see ap_main()). */
	pt_free_user(pml4);
	memset(P2V(AP_TRAMPOLINE), 0, tramp_len);
}
