/* Giving lists of handles to another process in as few calls as possible. */
#include "sk.h"

int64_t
sk_give_list(sk_handle_t p, const sk_handle_t *in, sk_handle_t *out, uint32_t n)
{
	struct sk_give g[SK_GIVE_MAX];
	uint32_t idx[SK_GIVE_MAX];
	uint32_t i = 0;
	int64_t r;

	while (i < n) {
		uint32_t k = 0;

		for (; i < n && k < SK_GIVE_MAX; i++) {
			if (in[i] == 0) {
				out[i] = 0;
				continue;
			}
			g[k].h = in[i];
			g[k].rights = SK_GIVE_SAME;
			g[k].out = 0;
			idx[k++] = i;
		}
		if (k == 0)
			break;
		if ((r = sk_handle_give_many(p, g, k)) < 0)
			return r;
		for (uint32_t j = 0; j < k; j++)
			out[idx[j]] = g[j].out;
	}
	return 0;
}
