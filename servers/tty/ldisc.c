/*
 * The input half of the line discipline: input flags, keyboard signals,
 * line editing with echo, the input queue, and reads with canonical and
 * VMIN/VTIME rules. See ldisc.h for the contract.
 */
#include "servers/tty/ldisc_int.h"
#include "lib/common/string.h"

#define CC(ld, i)	((ld)->t.c_cc[TTY_##i])

/* c is the enabled control character i (0 disables one). */
#define IS_CC(ld, c, i)	(CC(ld, i) != 0 && (c) == CC(ld, i))

void
ldisc_default_termios(struct tty_termios *t)
{
	static const uint8_t cc[TTY_NCCS] = {
		[TTY_VINTR] = 003, [TTY_VQUIT] = 034, [TTY_VERASE] = 0177,
		[TTY_VKILL] = 025, [TTY_VEOF] = 004, [TTY_VTIME] = 0,
		[TTY_VMIN] = 1, [TTY_VSTART] = 021, [TTY_VSTOP] = 023,
		[TTY_VSUSP] = 032, [TTY_VREPRINT] = 022, [TTY_VDISCARD] = 017,
		[TTY_VWERASE] = 027, [TTY_VLNEXT] = 026,
	};

	t->c_iflag = TTY_ICRNL | TTY_IXON;
	t->c_oflag = TTY_OPOST | TTY_ONLCR;
	t->c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD | TTY_HUPCL;
	t->c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK |
	    TTY_ECHOCTL | TTY_ECHOKE | TTY_IEXTEN;
	t->c_line = 0;
	for (int i = 0; i < TTY_NCCS; i++)
		t->c_cc[i] = cc[i];
}

void
ldisc_init(struct ldisc *ld, void (*signal)(void *, int), void *ctx)
{
	memset(ld, 0, sizeof(*ld));
	ldisc_default_termios(&ld->t);
	ld->signal = signal;
	ld->ctx = ctx;
}

/* ---- the input queue ---------------------------------------------------- */

static void
q_put(struct ldisc *ld, uint8_t c, uint8_t flags)
{
	uint32_t i = (ld->qhead + ld->qlen) % LDISC_QMAX;

	ld->q[i] = c;
	ld->qf[i] = flags;
	ld->qlen++;
	ld->nlines += (flags & LDISC_QF_EOL) != 0;
	ld->neof += (flags & LDISC_QF_EOF) != 0;
}

/* Take the oldest byte out of the queue; returns its flags. */
static uint8_t
q_take(struct ldisc *ld, uint8_t *c)
{
	uint8_t f = ld->qf[ld->qhead];

	*c = ld->q[ld->qhead];
	ld->qhead = (ld->qhead + 1) % LDISC_QMAX;
	ld->qlen--;
	ld->nlines -= (f & LDISC_QF_EOL) != 0;
	ld->neof -= (f & LDISC_QF_EOF) != 0;
	if (ld->qlen == 0)
		ld->qhead = 0;
	return f;
}

void
ldisc_flush_input(struct ldisc *ld)
{
	ld->qhead = ld->qlen = ld->nlines = ld->neof = 0;
	ld->linelen = 0;
	ld->lnext = 0;
}

size_t
ldisc_inq(const struct ldisc *ld)
{
	return ld->qlen - ld->neof;
}

/* ---- canonical line editing ---------------------------------------------- */

/*
 * End the line being edited with c (flags: EOL, and EOF for an EOF mark).
 * There is always room for a line with something in it (line_room keeps
 * a byte for its end); an empty line finds none when the queue is full.
 */
static void
end_line(struct ldisc *ld, uint8_t c, uint8_t flags)
{
	if (ld->qlen + ld->linelen + 1 > LDISC_QMAX) {
		ld->dropped++;
		return;
	}
	for (uint32_t i = 0; i < ld->linelen; i++)
		q_put(ld, ld->line[i], 0);
	ld->linelen = 0;
	q_put(ld, c, (uint8_t)(flags | LDISC_QF_EOL));
}

