/* Formatted output through the kernel debug log. */
#include "sk.h"

int
sk_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	sk_debug_log(buf, (size_t)n);
	return n;
}

int
sk_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = sk_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
