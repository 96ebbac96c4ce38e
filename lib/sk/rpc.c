/*
 * sk_rpc: one protocol request and its reply (see sk.h).
 */
#include "sk.h"

int64_t
sk_rpc(sk_handle_t ep, struct sk_rpc *m, uint64_t timeout)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg msg;
	int64_t r;

	if (m->snd_nh > SK_MSG_HANDLES)
		return SK_ERRVAL(SK_E_TOOBIG, 2);
	msg.tag = m->label;
	for (int i = 0; i < SK_MSG_WORDS; i++)
		msg.w[i] = m->w[i];
	u->rcv_buf = (uint64_t)m->rcv;
	u->rcv_max = m->rcv != NULL ? m->rcv_max : 0;
	if (m->snd_len > 0 || m->snd_nh > 0) {
		msg.tag |= SK_TAG_LONG;
		u->snd_buf = (uint64_t)m->snd;
		u->snd_len = m->snd_len;
		u->snd_nh = m->snd_nh;
		for (uint32_t i = 0; i < m->snd_nh; i++)
			u->snd_h[i] = m->snd_h[i];
	}
	m->rcv_len = 0;
	m->rcv_nh = 0;
	r = sk_call(ep, &msg, timeout);
	if (r < 0)
		return r;
	for (int i = 0; i < SK_MSG_WORDS; i++)
		m->r[i] = msg.w[i];
	if (msg.tag & SK_TAG_LONG) {
		m->rcv_len = u->rcv_len;
		m->rcv_nh = u->rcv_nh;
		for (uint32_t i = 0; i < m->rcv_nh && i < SK_MSG_HANDLES; i++)
			m->rcv_h[i] = u->rcv_h[i];
	}
	return (int64_t)m->r[0];
}