/* Room for one more byte in the line, keeping one for its end. */
static int
line_room(const struct ldisc *ld)
{
	return ld->qlen + ld->linelen + 2 <= LDISC_QMAX;
}

/* Columns the line takes from start (after a tab, or from its beginning). */
static uint32_t
tab_erase_width(const struct ldisc *ld)
{
	uint32_t cols = 0, i = ld->linelen;
	int after_tab = 0;

	while (i > 0) {
		uint8_t c = ld->line[--i];

		if (c == '\t') {
			after_tab = 1;
			break;
		}
		if (ld_iscntrl(c)) {
			if (LF(ld, ECHOCTL))
				cols += 2;
		} else if (!ld_iscont(ld, c)) {
			cols++;
		}
	}
	if (!after_tab)
		cols += ld->canon_column;
	return 8 - (cols & 7);
}

static void
echo_rubout(struct ldisc *ld)
{
	ld_echo_raw(ld, '\b');
	ld_echo_raw(ld, ' ');
	ld_echo_raw(ld, '\b');
}

enum kill_type { ERASE, WERASE, KILL };

/*
 * Erase the last character (ERASE), word (WERASE) or the whole line
 * (KILL) with c, echoing as Linux's eraser() does.
 */
static void
eraser(struct ldisc *ld, uint8_t c, enum kill_type kind)
{
	int seen_alnums = 0;

	if (ld->linelen == 0)
		return;
	if (kind == KILL) {
		if (!LF(ld, ECHO)) {
			ld->linelen = 0;
			return;
		}
		if (!LF(ld, ECHOK) || !LF(ld, ECHOKE) || !LF(ld, ECHOE)) {
			ld->linelen = 0;
			ld_echo(ld, c);
			if (LF(ld, ECHOK))
				ld_echo_raw(ld, '\n');
			return;
		}
	}
	while (ld->linelen > 0) {
		uint32_t head = ld->linelen;
		uint8_t ch;

		/* A whole character: a UTF-8 sequence goes at once. */
		do {
			ch = ld->line[--head];
		} while (ld_iscont(ld, ch) && head > 0);
		if (ld_iscont(ld, ch))
			break;
		if (kind == WERASE) {
			int alnum = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			    (ch >= 'A' && ch <= 'Z') || ch == '_';

			if (alnum)
				seen_alnums++;
			else if (seen_alnums)
				break;
		}
		ld->linelen = head;
		if (LF(ld, ECHO)) {
			if (kind == ERASE && !LF(ld, ECHOE)) {
				ld_echo(ld, c);
			} else if (ch == '\t') {
				ld_echo_backspaces(ld, tab_erase_width(ld));
			} else {
				if (ld_iscntrl(ch) && LF(ld, ECHOCTL))
					echo_rubout(ld);
				if (!ld_iscntrl(ch) || LF(ld, ECHOCTL))
					echo_rubout(ld);
			}
		}
		if (kind == ERASE)
			break;
	}
}

/* ^R: the reprint character, a new line, and the line as typed. */
static void
reprint(struct ldisc *ld, uint8_t c)
{
	ld_echo(ld, c);
	ld_echo_raw(ld, '\n');
	for (uint32_t i = 0; i < ld->linelen; i++)
		ld_echo(ld, ld->line[i]);
}

/* ---- receiving ------------------------------------------------------------ */

static void
keyboard_signal(struct ldisc *ld, int sig, uint8_t c)
{
	if (!LF(ld, NOFLSH)) {
		ldisc_flush_input(ld);
		ldisc_flush_output(ld);
	}
	if (ld->signal != NULL)
		ld->signal(ld->ctx, sig);
	if (LF(ld, ECHO))
		ld_echo(ld, c);
}

