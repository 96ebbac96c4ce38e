/* Reference counting and destruction of kernel objects. */
#include "kernel/object.h"
#include "abi/skiff/ipc.h"
#include "kernel/ipc.h"

static uint64_t next_koid = 1;
static uint64_t live[SK_OBJ_TYPES];

void
obj_init(struct kobject *o, uint32_t type)
{
	if (type == SK_OBJ_NONE || type >= SK_OBJ_TYPES)
		panic("obj_init: bad type %u", type);
	o->type = type;
	o->refcount = 1;
	o->koid = next_koid++;
	live[type]++;
}

void
obj_unref(struct kobject *o)
{
	if (o->refcount == 0)
		panic("obj_unref: object %lu of type %u has no references", o->koid, o->type);
	if (--o->refcount > 0)
		return;
	live[o->type]--;
	switch (o->type) {
	case SK_OBJ_PROCESS:		process_destroy(o); break;
	case SK_OBJ_THREAD:		thread_destroy(o); break;
	case SK_OBJ_ASPACE:		aspace_destroy(o); break;
	case SK_OBJ_VMO:		vmo_destroy(o); break;
	case SK_OBJ_ENDPOINT:		endpoint_destroy(o); break;
	case SK_OBJ_NOTIFICATION:	notif_destroy(o); break;
	case SK_OBJ_IRQ:
	case SK_OBJ_IOPORT:
	case SK_OBJ_MMIO:		resource_destroy(o); break;
	case SK_OBJ_CRED:		cred_destroy(o); break;
	default:
		panic("obj_unref: object %lu has bad type %u", o->koid, o->type);
	}
}

uint64_t
obj_live(uint32_t type)
{
	return type < SK_OBJ_TYPES ? live[type] : 0;
}

void
obj_handle_opened(struct kobject *o, uint32_t rights, uint64_t badge)
{
	if (o->type != SK_OBJ_ENDPOINT)
		return;
	if (rights & SK_R_RECV)
		endpoint_receiver_added((struct endpoint *)o);
	if (badge & SK_BADGE_NOTIFY)
		ep_track_opened((struct endpoint *)o, badge);
}

void
obj_handle_closed(struct kobject *o, uint32_t rights, uint64_t badge)
{
	if (o->type != SK_OBJ_ENDPOINT)
		return;
	if (badge & SK_BADGE_NOTIFY)
		ep_track_closed((struct endpoint *)o, badge);
	if (rights & SK_R_RECV)
		endpoint_receiver_removed((struct endpoint *)o);
}
