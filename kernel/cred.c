/* Credentials; see cred.h. Lock: the big kernel lock. */
#include "kernel/cred.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"

struct cred *root_cred;

struct cred *
cred_create(const struct sk_cred *c, int *err)
{
	struct cred *cr;

	if (c->ngroups > SK_NGROUPS) {
		*err = SK_E_INVAL;
		return NULL;
	}
	if ((cr = kzalloc(sizeof(*cr))) == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&cr->obj, SK_OBJ_CRED);
	cr->c = *c;
	cr->c._pad = 0;
	for (uint32_t i = c->ngroups; i < SK_NGROUPS; i++)
		cr->c.groups[i] = 0;
	*err = SK_OK;
	return cr;
}

void
cred_destroy(struct kobject *o)
{
	kfree(o);
}