/* An ordinary byte: echo it and queue it, if there is room. */
static void
ordinary(struct ldisc *ld, uint8_t c)
{
	int canon = LF(ld, ICANON);

	if (canon ? !line_room(ld) : ld->qlen >= LDISC_QMAX) {
		ld->dropped++;
		return;
	}
	if (LF(ld, ECHO)) {
		if (c == '\n') {
			ld_echo_raw(ld, c);
		} else {
			if (!canon || ld->linelen == 0)
				ld->canon_column = ld->column;
			ld_echo(ld, c);
		}
	}
	if (canon)
		ld->line[ld->linelen++] = c;
	else
		q_put(ld, c, 0);
}

/* The special characters of canonical mode; 1 if c was one. */
static int
canon_special(struct ldisc *ld, uint8_t c)
{
	if (IS_CC(ld, c, VERASE) || c == '\b') {
		eraser(ld, c, ERASE);
		return 1;
	}
	if (IS_CC(ld, c, VKILL)) {
		eraser(ld, c, KILL);
		return 1;
	}
	if (IS_CC(ld, c, VWERASE) && LF(ld, IEXTEN)) {
		eraser(ld, c, WERASE);
		return 1;
	}
	if (IS_CC(ld, c, VLNEXT) && LF(ld, IEXTEN)) {
		ld->lnext = 1;
		if (LF(ld, ECHO) && LF(ld, ECHOCTL)) {
			ld_echo_raw(ld, '^');
			ld_echo_raw(ld, '\b');
		}
		return 1;
	}
	if (IS_CC(ld, c, VREPRINT) && LF(ld, ECHO) && LF(ld, IEXTEN)) {
		reprint(ld, c);
		return 1;
	}
	if (c == '\n') {
		if (LF(ld, ECHO) || LF(ld, ECHONL))
			ld_echo_raw(ld, '\n');
		end_line(ld, c, 0);
		return 1;
	}
	if (IS_CC(ld, c, VEOF)) {
		end_line(ld, c, LDISC_QF_EOF);
		return 1;
	}
	if (IS_CC(ld, c, VEOL) || (IS_CC(ld, c, VEOL2) && LF(ld, IEXTEN))) {
		if (LF(ld, ECHO)) {
			if (ld->linelen == 0)
				ld->canon_column = ld->column;
			ld_echo(ld, c);
		}
		end_line(ld, c, 0);
		return 1;
	}
	return 0;
}

