/*
 * The kernel log goes to a 16550 UART by polled output: COM1 (port 0x3f8,
 * the console) unless the command line says "log=com2", which moves it
 * to COM2 (0x2f8) once the command line is read, so that the console
 * carries only what programs write (tools/skiff-exec). The user-mode
 * UART driver takes COM1 over; the kernel keeps its polled path.
 */
#include "kernel/kernel.h"
#include "kernel/arch/x86.h"
#include "kernel/spinlock.h"

#define COM1	0x3f8
#define COM2	0x2f8

static struct spinlock console_lock = SPINLOCK_INIT;
static uint16_t port = COM1;

static void
uart_setup(uint16_t p)
{
	outb(p + 1, 0x00);	/* no interrupts */
	outb(p + 3, 0x80);	/* DLAB */
	outb(p + 0, 0x01);	/* 115200 baud */
	outb(p + 1, 0x00);
	outb(p + 3, 0x03);	/* 8N1 */
	outb(p + 2, 0xC7);	/* FIFO on, cleared */
	outb(p + 4, 0x03);	/* DTR, RTS */
}

void
serial_init(void)
{
	uart_setup(COM1);
}

/* Called once the command line is known (one CPU, early boot). */
void
serial_configure(const char *cmdline)
{
	for (const char *p = cmdline; *p != '\0'; p++)
		if ((p == cmdline || p[-1] == ' ') && strncmp(p, "log=com2", 8) == 0 &&
		    (p[8] == '\0' || p[8] == ' ')) {
			uart_setup(COM2);
			port = COM2;
		}
}

void
serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(port + 5) & 0x20); i++)
		cpu_relax();
	outb(port, (uint8_t)c);
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
