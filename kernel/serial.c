/*
 * The kernel log goes to the first 16550 UART (COM1, port 0x3f8) by polled
 * output. User-mode drivers take the UART over later; the kernel keeps
 * writing its log with this polled path.
 */
#include "kernel/kernel.h"
#include "kernel/arch/x86.h"
#include "kernel/spinlock.h"

#define COM1	0x3f8

static struct spinlock console_lock = SPINLOCK_INIT;

void
serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xC7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

void
serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

/* Write n bytes to the console as one unit (lines from CPUs don't mix). */
void
console_write(const char *s, size_t n)
{
	spin_lock_raw(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	spin_unlock_raw(&console_lock);
}

/*
 * For panics, with interrupts disabled and the other CPUs being stopped:
 * make sure the next console_write cannot wait forever. The lock may be
 * held by the code this CPU was running when it trapped (an NMI or a
 * fault in the middle of a line), so after a bounded wait for another
 * CPU to finish its line the lock is simply taken over.
 */
void
console_break_lock(void)
{
	for (uint32_t i = 0; i < 10000000 && console_lock.locked; i++)
		cpu_relax();
	spin_unlock_raw(&console_lock);
}

void
printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}
