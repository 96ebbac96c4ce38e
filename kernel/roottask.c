/*
 * Start the root task: the first boot module, an ELF executable, runs as
 * the process "init" with every privilege, handles to the other boot
 * modules and to all I/O ports, device memory and IRQ lines, described by
 * a struct sk_bootinfo page (abi/skiff/bootinfo.h).
 */
#include "kernel/kernel.h"
#include "kernel/multiboot.h"
#include "kernel/timepage.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/cred.h"
#include "kernel/resource.h"
#include "kernel/pmm.h"
#include "kernel/smp.h"
#include "lib/common/elf.h"
#include "abi/skiff/bootinfo.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"

#define INIT_STACK_TOP	0x00007fff00000000ull
#define INIT_STACK_SIZE	(256 * 1024)
#define BOOTINFO_VA	0x00007ffe00000000ull

void roottask_start(void);

static uint32_t
seg_prot(uint32_t f)
{
	return ((f & ELF_PF_R) ? SK_PROT_READ : 0) | ((f & ELF_PF_W) ? SK_PROT_WRITE : 0) |
	    ((f & ELF_PF_X) ? SK_PROT_EXEC : 0);
}

static uint32_t
give(struct process *p, struct kobject *o, uint32_t rights)
{
	uint32_t h;

	if (handle_alloc(&p->handles, o, rights, 0, &h) != SK_OK)
		panic("roottask_start: no room for init's handles");
	obj_unref(o);
	return h;
}

void
roottask_start(void)
{
	struct boot_module *m = &boot_info.modules[0];
	struct elf_info ei;
	struct aspace *as;
	struct process *p;
	struct thread *t;
	struct sk_bootinfo *bi;
	struct sk_cred rc;
	struct resource *res;
	uint64_t out;
	uint32_t nmods;
	int e;

	if (boot_info.nmodules == 0)
		panic("roottask_start: no boot modules; boot with the init program as the first module");
	e = elf_parse(P2V(m->start), m->end - m->start, USER_TOP, &ei);
	if (e != ELF_OK)
		panic("roottask_start: module '%s' is not a valid program: %s", m->name, elf_strerror(e));

	memset(&rc, 0, sizeof(rc));
	if ((root_cred = cred_create(&rc, &e)) == NULL ||
	    (as = aspace_create(&e)) == NULL || timepage_map(as) != SK_OK ||
	    (p = process_create(as, "init", SK_PRIV_ALL, root_cred, &e)) == NULL)
		panic("roottask_start: out of memory");
	obj_unref(&as->obj);

	for (int i = 0; i < ei.nsegs; i++) {
		struct elf_segment *s = &ei.segs[i];
		uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);

		e = as_map(as, start, end - start, NULL, 0, SK_PROT_READ | SK_PROT_WRITE,
		    SK_MAP_FIXED, 0, &out);
		if (e != SK_OK)
			panic("roottask_start: cannot map segment %d of init: %s", i, sk_errname(e));
		if (as_copyout(as, s->vaddr, (char *)P2V(m->start) + s->offset, s->filesz) != SK_OK)
			panic("roottask_start: cannot load segment %d of init", i);
	}
	for (int i = 0; i < ei.nsegs; i++) {
		struct elf_segment *s = &ei.segs[i];
		uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);

		as_protect(as, start, ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - start,
		    seg_prot(s->flags));
	}
	if (as_map(as, INIT_STACK_TOP - INIT_STACK_SIZE, INIT_STACK_SIZE, NULL, 0,
	    SK_PROT_READ | SK_PROT_WRITE, SK_MAP_FIXED, 0, &out) != SK_OK ||
	    as_map(as, BOOTINFO_VA, PAGE_SIZE, NULL, 0, SK_PROT_READ | SK_PROT_WRITE,
	    SK_MAP_FIXED, 0, &out) != SK_OK)
		panic("roottask_start: cannot map init's stack");

	/* Build the boot information in a kernel page, then copy it in. */
	bi = P2V(page_alloc());
	bi->magic = SK_BOOTINFO_MAGIC;
	bi->ncpus = (uint32_t)ncpus;
	strlcpy(bi->cmdline, boot_info.cmdline, sizeof(bi->cmdline));
	strlcpy(bi->args, m->args, sizeof(bi->args));
	for (int i = 1; i < boot_info.nmodules && i <= SK_BOOT_MAX_MODULES; i++) {
		struct boot_module *bm = &boot_info.modules[i];
		struct sk_boot_module *sm = &bi->modules[bi->nmodules++];
		struct vmo *v = vmo_create_from_phys(bm->start, bm->end - bm->start, &e);

		if (v == NULL)
			panic("roottask_start: out of memory for module %s", bm->name);
		sm->vmo = give(p, &v->obj, SK_R_READ | SK_R_MAP | SK_R_EXEC | SK_R_DUP | SK_R_TRANSFER);
		sm->size = bm->end - bm->start;
		strlcpy(sm->name, bm->name, sizeof(sm->name));
		strlcpy(sm->args, bm->args, sizeof(sm->args));
	}
	if ((res = resource_create(SK_OBJ_IOPORT, 0, 65536, &e)) == NULL)
		panic("roottask_start: out of memory");
	bi->ioports = give(p, &res->obj, SK_R_ALL & ~SK_R_PHYS);
	if ((res = resource_create(SK_OBJ_MMIO, 0, 1ull << 40, &e)) == NULL)
		panic("roottask_start: out of memory");
	bi->mmio = give(p, &res->obj, SK_R_ALL & ~SK_R_PHYS);
	if ((res = resource_create(SK_OBJ_IRQ, 0, NR_IRQS, &e)) == NULL)
		panic("roottask_start: out of memory");
	bi->irqs = give(p, &res->obj, SK_R_ALL & ~SK_R_PHYS);
	if (as_copyout(as, BOOTINFO_VA, bi, PAGE_SIZE) != SK_OK)
		panic("roottask_start: cannot write init's boot information");
	nmods = bi->nmodules;
	page_free(V2P(bi));
	as_protect(as, BOOTINFO_VA, PAGE_SIZE, SK_PROT_READ);

	t = thread_create(p, ei.entry, INIT_STACK_TOP, BOOTINFO_VA, 0, SK_PRIO_DEFAULT, &e);
	if (t == NULL)
		panic("roottask_start: cannot create init's thread: %s", sk_errname(e));
	thread_start(t);
	obj_unref(&t->obj);
	obj_unref(&p->obj);	/* the running thread keeps it alive */
	printk("skiff: started init (%s, entry 0x%lx, %d modules handed over)\n",
	    m->name, ei.entry, nmods);
}
