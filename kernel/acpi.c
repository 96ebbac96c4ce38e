/*
 * ACPI, as far as interrupt and CPU discovery need it: find the RSDP, walk
 * the XSDT (or RSDT) to the MADT, and record the local APIC base, every
 * enabled processor's APIC id, the I/O APIC and the ISA interrupt source
 * overrides. Every table is checked (signature, length, checksum) before
 * it is read; anything malformed leaves the PC defaults in place: one
 * CPU, the LAPIC at 0xFEE00000 and the I/O APIC at 0xFEC00000 with GSI
 * base 0.
 *
 * The tables live in RAM reserved by the firmware and are read through
 * the direct map, which covers at least the first 4 GiB and all of RAM.
 */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/cpu.h"
#include "kernel/pmm.h"

#define DEFAULT_LAPIC_PA	0xFEE00000ull
#define DEFAULT_IOAPIC_PA	0xFEC00000ull
#define MAX_TABLE_LEN		(1u << 20)	/* sanity bound on one table */

struct rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0, 2: ACPI 2.0+ */
	uint32_t rsdt_pa;
	/* ACPI 2.0+ */
	uint32_t length;
	uint64_t xsdt_pa;
	uint8_t ext_checksum;		/* over length bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;		/* including this header */
	uint8_t revision;
	uint8_t checksum;		/* all bytes sum to zero */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct madt {
	struct sdt_header h;
	uint32_t lapic_pa;
	uint32_t flags;
	/* variable-length entries follow */
} __attribute__((packed));

#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_LAPIC_OVERRIDE	5
#define MADT_X2APIC		9

struct madt_lapic {
	uint8_t type, length;
	uint8_t acpi_id;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic {
	uint8_t type, length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t pa;
	uint32_t gsi_base;
} __attribute__((packed));

struct madt_iso {
	uint8_t type, length;
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI flags */
} __attribute__((packed));

struct madt_lapic_override {
	uint8_t type, length;
	uint16_t reserved;
	uint64_t pa;
} __attribute__((packed));

struct madt_x2apic {
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t acpi_uid;
} __attribute__((packed));

#define LAPIC_ENABLED		(1u << 0)

/* MPS INTI flags in an interrupt source override. */
#define INTI_POLARITY_MASK	0x3
#define INTI_ACTIVE_HIGH	0x1
#define INTI_ACTIVE_LOW		0x3
#define INTI_TRIGGER_MASK	0xC
#define INTI_EDGE		0x4
#define INTI_LEVEL		0xC

uint32_t acpi_cpu_apic_ids[MAX_CPUS];
int acpi_ncpus;
uint64_t acpi_lapic_pa;
uint64_t acpi_ioapic_pa;
uint32_t acpi_ioapic_gsi_base;
struct acpi_isa_irq acpi_isa_irqs[16];

/* Everything below this physical address can be read through P2V. */
static uint64_t
mapped_limit(void)
{
	return MAX(0x100000000ull, pmm_max_phys());
}

static uint8_t
sum_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n-- > 0)
		s += *b++;
	return s;
}

/*
 * Return the table at physical address pa if it is readable, at least
 * as long as its header, has the given signature and a correct
 * checksum; otherwise print why and return NULL.
 */
static const struct sdt_header *
table_get(uint64_t pa, const char *sig)
{
	const struct sdt_header *h;
	uint64_t limit = mapped_limit();

	if (pa == 0 || pa >= limit || limit - pa < sizeof(*h)) {
		printk("acpi: %s table address 0x%lx is out of reach\n", sig, pa);
		return NULL;
	}
	h = P2V(pa);
	if (memcmp(h->signature, sig, 4) != 0)
		return NULL;
	if (h->length < sizeof(*h) || h->length > MAX_TABLE_LEN ||
	    limit - pa < h->length) {
		printk("acpi: %s table at 0x%lx has bad length %u\n", sig, pa,
		    h->length);
		return NULL;
	}
	if (sum_bytes(h, h->length) != 0) {
		printk("acpi: %s table at 0x%lx has a bad checksum\n", sig, pa);
		return NULL;
	}
	return h;
}

/* Look for a valid RSDP on 16-byte boundaries in [start, end). */
static const struct rsdp *
rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t pa = ALIGN_UP(start, 16); pa + 20 <= end; pa += 16) {
		const struct rsdp *r = P2V(pa);

		if (memcmp(r->signature, "RSD PTR ", 8) != 0)
			continue;
		if (sum_bytes(r, 20) != 0)
			continue;
		if (r->revision >= 2) {
			if (r->length < sizeof(*r) || r->length > 4096 ||
			    pa + r->length > 0x100000 ||
			    sum_bytes(r, r->length) != 0) {
				printk("acpi: RSDP at 0x%lx: bad extended checksum or length\n", pa);
				continue;
			}
		}
		return r;
	}
	return NULL;
}

