/*
 * String, memory and formatting functions. Freestanding code (the kernel,
 * init, the libos, freestanding test programs) gets them from string.c
 * and fmt.c; code built against a C library (musl programs such as the
 * servers, host tests) gets the C library's, with the same contracts.
 */
#ifndef LIB_COMMON_STRING_H
#define LIB_COMMON_STRING_H

#include <stddef.h>
#include <stdarg.h>

#if __STDC_HOSTED__
#include <stdio.h>
#include <string.h>
#else
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
void *memchr(const void *, int, size_t);
size_t strlen(const char *);
size_t strnlen(const char *, size_t);
int strcmp(const char *, const char *);
int strncmp(const char *, const char *, size_t);
char *strstr(const char *, const char *);
size_t strlcpy(char *, const char *, size_t);
int vsnprintf(char *, size_t, const char *, va_list);
int snprintf(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));
#endif

#endif
