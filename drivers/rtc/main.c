/*
 * rtc: the driver of the CMOS real-time clock (abi/skiff/proto/rtc.h).
 *
 * It starts as a service with start handles h[0] its endpoint and h[1]
 * the I/O ports 0x70-0x71. It sets the kernel's wall clock from the chip, then serves.
 * Without the ports, or with a chip that holds no valid time, it still
 * answers (with SK_E_NXIO or SK_E_IO), so that init does not restart it
 * in a loop; the wall clock then starts at the epoch.
 */
#include "sk.h"
#include "drivers/rtc/rtc.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/rtc.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80	/* keep NMIs masked while an index is selected */
#define REG_A_UIP	0x80	/* register A: an update is in progress */
#define REG_CENTURY	0x32	/* the century register QEMU and most PCs have */
#define READ_TRIES	100

static int present;

static inline void
cmos_write(uint8_t reg, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"((uint8_t)(reg | CMOS_NMI_OFF)), "Nd"((uint16_t)CMOS_INDEX));
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"((uint16_t)CMOS_DATA));
}

static inline uint8_t
cmos_read(uint8_t reg)
{
	uint8_t v;

	__asm__ volatile("outb %0, %1" :: "a"((uint8_t)(reg | CMOS_NMI_OFF)), "Nd"((uint16_t)CMOS_INDEX));
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)CMOS_DATA));
	return v;
}

static void
read_regs(struct cmos_regs *r)
{
	r->sec = cmos_read(0x00);
	r->min = cmos_read(0x02);
	r->hour = cmos_read(0x04);
	r->mday = cmos_read(0x07);
	r->mon = cmos_read(0x08);
	r->year = cmos_read(0x09);
	r->century = cmos_read(REG_CENTURY);
	r->status_b = cmos_read(0x0b);
}

/*
 * The chip's time in seconds since the epoch, or an encoded error. The
 * registers change once a second while the update flag is up, so the
 * time counts only when two reads outside an update agree.
 */
static int64_t
chip_time(void)
{
	struct cmos_regs a, b;

	if (!present)
		return SK_ERRVAL(SK_E_NXIO, 0);
	for (int i = 0; i < READ_TRIES; i++) {
		while (cmos_read(0x0a) & REG_A_UIP)
			sk_yield();
		read_regs(&a);
		if (cmos_read(0x0a) & REG_A_UIP)
			continue;
		read_regs(&b);
		if (memcmp(&a, &b, sizeof(a)) == 0) {
			int64_t t;

			/* A century register that does not decode is not there. */
			struct cmos_regs c = a;
			if ((t = cmos_decode(&c)) < 0) {
				c.century = 0;
				t = cmos_decode(&c);
			}
			return t < 0 ? SK_ERRVAL(SK_E_IO, 0) : t;
		}
	}
	return SK_ERRVAL(SK_E_IO, 0);
}

#define REG_B_SET	0x80	/* register B: updates stop while set */

/* RTC_WRITE: the chip keeps time t from now, in the format it uses. */
static int64_t
chip_write(int64_t t)
{
	struct cmos_regs r;
	uint8_t b;

	if (!present)
		return SK_ERRVAL(SK_E_NXIO, 0);
	b = cmos_read(0x0b);
	if (t < 0 || cmos_encode(t, b & (CMOS_B_24H | CMOS_B_BINARY), &r) < 0)
		return SK_ERRVAL(SK_E_INVAL, 1);
	cmos_write(0x0b, b | REG_B_SET);
	cmos_write(0x00, r.sec);
	cmos_write(0x02, r.min);
	cmos_write(0x04, r.hour);
	cmos_write(0x07, r.mday);
	cmos_write(0x08, r.mon);
	cmos_write(0x09, r.year);
	cmos_write(REG_CENTURY, r.century);
	cmos_write(0x0b, b & ~REG_B_SET);
	return 0;
}

static int64_t
set_kernel(void)
{
	int64_t t = chip_time(), r;

	if (t < 0)
		return t;
	if ((r = sk_clock_set_real(t * 1000000000ll)) < 0)
		return r;
	return t;
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	sk_handle_t ep;
	int64_t r;

	if (nh < 1 || h[0] == 0) {
		sk_printf("rtc: started without an endpoint\n");
		return 1;
	}
	sk_prefault(16 * 1024);
	ep = h[0];
	if (nh > 1 && h[1] != 0 && sk_ioport_enable(h[1]) >= 0)
		present = 1;
	else
		sk_printf("rtc: no I/O ports for the CMOS clock; answering SK_E_NXIO\n");
	if (present && (r = set_kernel()) < 0)
		sk_printf("rtc: the clock chip holds no valid time (%s); the wall clock "
		    "starts at 1970\n", sk_errname(SK_ERR(r)));

	u->rcv_buf = 0;
	u->rcv_max = 0;
	if ((r = sk_recv(ep, &m, SK_FOREVER)) < 0) {
		sk_printf("rtc: recv: %s\n", sk_errname(SK_ERR(r)));
		return 1;
	}
	for (;;) {
		uint32_t label = SK_TAG_LABEL(m.tag);

		/* Handles that came with a request are never kept. */
		if ((m.tag & SK_TAG_LONG) != 0)
			for (uint32_t i = 0; i < u->rcv_nh && i < SK_MSG_HANDLES; i++)
				sk_handle_close(u->rcv_h[i]);
		if (label == SK_LABEL_CLOSED || label == SK_LABEL_FAULT)
			r = 0;
		else if (SK_SVC_OF_BADGE(m.badge) == SVC_NONE)
			r = SK_ERRVAL(SK_E_PERM, 0);
		else if (label == RTC_READ)
			r = chip_time();
		else if (label == RTC_SET_KERNEL)
			r = set_kernel();
		else if (label == RTC_WRITE)
			r = chip_write((int64_t)m.w[0]);
		else
			r = SK_ERRVAL(SK_E_NOSYS, 0);
		memset(m.w, 0, sizeof(m.w));
		m.w[0] = (uint64_t)r;
		m.tag = 0;
		while ((r = sk_reply_recv(ep, &m, SK_FOREVER)) < 0) {
			/* Only a bad endpoint fails here; nothing to do but retry. */
			sk_sleep(1000000);
			if ((r = sk_recv(ep, &m, SK_FOREVER)) >= 0)
				break;
		}
	}
}