static const struct rsdp *
rsdp_find(void)
{
	const struct rsdp *r;
	uint64_t ebda = (uint64_t)*(const uint16_t *)P2V(0x40E) << 4;

	/* The first KiB of the EBDA, if the BIOS data area names one. */
	if (ebda >= 0x80000 && ebda < 0xA0000 &&
	    (r = rsdp_scan(ebda, ebda + 1024)) != NULL)
		return r;
	return rsdp_scan(0xE0000, 0x100000);
}

/*
 * Find the table with signature sig through the XSDT (8-byte entries) or
 * the RSDT (4-byte entries).
 */
static const struct sdt_header *
table_find(const struct sdt_header *root, size_t entry_size, const char *sig)
{
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *e = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t pa;
		const struct sdt_header *h;

		if (entry_size == 8) {
			uint64_t v;

			memcpy(&v, e + i * 8, 8);
			pa = v;
		} else {
			uint32_t v;

			memcpy(&v, e + i * 4, 4);
			pa = v;
		}
		if (pa == 0 || pa >= mapped_limit())
			continue;
		h = P2V(pa);
		if (mapped_limit() - pa < sizeof(*h) ||
		    memcmp(h->signature, sig, 4) != 0)
			continue;
		if ((h = table_get(pa, sig)) != NULL)
			return h;
	}
	return NULL;
}

static void
set_defaults(void)
{
	acpi_ncpus = 1;
	acpi_cpu_apic_ids[0] = 0;	/* replaced by the BSP's real id */
	acpi_lapic_pa = DEFAULT_LAPIC_PA;
	acpi_ioapic_pa = DEFAULT_IOAPIC_PA;
	acpi_ioapic_gsi_base = 0;
	for (uint32_t i = 0; i < 16; i++) {
		acpi_isa_irqs[i].gsi = i;
		acpi_isa_irqs[i].active_low = false;
		acpi_isa_irqs[i].level = false;
	}
}

/* Record one processor, skipping duplicates and those beyond MAX_CPUS. */
static void
add_cpu(uint32_t apic_id, int *ignored)
{
	for (int i = 0; i < acpi_ncpus; i++)
		if (acpi_cpu_apic_ids[i] == apic_id)
			return;
	/* xAPIC physical destinations are 8 bits; 0xFF is broadcast. */
	if (apic_id >= 0xFF || acpi_ncpus == MAX_CPUS) {
		(*ignored)++;
		return;
	}
	acpi_cpu_apic_ids[acpi_ncpus++] = apic_id;
}

static void
apply_iso(const struct madt_iso *iso)
{
	struct acpi_isa_irq *irq;
	uint16_t pol = iso->flags & INTI_POLARITY_MASK;
	uint16_t trig = iso->flags & INTI_TRIGGER_MASK;

	if (iso->bus != 0 || iso->source >= 16) {
		printk("acpi: ignoring override for bus %u irq %u\n", iso->bus,
		    iso->source);
		return;
	}
	irq = &acpi_isa_irqs[iso->source];
	irq->gsi = iso->gsi;
	/* "Conforms to the bus" means active high, edge for ISA. */
	irq->active_low = pol == INTI_ACTIVE_LOW;
	irq->level = trig == INTI_LEVEL;
}

/*
 * Parse the MADT into the acpi_* variables. Returns false, leaving the
 * caller to restore the defaults, if an entry is malformed or no enabled
 * processor is listed.
 */
