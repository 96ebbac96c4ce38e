/*
 * A small allocator for native programs (servers, the libos): blocks of
 * 32 bytes to 4 KiB in power-of-two classes carved from 64 KiB chunks the
 * program maps for itself, and whole mappings above that. Not
 * thread-safe: a program with threads calls it from one of them only, or
 * holds its own lock.
 */
#include "sk.h"

#define MIN_SHIFT	5
#define MAX_SHIFT	12
#define NCLASS		(MAX_SHIFT - MIN_SHIFT + 1)
#define CHUNK		(64 * 1024)

struct blk {
	struct blk *next;
};

/*
 * Every block is preceded by 16 bytes: its class, or the mapping size,
 * and a word that says whether it is in use, so that freeing a block
 * twice (or a pointer that is not a block) is caught instead of
 * corrupting the free lists.
 */
struct hdr {
	uint64_t size;
	uint64_t state;
};

#define IN_USE	0x6573756e69726b73ull	/* "skrinuse" */

static struct blk *freelist[NCLASS];
static char *carve, *carve_end;

static int
class_of(uint64_t n)
{
	int c = 0;

	while ((1ull << (MIN_SHIFT + c)) < n)
		c++;
	return c;
}

void *
sk_malloc(uint64_t n)
{
	struct hdr *h;
	uint64_t need = n + sizeof(struct hdr);
	int c;

	if (n == 0 || n > (1ull << 40))
		return NULL;
	if (need > (1ull << MAX_SHIFT)) {
		uint64_t len = (need + 4095) & ~4095ull;
		int64_t va = sk_as_map(SK_H_SELF_AS, 0, len, 0, 0, SK_PROT_READ | SK_PROT_WRITE);

		if (va < 0)
			return NULL;
		h = (struct hdr *)va;
		h->size = len;
		h->state = IN_USE;
		return h + 1;
	}
	c = class_of(need);
	if (freelist[c] != NULL) {
		h = (struct hdr *)freelist[c];
		freelist[c] = freelist[c]->next;
	} else {
		uint64_t sz = 1ull << (MIN_SHIFT + c);

		if (carve == NULL || (uint64_t)(carve_end - carve) < sz) {
			int64_t va = sk_as_map(SK_H_SELF_AS, 0, CHUNK, 0, 0,
			    SK_PROT_READ | SK_PROT_WRITE);

			if (va < 0)
				return NULL;
			carve = (char *)va;
			carve_end = carve + CHUNK;
		}
		h = (struct hdr *)carve;
		carve += sz;
	}
	h->size = (uint64_t)c;
	h->state = IN_USE;
	return h + 1;
}

/* Usable bytes of block p. */
static uint64_t
usable(const void *p)
{
	const struct hdr *h = (const struct hdr *)p - 1;

	if (h->size >= NCLASS)
		return h->size - sizeof(struct hdr);
	return (1ull << (MIN_SHIFT + h->size)) - sizeof(struct hdr);
}

void
sk_free(void *p)
{
	struct hdr *h;

	if (p == NULL)
		return;
	h = (struct hdr *)p - 1;
	if (h->state != IN_USE) {
		sk_printf("sk_free: %p is not an allocated block (freed twice?), from %p\n", p,
		    __builtin_return_address(0));
		sk_proc_exit(134);
	}
	h->state = 0;
	if (h->size >= NCLASS) {
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)h, h->size);
		return;
	}
	/* The free-list link overwrites the header: take the class first. */
	uint64_t c = h->size;

	((struct blk *)h)->next = freelist[c];
	freelist[c] = (struct blk *)h;
}

void *
sk_realloc(void *p, uint64_t n)
{
	void *q;

	if (p == NULL)
		return sk_malloc(n);
	if (n <= usable(p))
		return p;
	if ((q = sk_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, usable(p));
	sk_free(p);
	return q;
}

char *
sk_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sk_malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}
