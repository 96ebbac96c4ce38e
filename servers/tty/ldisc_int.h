/*
 * Between the two halves of the line discipline: ldisc.c (input, line
 * editing, reads) uses the output half (ldisc_out.c) to echo.
 */
#ifndef SERVERS_TTY_LDISC_INT_H
#define SERVERS_TTY_LDISC_INT_H

#include "servers/tty/ldisc.h"

#define LF(ld, f)	(((ld)->t.c_lflag & TTY_##f) != 0)
#define IF(ld, f)	(((ld)->t.c_iflag & TTY_##f) != 0)
#define OF(ld, f)	(((ld)->t.c_oflag & TTY_##f) != 0)

/* ASCII control characters (only these echo as ^X). */
static inline int
ld_iscntrl(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}

/* A UTF-8 continuation byte, with IUTF8: part of the character before it. */
static inline int
ld_iscont(const struct ldisc *ld, uint8_t c)
{
	return IF(ld, IUTF8) && (c & 0xc0) == 0x80;
}

/*
 * Output one byte through output processing (if OPOST). Returns 0, or -1
 * when the output queue has no room for all it makes of c (then nothing
 * was queued).
 */
int ld_output(struct ldisc *ld, uint8_t c);

/* Echo c as typed: control characters as ^X with ECHOCTL. */
void ld_echo(struct ldisc *ld, uint8_t c);

/* Echo c as it is (through output processing). */
void ld_echo_raw(struct ldisc *ld, uint8_t c);

/* Move the cursor back n columns for an erased tab. */
void ld_echo_backspaces(struct ldisc *ld, uint32_t n);

#endif