static bool
madt_parse(const struct madt *m)
{
	const uint8_t *p, *end;
	int ignored = 0, nioapic = 0;
	bool have_ioapic = false;

	if (m->h.length < sizeof(*m)) {
		printk("acpi: MADT is shorter than its fixed part\n");
		return false;
	}
	acpi_ncpus = 0;
	acpi_lapic_pa = m->lapic_pa;
	p = (const uint8_t *)(m + 1);
	end = (const uint8_t *)m + m->h.length;
	while (p < end) {
		uint8_t type, len;

		if (end - p < 2) {
			printk("acpi: MADT ends inside an entry header\n");
			return false;
		}
		type = p[0];
		len = p[1];
		if (len < 2 || len > end - p) {
			printk("acpi: MADT entry type %u has bad length %u\n", type, len);
			return false;
		}
		switch (type) {
		case MADT_LAPIC: {
			const struct madt_lapic *e = (const void *)p;

			if (len < sizeof(*e))
				goto short_entry;
			if (e->flags & LAPIC_ENABLED)
				add_cpu(e->apic_id, &ignored);
			break;
		}
		case MADT_X2APIC: {
			const struct madt_x2apic *e = (const void *)p;

			if (len < sizeof(*e))
				goto short_entry;
			if (e->flags & LAPIC_ENABLED)
				add_cpu(e->x2apic_id, &ignored);
			break;
		}
		case MADT_IOAPIC: {
			const struct madt_ioapic *e = (const void *)p;

			if (len < sizeof(*e))
				goto short_entry;
			nioapic++;
			/* Keep the one serving the ISA range (lowest GSI base). */
			if (!have_ioapic || e->gsi_base < acpi_ioapic_gsi_base) {
				acpi_ioapic_pa = e->pa;
				acpi_ioapic_gsi_base = e->gsi_base;
				have_ioapic = true;
			}
			break;
		}
		case MADT_ISO: {
			const struct madt_iso *e = (const void *)p;

			if (len < sizeof(*e))
				goto short_entry;
			apply_iso(e);
			break;
		}
		case MADT_LAPIC_OVERRIDE: {
			const struct madt_lapic_override *e = (const void *)p;

			if (len < sizeof(*e))
				goto short_entry;
			acpi_lapic_pa = e->pa;
			break;
		}
		default:
			break;
		}
		p += len;
	}

	if (acpi_ncpus == 0) {
		printk("acpi: MADT lists no enabled processor\n");
		return false;
	}
	if (acpi_lapic_pa == 0 || acpi_lapic_pa % PAGE_SIZE != 0) {
		printk("acpi: MADT gives a bad LAPIC address 0x%lx\n", acpi_lapic_pa);
		return false;
	}
	if (ignored > 0)
		printk("acpi: %d processors ignored (MAX_CPUS %d or APIC id >= 255)\n",
		    ignored, MAX_CPUS);
	if (!have_ioapic) {
		printk("acpi: MADT lists no I/O APIC; assuming 0x%llx\n",
		    DEFAULT_IOAPIC_PA);
		acpi_ioapic_pa = DEFAULT_IOAPIC_PA;
		acpi_ioapic_gsi_base = 0;
	} else if (nioapic > 1) {
		printk("acpi: %d I/O APICs; only the one at GSI base %u is used\n",
		    nioapic, acpi_ioapic_gsi_base);
	}
	if (acpi_ioapic_pa == 0 || acpi_ioapic_pa % 16 != 0) {
		printk("acpi: MADT gives a bad I/O APIC address 0x%lx\n",
		    acpi_ioapic_pa);
		return false;
	}
	return true;

short_entry:
	printk("acpi: MADT entry type %u is too short (%u bytes)\n", p[0], p[1]);
	return false;
}

void
acpi_init(void)
{
	const struct rsdp *r;
	const struct sdt_header *root = NULL, *madt;
	size_t entry_size = 4;

	set_defaults();
	if ((r = rsdp_find()) == NULL) {
		printk("acpi: no RSDP found; assuming one CPU and default APIC addresses\n");
		return;
	}
	if (r->revision >= 2 && r->xsdt_pa != 0 &&
	    (root = table_get(r->xsdt_pa, "XSDT")) != NULL)
		entry_size = 8;
	if (root == NULL && (root = table_get(r->rsdt_pa, "RSDT")) == NULL) {
		printk("acpi: no usable XSDT or RSDT; assuming one CPU\n");
		return;
	}
	if ((madt = table_find(root, entry_size, "APIC")) == NULL) {
		printk("acpi: no usable MADT; assuming one CPU\n");
		return;
	}
	if (!madt_parse((const struct madt *)madt)) {
		printk("acpi: MADT rejected; assuming one CPU and default APIC addresses\n");
		set_defaults();
		return;
	}
	printk("acpi: %s rev %u, %d CPUs, LAPIC 0x%lx, I/O APIC 0x%lx (GSI base %u)\n",
	    entry_size == 8 ? "XSDT" : "RSDT", r->revision, acpi_ncpus,
	    acpi_lapic_pa, acpi_ioapic_pa, acpi_ioapic_gsi_base);
	for (uint32_t i = 0; i < 16; i++) {
		const struct acpi_isa_irq *q = &acpi_isa_irqs[i];

		if (q->gsi != i || q->active_low || q->level)
			printk("acpi: ISA IRQ %u -> GSI %u, active %s, %s triggered\n",
			    i, q->gsi, q->active_low ? "low" : "high",
			    q->level ? "level" : "edge");
	}
}
