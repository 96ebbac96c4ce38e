/*
 * Tiny checking helpers for the Linux behaviour tests: the same program
 * runs on Linux (the oracle) and on Skiff, prints "ok <what>" per check
 * and exits 0 only when every check held.
 */
#ifndef CHECK_H
#define CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed;

#define CHECK(cond, what) do { \
	if (cond) { \
		printf("ok %s\n", what); \
	} else { \
		printf("FAIL %s (%s:%d, errno %d %s)\n", what, __FILE__, __LINE__, errno, \
		    strerror(errno)); \
		check_failed = 1; \
	} \
	fflush(stdout); \
} while (0)

#define CHECK_DONE() (check_failed ? 1 : 0)

#endif
