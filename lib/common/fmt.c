/*
 * vsnprintf for freestanding code. Supports the conversions the kernel and
 * native programs use: %d %i %u %x %X %o %p %s %c %%, the flags '-', '0' and
 * '#' (0x, 0X or 0 before a non-zero %x, %X or %o),
 * a field width (also '*'), a precision for %s, and the length modifiers
 * l, ll, z, h and hh. Always NUL-terminates when size > 0 and returns the length
 * the full output would have had.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/common/string.h"

struct out {
	char *buf;
	size_t size, len;
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* v in base, after the prefix pre ("-", "0x", ...), padded to width. */
static void
put_num(struct out *o, uint64_t v, int base, int upper, const char *pre, int width,
    int zero, int left)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len;

	do {
		tmp[n++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v != 0);
	len = n + (int)strlen(pre);
	if (!left && !zero)
		for (; width > len; width--)
			put(o, ' ');
	for (; *pre != '\0'; pre++)
		put(o, *pre);
	if (!left && zero)
		for (; width > len; width--)
			put(o, '0');
	while (n > 0)
		put(o, tmp[--n]);
	if (left)
		for (; width > len; width--)
			put(o, ' ');
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, alt = 0, width = 0, prec = -1, lng = 0, half = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else if (*fmt == '#')
				alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {	/* a negative width means '-' */
				left = 1;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng = 1;
			else if (*fmt == 'h')
				half++;		/* h: short, hh: char */
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (!lng && half)
				s = half == 1 ? (short)s : (signed char)s;
			u = s < 0 ? -(uint64_t)s : (uint64_t)s;
			put_num(&o, u, 10, 0, s < 0 ? "-" : "", width, zero, left);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
			if (!lng && half)
				u = half == 1 ? (unsigned short)u : (unsigned char)u;
			put_num(&o, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
			    !alt || u == 0 || *fmt == 'u' ? "" : *fmt == 'x' ? "0x" :
			    *fmt == 'X' ? "0X" : "0", width, zero, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16,
			    0, "", 16, 1, 0);
			break;
		case 'c':
			if (!left)
				for (; width > 1; width--)
					put(&o, ' ');
			put(&o, (char)va_arg(ap, int));
			if (left)
				for (; width > 1; width--)
					put(&o, ' ');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n = 0;

			if (str == NULL)
				str = "(null)";
			/* Never look past the precision: str need not end there. */
			while ((prec < 0 || n < prec) && str[n])
				n++;
			if (!left)
				for (int w = width; w > n; w--)
					put(&o, ' ');
			for (int i = 0; i < n; i++)
				put(&o, str[i]);
			if (left)
				for (int w = width; w > n; w--)
					put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
