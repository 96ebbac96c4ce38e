/* Tests of the basic calls: debug log, handles, clock, sleep. */
#include "ktest.h"

KTEST(nop_and_log)
{
	CHECK_OK(sk_nop());
	CHECK(sk_debug_log("", 0) == 0);
	CHECK_ERR(sk_debug_log((void *)0, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log((void *)0xffff800000000000ull, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log((void *)0x0000800000000000ull, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log("x", 1 << 20), SK_E_TOOBIG, 2);
	return 0;
}

KTEST(handle_errors)
{
	int64_t n = sk_notif_create(), d;
	struct sk_handle_info hi;

	CHECK_OK(n);
	CHECK_ERR(sk_handle_close(0), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_handle_close(12345), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_notif_signal(SK_H_SELF_AS, 1), SK_E_WRONGTYPE, 1);
	d = sk_handle_dup((sk_handle_t)n, SK_R_WAIT);
	CHECK_OK(d);
	CHECK_ERR(sk_notif_signal((sk_handle_t)d, 1), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_handle_dup((sk_handle_t)d, SK_R_WAIT), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_handle_dup((sk_handle_t)n, SK_R_ALL), SK_E_RIGHTS, 2);
	CHECK_OK(sk_handle_info((sk_handle_t)d, &hi));
	CHECK(hi.type == SK_OBJ_NOTIFICATION && hi.rights == SK_R_WAIT);
	CHECK_ERR(sk_handle_info((sk_handle_t)d, (void *)8), SK_E_FAULT, 2);
	CHECK_OK(sk_handle_close((sk_handle_t)d));
	CHECK_ERR(sk_handle_close((sk_handle_t)d), SK_E_CLOSED, 1);
	CHECK_ERR(sk_notif_wait((sk_handle_t)d, 0), SK_E_CLOSED, 1);
	CHECK_ERR(sk_handle_close(SK_H_SELF_PROC), SK_E_INVAL, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)n));
	return 0;
}

KTEST(clock_and_sleep)
{
	int64_t t0 = sk_clock(), t1;

	CHECK(t0 > 0);
	CHECK_OK(sk_sleep(20 * 1000000));
	t1 = sk_clock();
	CHECK(t1 - t0 >= 20 * 1000000);
	return 0;
}