static void
receive(struct ldisc *ld, uint8_t c)
{
	if (IF(ld, ISTRIP))
		c &= 0x7f;
	if (IF(ld, IUCLC) && LF(ld, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (ld->lnext) {
		ld->lnext = 0;
		ordinary(ld, c);
		return;
	}
	if (IF(ld, IXON)) {
		/* Flow control: ^S holds the output (echo too), ^Q lets it go. */
		if (IS_CC(ld, c, VSTOP)) {
			ld->ostopped = 1;
			return;
		}
		if (IS_CC(ld, c, VSTART)) {
			ld->ostopped = 0;
			return;
		}
		if (ld->ostopped && IF(ld, IXANY))
			ld->ostopped = 0;	/* and the byte is input as usual */
	}
	if (LF(ld, ISIG)) {
		if (IS_CC(ld, c, VINTR)) {
			keyboard_signal(ld, LDISC_SIGINT, c);
			return;
		}
		if (IS_CC(ld, c, VQUIT)) {
			keyboard_signal(ld, LDISC_SIGQUIT, c);
			return;
		}
		if (IS_CC(ld, c, VSUSP)) {
			keyboard_signal(ld, LDISC_SIGTSTP, c);
			return;
		}
	}
	if (c == '\r') {
		if (IF(ld, IGNCR))
			return;
		if (IF(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && IF(ld, INLCR)) {
		c = '\r';
	}
	if (LF(ld, ICANON) && canon_special(ld, c))
		return;
	ordinary(ld, c);
}

void
ldisc_input(struct ldisc *ld, const uint8_t *buf, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++)
		receive(ld, buf[i]);
	if (n > 0)
		ld->last_rx = now;
}

void
ldisc_set_termios(struct ldisc *ld, const struct tty_termios *t)
{
	int was = LF(ld, ICANON);

	ld->t = *t;
	if (was && !LF(ld, ICANON)) {
		/* The line being edited becomes readable as it is. */
		for (uint32_t i = 0; i < ld->linelen; i++)
			q_put(ld, ld->line[i], 0);
		ld->linelen = 0;
		ld->lnext = 0;
	} else if (!was && LF(ld, ICANON) && ld->qlen > 0) {
		/* What is queued is read as one line, as Linux does. */
		uint32_t last = (ld->qhead + ld->qlen - 1) % LDISC_QMAX;

		if (!(ld->qf[last] & LDISC_QF_EOL)) {
			ld->qf[last] |= LDISC_QF_EOL;
			ld->nlines++;
		}
	}
}

/* ---- reading -------------------------------------------------------------- */

int
ldisc_readable(const struct ldisc *ld, size_t max, uint64_t now, uint64_t timer,
    uint64_t *deadline)
{
	uint64_t vtime = (uint64_t)CC(ld, VTIME) * LDISC_VTIME_NS;
	size_t avail = ldisc_inq(ld), want;

	if (deadline != NULL)
		*deadline = 0;
	if (LF(ld, ICANON))
		return ld->nlines > 0;
	want = CC(ld, VMIN);
	if (max > 0 && want > max)
		want = max;
	if (want == 0) {
		/* VMIN = 0: any byte, or the end of VTIME counted from the read. */
		if (avail > 0 || vtime == 0 || (timer != 0 && now - timer >= vtime))
			return 1;
		if (deadline != NULL && timer != 0)
			*deadline = timer + vtime;
		return 0;
	}
	if (avail >= want)
		return 1;
	if (avail == 0 || vtime == 0)
		return 0;
	/* VMIN > 0, VTIME > 0: VTIME is counted between bytes. */
	if (now - ld->last_rx >= vtime)
		return 1;
	if (deadline != NULL)
		*deadline = ld->last_rx + vtime;
	return 0;
}

/* Copy a line (or its first max bytes) out of the queue. */
static size_t
read_canon(struct ldisc *ld, uint8_t *dst, size_t max)
{
	size_t n = 0;

	while (ld->qlen > 0 && n < max) {
		uint8_t c, f = q_take(ld, &c);

		if (!(f & LDISC_QF_EOF))
			dst[n++] = c;
		if (f & LDISC_QF_EOL)
			return n;
	}
	/*
	 * The buffer is full: an EOF mark that ends this very line goes
	 * with it, or the next read would see an end of file.
	 */
	if (ld->qlen > 0 && (ld->qf[ld->qhead] & LDISC_QF_EOF)) {
		uint8_t c;

		(void)q_take(ld, &c);
	}
	return n;
}

static size_t
read_raw(struct ldisc *ld, uint8_t *dst, size_t max)
{
	size_t n = 0;

	while (ld->qlen > 0 && n < max) {
		uint8_t c, f = q_take(ld, &c);

		if (!(f & LDISC_QF_EOF))
			dst[n++] = c;
	}
	return n;
}

int64_t
ldisc_read(struct ldisc *ld, uint8_t *dst, size_t max, uint64_t now,
    uint64_t *timer, uint64_t *deadline)
{
	uint64_t t = timer != NULL ? *timer : 0;

	if (deadline != NULL)
		*deadline = 0;
	if (max == 0)
		return 0;
	if (!ldisc_readable(ld, max, now, t, deadline)) {
		/* A VMIN = 0 reader that will wait starts its VTIME now. */
		if (timer != NULL && *timer == 0 && !LF(ld, ICANON) && CC(ld, VMIN) == 0) {
			*timer = now != 0 ? now : 1;
			if (deadline != NULL)
				*deadline = *timer + (uint64_t)CC(ld, VTIME) * LDISC_VTIME_NS;
		}
		return LDISC_AGAIN;
	}
	if (timer != NULL)
		*timer = 0;
	return (int64_t)(LF(ld, ICANON) ? read_canon(ld, dst, max) : read_raw(ld, dst, max));
}
