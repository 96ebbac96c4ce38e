/*
 * The output half of the line discipline: output processing (OPOST and
 * the flags under it), echo, and the output queue the device drains.
 */
#include "servers/tty/ldisc_int.h"

/* Queue n bytes, all or none. Returns 0 or -1 (no room). */
static int
o_put(struct ldisc *ld, const uint8_t *b, uint32_t n)
{
	if (LDISC_OMAX - ld->olen < n)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		ld->o[(ld->ohead + ld->olen + i) % LDISC_OMAX] = b[i];
	ld->olen += n;
	return 0;
}

/*
 * One byte through output processing, as Linux's do_output_char: the
 * cursor column is tracked so that erasing a tab can find its width.
 */
int
ld_output(struct ldisc *ld, uint8_t c)
{
	static const uint8_t crlf[2] = { '\r', '\n' };
	static const uint8_t spaces[8] = "        ";
	uint32_t n;

	if (!OF(ld, OPOST))
		return o_put(ld, &c, 1);
	switch (c) {
	case '\n':
		if (OF(ld, ONLRET))
			ld->column = 0;
		if (OF(ld, ONLCR)) {
			if (o_put(ld, crlf, 2) < 0)
				return -1;
			ld->column = ld->canon_column = 0;
			return 0;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if (OF(ld, ONOCR) && ld->column == 0)
			return 0;
		if (OF(ld, OCRNL)) {
			c = '\n';
			if (OF(ld, ONLRET))
				ld->column = ld->canon_column = 0;
			break;
		}
		ld->column = ld->canon_column = 0;
		break;
	case '\t':
		n = 8 - (ld->column & 7);
		if ((ld->t.c_oflag & TTY_TABDLY) == TTY_XTABS) {
			if (o_put(ld, spaces, n) < 0)
				return -1;
			ld->column += n;
			return 0;
		}
		if (o_put(ld, &c, 1) < 0)
			return -1;
		ld->column += n;
		return 0;
	case '\b':
		if (o_put(ld, &c, 1) < 0)
			return -1;
		if (ld->column > 0)
			ld->column--;
		return 0;
	default:
		if (!ld_iscntrl(c)) {
			if (OF(ld, OLCUC) && c >= 'a' && c <= 'z')
				c = (uint8_t)(c - 'a' + 'A');
			if (o_put(ld, &c, 1) < 0)
				return -1;
			if (!ld_iscont(ld, c))
				ld->column++;
			return 0;
		}
		break;
	}
	return o_put(ld, &c, 1);
}

void
ld_echo_raw(struct ldisc *ld, uint8_t c)
{
	(void)ld_output(ld, c);	/* an echo that finds no room is dropped */
}

void
ld_echo(struct ldisc *ld, uint8_t c)
{
	uint8_t pair[2] = { '^', (uint8_t)(c ^ 0100) };

	if (LF(ld, ECHOCTL) && ld_iscntrl(c) && c != '\t') {
		if (o_put(ld, pair, 2) == 0)
			ld->column += 2;
		return;
	}
	ld_echo_raw(ld, c);
}

void
ld_echo_backspaces(struct ldisc *ld, uint32_t n)
{
	static const uint8_t bs = '\b';

	if (n > ld->column)
		n = ld->column;
	while (n-- > 0 && o_put(ld, &bs, 1) == 0)
		ld->column--;
}

size_t
ldisc_write(struct ldisc *ld, const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ld_output(ld, buf[i]) < 0)
			break;
	return i;
}

/* Room for any byte: the longest a byte can become is a tab's 8 spaces. */
int
ldisc_writable(const struct ldisc *ld)
{
	return LDISC_OMAX - ld->olen >= 8;
}

int
ldisc_out_stopped(const struct ldisc *ld)
{
	return (ld->ostopped && (ld->t.c_iflag & TTY_IXON)) || ld->oflow_off;
}

void
ldisc_flow(struct ldisc *ld, int action)
{
	uint8_t c;

	switch (action) {
	case LDISC_OOFF:
		ld->oflow_off = 1;
		break;
	case LDISC_OON:
		ld->oflow_off = 0;
		ld->ostopped = 0;
		break;
	case LDISC_IOFF:
	case LDISC_ION:
		c = ld->t.c_cc[action == LDISC_IOFF ? TTY_VSTOP : TTY_VSTART];
		if (c != 0)
			(void)o_put(ld, &c, 1);
		break;
	}
}

size_t
ldisc_out_peek(const struct ldisc *ld, uint8_t *dst, size_t max)
{
	size_t n = max < ld->olen ? max : ld->olen;

	if (ldisc_out_stopped(ld))
		return 0;

	for (size_t i = 0; i < n; i++)
		dst[i] = ld->o[(ld->ohead + i) % LDISC_OMAX];
	return n;
}

void
ldisc_out_consume(struct ldisc *ld, size_t n)
{
	if (n > ld->olen)
		n = ld->olen;
	ld->ohead = (uint32_t)((ld->ohead + n) % LDISC_OMAX);
	ld->olen -= (uint32_t)n;
	if (ld->olen == 0)
		ld->ohead = 0;
}

size_t
ldisc_out_take(struct ldisc *ld, uint8_t *dst, size_t max)
{
	size_t n = ldisc_out_peek(ld, dst, max);

	ldisc_out_consume(ld, n);
	return n;
}

void
ldisc_flush_output(struct ldisc *ld)
{
	ld->ohead = ld->olen = 0;
}

size_t
ldisc_outq(const struct ldisc *ld)
{
	return ld->olen;
}
