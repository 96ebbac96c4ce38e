/* Advisory locks (lock.h). */
#include "lib/fs/lock.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/proto/io.h"

static int
overlaps(const struct lk *l, uint64_t start, uint64_t end)
{
	return l->start < end && start < l->end;
}

const struct lk *
lk_conflict(const struct lk_table *t, uint64_t ino, int kind, uint64_t owner, int type,
    uint64_t start, uint64_t end)
{
	for (int i = 0; i < LK_MAX; i++) {
		const struct lk *l = &t->l[i];

		if (l->kind != kind || l->ino != ino || l->owner == owner)
			continue;
		if (overlaps(l, start, end) && (type == IO_LK_WR || l->type == IO_LK_WR))
			return l;
	}
	return NULL;
}

/* Free slots in t, up to need. */
static int
free_slots(const struct lk_table *t, int need)
{
	int n = 0;

	for (int i = 0; i < LK_MAX && n < need; i++)
		if (t->l[i].kind == 0)
			n++;
	return n;
}

static struct lk *
slot(struct lk_table *t)
{
	for (int i = 0; i < LK_MAX; i++)
		if (t->l[i].kind == 0)
			return &t->l[i];
	return NULL;
}

int
lk_set(struct lk_table *t, uint64_t ino, int kind, uint64_t owner, uint32_t obj, int type,
    uint64_t start, uint64_t end)
{
	int need = type == IO_LK_UN ? 0 : 1;

	if (start >= end)
		return -SK_E_INVAL;
	if (type != IO_LK_UN && lk_conflict(t, ino, kind, owner, type, start, end) != NULL)
		return -SK_E_AGAIN;
	/* A lock of ours that sticks out on both sides splits in two. */
	for (int i = 0; i < LK_MAX; i++) {
		const struct lk *l = &t->l[i];

		if (l->kind == kind && l->ino == ino && l->owner == owner &&
		    l->start < start && l->end > end)
			need++;
	}
	if (free_slots(t, need) < need)
		return -SK_E_LIMIT;
	/* Decided: now change. Cut the owner's locks out of [start, end). */
	for (int i = 0; i < LK_MAX; i++) {
		struct lk *l = &t->l[i];

		if (l->kind != kind || l->ino != ino || l->owner != owner ||
		    !overlaps(l, start, end))
			continue;
		if (l->start < start && l->end > end) {
			struct lk *tail = slot(t);

			*tail = *l;
			tail->start = end;
			l->end = start;
		} else if (l->start < start) {
			l->end = start;
		} else if (l->end > end) {
			l->start = end;
		} else {
			l->kind = 0;
		}
	}
	if (type != IO_LK_UN) {
		struct lk *n = slot(t);

		n->ino = ino;
		n->start = start;
		n->end = end;
		n->owner = owner;
		n->obj = obj;
		n->kind = (uint8_t)kind;
		n->type = (uint8_t)type;
	}
	return 0;
}

int
lk_drop_obj(struct lk_table *t, uint32_t obj)
{
	int n = 0;

	for (int i = 0; i < LK_MAX; i++)
		if (t->l[i].kind != 0 && t->l[i].obj == obj) {
			t->l[i].kind = 0;
			n++;
		}
	return n;
}
