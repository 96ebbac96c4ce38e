/* Handle tables; see handle.h for the contracts. */
#include "kernel/handle.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"

#define GEN_MASK	((1u << (32 - SK_HANDLE_INDEX_BITS)) - 1)

void
handle_table_init(struct handle_table *t)
{
	t->slots = NULL;
	t->nslots = 0;
	t->free_head = 0;
	t->count = 0;
}

/*
 * Make the table at least want slots long (slot 0 included). The new
 * size is a power of two no larger than SK_HANDLE_MAX_SLOTS; asking for
 * more than that is SK_E_NOSPACE. On failure nothing changes.
 */
static int
grow(struct handle_table *t, uint64_t want)
{
	uint32_t n = t->nslots ? t->nslots : 16;
	struct handle_slot *s;

	if (want > SK_HANDLE_MAX_SLOTS)
		return SK_E_NOSPACE;
	while (n < want)
		n *= 2;
	if (n > SK_HANDLE_MAX_SLOTS)
		n = SK_HANDLE_MAX_SLOTS;
	if (n == t->nslots)
		return SK_OK;
	s = kmalloc(n * sizeof(*s));
	if (s == NULL)
		return SK_E_NOMEM;
	if (t->slots != NULL)
		memcpy(s, t->slots, t->nslots * sizeof(*s));
	memset(s + t->nslots, 0, (n - t->nslots) * sizeof(*s));
	/* Chain the new slots onto the free list, lowest first. */
	for (uint32_t i = n - 1; i >= MAX(t->nslots, 1u); i--) {
		s[i].next_free = t->free_head;
		t->free_head = i;
	}
	kfree(t->slots);
	t->slots = s;
	t->nslots = n;
	return SK_OK;
}

int
handle_reserve(struct handle_table *t, uint32_t n)
{
	uint32_t freecount = t->nslots ? t->nslots - 1 - t->count : 0;

	if (freecount >= n)
		return SK_OK;
	/* In 64 bits: a huge n must not wrap into a small request. */
	return grow(t, (uint64_t)t->count + n + 1);
}

int
handle_lookup(struct handle_table *t, uint32_t h, uint32_t type,
    uint32_t rights, struct handle_slot **slot)
{
	uint32_t idx = SK_HANDLE_INDEX(h), gen = SK_HANDLE_GEN(h);
	struct handle_slot *s;

	if (idx == 0 || idx >= t->nslots)
		return SK_E_BADHANDLE;
	s = &t->slots[idx];
	if (s->obj == NULL)
		return s->used_once ? SK_E_CLOSED : SK_E_BADHANDLE;
	if (gen != s->gen)
		return SK_E_CLOSED;
	if (type != SK_OBJ_NONE && s->obj->type != type)
		return SK_E_WRONGTYPE;
	if ((s->rights & rights) != rights)
		return SK_E_RIGHTS;
	*slot = s;
	return SK_OK;
}

static void
fill(struct handle_table *t, uint32_t idx, struct kobject *obj, uint32_t rights,
    uint64_t badge)
{
	struct handle_slot *s = &t->slots[idx];

	s->obj = obj;
	s->rights = rights;
	s->badge = badge;
	s->used_once = 1;
	t->count++;
	obj_handle_opened(obj, rights, badge);
}

int
handle_alloc(struct handle_table *t, struct kobject *obj, uint32_t rights,
    uint64_t badge, uint32_t *out)
{
	uint32_t idx;
	int err;

	if (t->free_head == 0 && (err = grow(t, t->nslots ? t->nslots + 1 : 16)) != SK_OK)
		return err;
	if (t->free_head == 0)
		return SK_E_NOSPACE;
	idx = t->free_head;
	t->free_head = t->slots[idx].next_free;
	obj_ref(obj);
	fill(t, idx, obj, rights, badge);
	*out = SK_HANDLE_MAKE(idx, t->slots[idx].gen);
	return SK_OK;
}

int
handle_install(struct handle_table *t, uint32_t index, struct kobject *obj,
    uint32_t rights)
{
	int err;
	uint32_t *link;

	if (index >= t->nslots && (err = grow(t, (uint64_t)index + 1)) != SK_OK)
		return err;
	if (t->slots[index].obj != NULL || index == 0)
		return SK_E_EXISTS;
	/* Unlink index from the free list. */
	for (link = &t->free_head; *link != 0; link = &t->slots[*link].next_free)
		if (*link == index) {
			*link = t->slots[index].next_free;
			break;
		}
	obj_ref(obj);
	fill(t, index, obj, rights, 0);
	return SK_OK;
}

static void
release_slot(struct handle_table *t, uint32_t idx)
{
	struct handle_slot *s = &t->slots[idx];

	s->obj = NULL;
	s->rights = 0;
	s->badge = 0;
	s->gen = (uint16_t)((s->gen + 1) & GEN_MASK);
	s->next_free = t->free_head;
	t->free_head = idx;
	t->count--;
}

int
handle_close(struct handle_table *t, uint32_t h)
{
	struct handle_slot *s;
	struct kobject *obj;
	uint32_t rights;
	uint64_t badge;
	int err;

	if ((err = handle_lookup(t, h, SK_OBJ_NONE, 0, &s)) != SK_OK)
		return err;
	obj = s->obj;
	rights = s->rights;
	badge = s->badge;
	release_slot(t, SK_HANDLE_INDEX(h));
	obj_handle_closed(obj, rights, badge);
	obj_unref(obj);
	return SK_OK;
}

void
handle_take(struct handle_table *t, uint32_t h, struct kobject **obj,
    uint32_t *rights, uint64_t *badge)
{
	struct handle_slot *s = &t->slots[SK_HANDLE_INDEX(h)];

	*obj = s->obj;
	*rights = s->rights;
	*badge = s->badge;
	release_slot(t, SK_HANDLE_INDEX(h));
	obj_handle_closed(*obj, *rights, *badge);
}

void
handle_table_clear(struct handle_table *t)
{
	/*
	 * Closing a handle can destroy an object whose destruction closes
	 * more handles in other tables, but never in this one: this table's
	 * process is already dead, so nothing else reaches it.
	 */
	for (uint32_t i = 1; i < t->nslots; i++) {
		struct handle_slot *s = &t->slots[i];

		if (s->obj != NULL) {
			struct kobject *obj = s->obj;
			uint32_t rights = s->rights;
			uint64_t badge = s->badge;

			release_slot(t, i);
			obj_handle_closed(obj, rights, badge);
			obj_unref(obj);
		}
	}
	kfree(t->slots);
	handle_table_init(t);
}
