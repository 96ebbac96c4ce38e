/* abi/skiff/errors.h: the error table, its encoding in results, the names. */
#include "tests/host/host.h"
#include "abi/skiff/errors.h"

struct errdef {
	const char *name;
	int value;
	const char *text;
};

static const struct errdef errs[] = {
#define E(name, value, text) { #name, value, text },
	SK_ERRORS(E)
#undef E
};
#define NERRS	((int)(sizeof(errs) / sizeof(errs[0])))

TEST(codes_are_dense_and_counted)
{
	CHECK_EQ(NERRS, SK_E_COUNT);
	CHECK_EQ(SK_OK, 0);
	for (int i = 0; i < NERRS; i++)
		CHECK_MSG(errs[i].value == i, "%s has value %d, expected %d",
		    errs[i].name, errs[i].value, i);
	/* The encoding keeps the code in 8 bits. */
	CHECK(SK_E_COUNT <= 256);
}

TEST(names_match_enumerators)
{
	for (int i = 0; i < NERRS; i++)
		CHECK_STREQ(sk_errname(errs[i].value), errs[i].name);
	CHECK_STREQ(sk_errname(SK_E_NOMEM), "SK_E_NOMEM");
	CHECK_STREQ(sk_errname(SK_OK), "SK_OK");
}

TEST(texts_match_table)
{
	for (int i = 0; i < NERRS; i++)
		CHECK_STREQ(sk_errtext(errs[i].value), errs[i].text);
}

TEST(names_and_texts_distinct)
{
	for (int i = 0; i < NERRS; i++) {
		CHECK_MSG(strncmp(errs[i].name, i == 0 ? "SK_OK" : "SK_E_", 5) == 0,
		    "%s does not start with SK_E_", errs[i].name);
		CHECK_MSG(errs[i].text[0] != 0, "%s has an empty text", errs[i].name);
		for (int j = i + 1; j < NERRS; j++) {
			CHECK_MSG(strcmp(sk_errname(i), sk_errname(j)) != 0,
			    "codes %d and %d share the name %s", i, j, sk_errname(i));
			CHECK_MSG(strcmp(sk_errtext(i), sk_errtext(j)) != 0,
			    "codes %d and %d share the text \"%s\"", i, j, sk_errtext(i));
		}
	}
}

TEST(encoding_round_trip)
{
	for (int code = 0; code < SK_E_COUNT; code++) {
		for (int argno = 0; argno <= 6; argno++) {
			int64_t r = SK_ERRVAL(code, argno);

			CHECK_MSG(SK_ERR(r) == code, "SK_ERR(SK_ERRVAL(%d, %d)) = %d",
			    code, argno, SK_ERR(r));
			CHECK_MSG(SK_ERRARG(r) == argno, "SK_ERRARG(SK_ERRVAL(%d, %d)) = %d",
			    code, argno, SK_ERRARG(r));
			/* Every error is a negative result; only SK_OK/0 is not. */
			if (code != 0 || argno != 0)
				CHECK_MSG(r < 0, "SK_ERRVAL(%d, %d) = %" PRId64 " is not negative",
				    code, argno, r);
			/* Results travel in RAX: the encoding survives uint64_t. */
			uint64_t rax = (uint64_t)r;
			CHECK_EQ(SK_ERR((int64_t)rax), code);
			CHECK_EQ(SK_ERRARG((int64_t)rax), argno);
			/* Distinct (code, argno) pairs give distinct results. */
			for (int c2 = 0; c2 < SK_E_COUNT; c2++)
				for (int a2 = 0; a2 <= 6; a2++)
					if (c2 != code || a2 != argno)
						CHECK(SK_ERRVAL(c2, a2) != r);
		}
	}
	CHECK_EQ(SK_ERRVAL(SK_E_INVAL, 2), -(6 | 2 << 8));
}

TEST(errname_out_of_range)
{
	CHECK_STREQ(sk_errname(-1), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errname(SK_E_COUNT), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errname(SK_E_COUNT + 1), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errname(255), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errname(1 << 30), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errname(INT32_MIN), "SK_E_UNKNOWN");
	CHECK_STREQ(sk_errtext(-1), "unknown error");
	CHECK_STREQ(sk_errtext(SK_E_COUNT), "unknown error");
	CHECK_STREQ(sk_errtext(INT32_MAX), "unknown error");
}
