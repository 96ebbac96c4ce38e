/*
 * Garbage straight to the servers: a Linux program takes the handles its
 * libos holds (skiff_handle) and the handles behind its descriptors
 * (skiff_fd_handle), and sends every server and driver thousands of
 * random requests with native IPC through each kind of handle a Linux
 * process can hold: the service endpoints of proc, vfs, pipe and init;
 * open objects of the tty server (the console behind fd 1 and a fresh
 * /dev/tty, both passing through to the UART driver), of ramfs (a file
 * and a directory), of devfs (null, zero, full, urandom and /dev itself),
 * of procfs (meminfo, a process's status, /proc itself) and of pipe (both
 * ends of a pipe and a FIFO); and the two handles that are no endpoints
 * (the libos image and the event notification), which the kernel must
 * refuse. Labels are near and far from the real ones (and the kernel's
 * own), words are small, random or boundary values, payloads are random
 * bytes, boundary-value structures or paths under /tmp/g, and some
 * requests carry fresh handles of every kind.
 *
 * Every request must get an answer from its server, and that answer must
 * be a result or a well-formed error: a time-out, a dead server or a
 * server that went on without replying is a failure, and so is a server
 * that keeps the handles it was given. Afterwards every server must
 * still do its job (data written is read back, /dev/zero gives zeros,
 * /proc/meminfo starts with MemTotal:, the console takes a write, fork
 * and wait work), and init must list every service running with no
 * restart: a crash that init repaired is a failure too.
 *
 * The console storm writes random bytes to the terminal, so the report
 * (what the system test compares) comes after a marker line; failures
 * also go to the kernel log, in case the console is what broke.
 *
 * Requests that would legitimately end this process or the system, or
 * take away what it needs to go on, are left out (forbidden()): they are
 * errors only when malformed, which the servers' own tests cover.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "sk.h"
#include "abi/skiff/proto/exec.h"
#include "abi/skiff/proto/fs.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/proc.h"
#include "abi/skiff/proto/vfs.h"
#include "abi/skiff/proto/pipe.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/tty.h"
#include "abi/skiff/proto/uart.h"

#define NREQ		1500		/* requests per target */
#define TIMEOUT		(2ull * 1000 * 1000 * 1000)
#define MAX_LOST	3		/* then the target is given up */
#define GDIR		"/tmp/g"	/* where path payloads point */
#define MARKER		"== garbage report =="

static uint64_t seed = 0x1234567887654321ull;
static char report[16384];
static size_t report_len;
static int bad;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A line of the report; lines starting with FAIL also go to the kernel log. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	if (strncmp(line, "FAIL", 4) == 0) {
		bad = 1;
		sk_debug_log("t_garbage: ", 11);
		sk_debug_log(line, (size_t)n);
	}
	if (report_len + (size_t)n < sizeof(report)) {
		memcpy(report + report_len, line, (size_t)n);
		report_len += (size_t)n;
	}
}

static int
forbidden(uint32_t label)
{
	switch (label) {
	case PROC_KILL: case PROC_EXIT: case PROC_EXEC: case PROC_SETRESUID:
	case PROC_SETRESGID: case PROC_SETGROUPS: case PROC_STOPPED: case PROC_ATTACH:
	case PROC_SIGSTATE: case PROC_SETSID: case PROC_SETPGID: case PROC_ALARM:
	/* Setting the wall clock would move every process's clock. */
	case PROC_SETTIME:
	/* Lowering RLIMIT_NPROC or RLIMIT_NOFILE stops this test from forking or opening. */
	case PROC_RLIMIT:
	case VFS_MOUNT: case VFS_UMOUNT:
	case SVC_STOP: case SVC_START: case SVC_RESTART: case SVC_LOAD: case SVC_POWEROFF:
	case SVC_KILL:
		return 1;
	default:
		return 0;
	}
}

/* Values at the edges of what fields mean. */
static const uint64_t edges[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256, 511, 512, 1023, 1024,
	4095, 4096, 4097, 65535, 65536, IO_CHUNK - 1, IO_CHUNK, IO_CHUNK + 1,
	SK_MSG_PAYLOAD_MAX, 0x7fffffffull, 0x80000000ull, 0xffffffffull, 1ull << 32,
	(1ull << 32) + 1, 1ull << 40, 0x7fffffffffffffffull, 1ull << 63, ~0ull, ~0ull - 1,
	(uint64_t)-4096, PROC_INFO_INDEX, PROC_INFO_INDEX | 1, PROC_INFO_INDEX | 1000,
	IO_O_RDWR | IO_O_CREAT, IO_O_WRONLY | IO_O_TRUNC, IO_APPEND, IO_NONBLOCK,
	IO_APPEND | IO_NONBLOCK, IO_O_DIRECTORY, IO_O_PATH, IO_O_CLOEXEC, 3,
	IO_S_IFREG | 0644, IO_S_IFDIR | 0755, IO_S_IFIFO | 0600, IO_S_IFCHR | 0666,
	IO_S_IFLNK | 0777, IO_S_IFMT, 07777, IO_SEEK_END, IO_POLLIN | IO_POLLOUT,
	IO_SET_SIZE, IO_SET_MODE | IO_SET_UID, 0xff, 0xffff,
	TTY_TCGETS, TTY_TCSETS, TTY_TCSETSW, TTY_TCSETSF, TTY_TCXONC, TTY_TCFLSH,
	TTY_TIOCSCTTY, TTY_TIOCGPGRP, TTY_TIOCSPGRP, TTY_TIOCOUTQ, TTY_TIOCGWINSZ,
	TTY_TIOCSWINSZ, TTY_FIONREAD, TTY_TIOCGSID, SK_SVC_BADGE(SVC_VFS),
	SK_SVC_BADGE(SVC_TEST), SVC_HOW_HALT + 1, TTY_MINOR_CONSOLE,
};
#define NEDGES	(sizeof(edges) / sizeof(edges[0]))

/* The labels of every protocol, to aim near. */
static const uint32_t bases[] = {
	IO_READ, FS_ROOT, VFS_OPEN, PROC_SPAWN, PIPE_CREATE, TTY_OPEN, UART_ATTACH, SVC_LIST,
	SK_LABEL_FAULT, 0,
};
#define NBASES	(sizeof(bases) / sizeof(bases[0]))

static uint64_t
word(void)
{
	switch (rnd() % 5) {
	case 0:
		return rnd() % 8;
	case 1:
		return rnd();
	case 2:
	case 3:
		return edges[rnd() % NEDGES];
	default:
		return edges[rnd() % NEDGES] + (uint64_t)(rnd() % 5) - 2;
	}
}

static uint32_t
label(uint32_t own)
{
	switch (rnd() % 16) {
	case 0:
	case 1:
		return (uint32_t)rnd();
	case 2:
		return rnd() % 2 ? SK_LABEL_CLOSED : SK_LABEL_FAULT;
	case 3:
	case 4:
	case 5:
		return bases[rnd() % NBASES] + (uint32_t)(rnd() % 32);
	default:
		return own + (uint32_t)(rnd() % 20);
	}
}

/* A path under GDIR of a few one-letter components (never ".."). */
static uint32_t
path(char *p, uint32_t max)
{
	uint32_t n = (uint32_t)snprintf(p, max, GDIR);

	for (int k = (int)(rnd() % 4); k >= 0 && n + 3 < max; k--) {
		p[n++] = '/';
		p[n++] = "abc."[rnd() % 4];
		if (rnd() % 2 && n + 2 < max)
			p[n++] = "abc"[rnd() % 3];
	}
	p[n++] = '\0';
	return n;
}

/* A payload of at most max bytes into p; returns its length. */
static uint32_t
payload(uint8_t *p, uint32_t max)
{
	static const uint32_t sizes[] = {
		1, 2, 3, 4, 7, 8, 9, 16, 24, 35, 36, 37, 55, 56, 57, 111, 112, 113, 255,
		256, 257, 4095, 4096, 4097, IO_CHUNK, IO_CHUNK + 1, SK_MSG_PAYLOAD_MAX,
	};
	uint32_t n;

	if (rnd() % 3 == 0)
		n = sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];
	else
		n = (uint32_t)(rnd() % 2048);
	if (n > max)
		n = max;
	switch (rnd() % 4) {
	case 0:		/* structures of boundary values */
		for (uint32_t k = 0; k < n; k += 8) {
			uint64_t v = word();

			memcpy(p + k, &v, n - k < 8 ? n - k : 8);
		}
		break;
	case 1:		/* one or two paths */
		if (n < 16)
			break;
		n = path((char *)p, n);
		if (rnd() % 2 && n + 16 < max)
			n += path((char *)p + n, max - n);
		break;
	default:
		for (uint32_t k = 0; k < n; k++)
			p[k] = (uint8_t)rnd();
		break;
	}
	return n;
}

/*
 * Handles sent along that are badges of the test's own endpoint: the
 * kernel tells it (a close notice) when the last one of each is gone, so
 * a badge without a notice after the storm is a handle a server kept.
 */
#define MAXTRACK	8192
#define TRACK_BADGE	0x6700000000ull
static sk_handle_t track_ep;
static uint32_t ntracked;
static uint8_t track_owner[MAXTRACK];	/* target index + 1 */
static uint8_t track_closed[MAXTRACK];
static int cur_target;

/* A fresh object of some kind to send along; 0 if none could be made. */
static sk_handle_t
fresh_handle(uint64_t *koid)
{
	struct sk_handle_info hi;
	int64_t h, d;

	switch (rnd() % 4) {
	case 0:
		h = sk_notif_create();
		break;
	case 1:
		h = sk_vmo_create(4096, 0);
		break;
	case 2:
		h = sk_ep_create();
		break;
	default:
		if (track_ep == 0 || ntracked + 1 >= MAXTRACK)
			return 0;
		h = sk_ep_mint_notify(track_ep, TRACK_BADGE | (ntracked + 1),
		    SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
		if (h < 0)
			return 0;
		track_owner[++ntracked] = (uint8_t)(cur_target + 1);
		break;
	}
	if (h < 0)
		return 0;
	/* Sometimes with fewer rights, but always able to travel. */
	if (rnd() % 2 && (d = sk_handle_dup((sk_handle_t)h,
	    (uint32_t)(rnd() & SK_R_ALL) | SK_R_TRANSFER)) >= 0) {
		sk_handle_close((sk_handle_t)h);
		h = d;
	}
	*koid = sk_handle_info((sk_handle_t)h, &hi) >= 0 ? hi.koid : 0;
	return (sk_handle_t)h;
}

struct target {
	const char *name;
	sk_handle_t h;
	uint32_t own;		/* the labels it serves start here */
	uint32_t max_write;	/* payload limit (the console shows what it gets) */
	int not_ep;		/* not an endpoint: every call must fail WRONGTYPE */
	int dup;		/* the test's own duplicate (else the libos's handle) */
};

/* Whether r is a result or an error a server may give. */
static int
well_formed(int64_t r)
{
	if (r >= 0)
		return 1;
	return SK_ERR(r) > 0 && SK_ERR(r) < SK_E_COUNT && SK_ERRARG(r) <= SK_MSG_WORDS &&
	    -r < (1 << 16);
}

/* n garbage requests to t; says what went wrong. */
static void
storm(const struct target *t, int n)
{
	static uint8_t snd[SK_MSG_PAYLOAD_MAX], rcv[SK_MSG_PAYLOAD_MAX];
	int lost = 0, wrong = 0, sent = 0;
	int64_t first_wrong = 0;
	uint32_t lost_label = 0, wrong_label = 0;
	int lost_err = 0;

	for (int i = 0; i < n && lost < MAX_LOST; i++) {
		struct sk_rpc m = { 0 };
		uint64_t koid[SK_MSG_HANDLES];
		int64_t r;

		m.label = label(t->own);
		if (forbidden(m.label))
			continue;
		for (int w = 0; w < SK_MSG_WORDS; w++)
			m.w[w] = word();
		if (rnd() % 2) {
			m.snd_len = payload(snd, t->max_write);
			m.snd = snd;
		}
		if (rnd() % 8 == 0)
			for (uint32_t k = 1 + (uint32_t)(rnd() % SK_MSG_HANDLES); k > 0; k--)
				if ((m.snd_h[m.snd_nh] = fresh_handle(&koid[m.snd_nh])) != 0)
					m.snd_nh++;
		m.rcv = rcv;
		m.rcv_max = sizeof(rcv);
		r = sk_rpc(t->h, &m, TIMEOUT);
		sent++;
		/* Handles the kernel did not move are still ours. */
		for (uint32_t k = 0; k < m.snd_nh; k++) {
			struct sk_handle_info hi;

			if (sk_handle_info(m.snd_h[k], &hi) >= 0 && hi.koid == koid[k])
				sk_handle_close(m.snd_h[k]);
		}
		for (uint32_t k = 0; k < m.rcv_nh && k < SK_MSG_HANDLES; k++)
			sk_handle_close(m.rcv_h[k]);
		if (r < 0 && (SK_ERR(r) == SK_E_TIMEOUT || SK_ERR(r) == SK_E_PEERDIED ||
		    SK_ERR(r) == SK_E_NOREPLY)) {
			if (lost++ == 0) {
				lost_label = m.label;
				lost_err = SK_ERR(r);
			}
		} else if (!well_formed(r) || (t->not_ep && SK_ERR(r) != SK_E_WRONGTYPE)) {
			if (wrong++ == 0) {
				wrong_label = m.label;
				first_wrong = r;
			}
		}
	}
	if (lost == 0 && wrong == 0) {
		say("%s: answered everything", t->name);
		return;
	}
	if (lost > 0)
		say("FAIL %s: %d of %d requests got no answer (the first, label %#x: %s)%s",
		    t->name, lost, sent, lost_label, sk_errname(lost_err),
		    lost >= MAX_LOST ? "; gave up on it" : "");
	if (wrong > 0)
		say("FAIL %s: %d answers were not well-formed (the first, label %#x: %#llx)",
		    t->name, wrong, wrong_label, (unsigned long long)first_wrong);
}

static sk_handle_t
role(int r)
{
	long h = syscall(SK_LINUX_SYS_HANDLE, r);

	return h > 0 ? (sk_handle_t)h : 0;
}

static sk_handle_t
fd_handle(int fd)
{
	long h = syscall(SK_LINUX_SYS_FD_HANDLE, fd);

	return h > 0 ? (sk_handle_t)h : 0;
}

/* Take the close notices of the tracked badges; say who kept some. */
static void
check_kept(const struct target *t, int nt)
{
	int kept[32] = { 0 }, any = 0;
	struct sk_msg m;

	for (;;) {
		memset(&m, 0, sizeof(m));
		sk_utcb()->rcv_buf = 0;
		sk_utcb()->rcv_max = 0;
		if (sk_recv(track_ep, &m, 500ull * 1000 * 1000) < 0)
			break;
		if (SK_TAG_LABEL(m.tag) != SK_LABEL_CLOSED) {
			say("FAIL a message with label %#x came to the test's own endpoint",
			    SK_TAG_LABEL(m.tag));
			if (sk_utcb()->sender.pid != 0)
				sk_reply(&m);
			continue;
		}
		m.badge &= ~SK_BADGE_NOTIFY;
		if ((m.badge & ~0xffffffull) == TRACK_BADGE && (m.badge & 0xffffff) <= ntracked)
			track_closed[m.badge & 0xffffff] = 1;
	}
	for (uint32_t i = 1; i <= ntracked; i++)
		if (!track_closed[i] && track_owner[i] > 0 && track_owner[i] <= nt) {
			kept[track_owner[i] - 1]++;
			any = 1;
		}
	for (int i = 0; i < nt; i++)
		if (kept[i] > 0)
			say("FAIL %s: kept %d of the handles it was sent", t[i].name, kept[i]);
	if (ntracked < 100)
		say("FAIL only %u tracked handles were sent", ntracked);
	else if (!any)
		say("no handles kept");
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The console's settings, kept across its storm. */
static struct termios con_tio;
static struct winsize con_ws;
static pid_t con_pgrp;
static int con_fl, con_saved;

static void
console_save(void)
{
	int q = 1;

	fflush(stdout);
	/* Wait for earlier output to reach the driver: a TCFLSH would drop it. */
	for (int i = 0; i < 200 && ioctl(1, TIOCOUTQ, &q) == 0 && q > 0; i++)
		sleep_ms(10);
	con_saved = tcgetattr(1, &con_tio) == 0 && ioctl(1, TIOCGWINSZ, &con_ws) == 0;
	con_pgrp = tcgetpgrp(1);
	con_fl = fcntl(1, F_GETFL);
}

static void
console_restore(void)
{
	struct termios now;

	if (!con_saved) {
		say("FAIL tty: cannot read the console's settings");
		return;
	}
	if (tcsetattr(1, TCSANOW, &con_tio) != 0 || ioctl(1, TIOCSWINSZ, &con_ws) != 0)
		say("FAIL tty: cannot set the console's settings again: %s", strerror(errno));
	if (con_pgrp > 0 && tcsetpgrp(1, con_pgrp) != 0)
		say("FAIL tty: cannot make group %d the foreground again: %s", (int)con_pgrp,
		    strerror(errno));
	if (con_fl >= 0)
		fcntl(1, F_SETFL, con_fl);
	if (tcgetattr(1, &now) != 0 || memcmp(&now.c_iflag, &con_tio.c_iflag, 16) != 0 ||
	    memcmp(now.c_cc, con_tio.c_cc, TTY_NCCS) != 0)
		say("FAIL tty: the console does not keep its settings");
}

/* Read exactly n bytes at offset off of fd, or fail. */
static int
pread_all(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off) == (ssize_t)n ? 0 : -1;
}

static void
check_ramfs(int file, int dir)
{
	static const char data[] = "what was written is read back\n";
	char buf[sizeof(data)];
	struct dirent *de;
	int found = 0;
	DIR *d;

	/* A size beyond memory is refused or taken, and shrinking it again is no fault. */
	if (ftruncate(file, 1ll << 32) != 0 && errno != ENOSPC && errno != EFBIG)
		say("FAIL ramfs: a 4 GiB file size gives %s", strerror(errno));
	if (ftruncate(file, 0) != 0 || pwrite(file, data, sizeof(data), 0) != sizeof(data) ||
	    pread_all(file, buf, sizeof(buf), 0) != 0 || memcmp(buf, data, sizeof(data)) != 0)
		say("FAIL ramfs: the file does not give back what was written: %s", strerror(errno));
	else
		say("ramfs file works");
	if (lseek(dir, 0, SEEK_SET) != 0)
		say("FAIL ramfs: cannot rewind the directory: %s", strerror(errno));
	if ((d = opendir("/")) == NULL) {
		say("FAIL ramfs: cannot open / again: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL)
		found |= strcmp(de->d_name, "bin") == 0;
	closedir(d);
	say(found ? "ramfs directory works" : "FAIL ramfs: / has no bin any more");
}

static void
check_devfs(int null, int zero, int full, int urandom)
{
	char buf[512], ones[512];
	int z = 1, nz = 0;

	memset(buf, 1, sizeof(buf));
	memset(ones, 0, sizeof(ones));
	if (read(zero, buf, sizeof(buf)) != sizeof(buf))
		z = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		z &= buf[i] == 0;
	say(z ? "/dev/zero works" : "FAIL devfs: /dev/zero does not give zeros");
	say(write(null, buf, sizeof(buf)) == sizeof(buf) && read(null, buf, 1) == 0 ?
	    "/dev/null works" : "FAIL devfs: /dev/null does not swallow and end");
	say(write(full, buf, 1) < 0 && errno == ENOSPC ? "/dev/full works" :
	    "FAIL devfs: /dev/full does not answer ENOSPC");
	if (read(urandom, ones, sizeof(ones)) == sizeof(ones))
		for (size_t i = 0; i < sizeof(ones); i++)
			nz += ones[i] != 0;
	say(nz > 0 ? "/dev/urandom works" : "FAIL devfs: /dev/urandom gives no random bytes");
}

static void
check_procfs(int meminfo, int status)
{
	char buf[256];
	ssize_t n;
	int fd;

	n = pread(meminfo, buf, sizeof(buf) - 1, 0);
	if (n < 9 || memcmp(buf, "MemTotal:", 9) != 0)
		say("FAIL procfs: the open /proc/meminfo does not start with MemTotal:");
	else if ((fd = open("/proc/meminfo", O_RDONLY)) < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 9 ||
	    memcmp(buf, "MemTotal:", 9) != 0)
		say("FAIL procfs: a new open of /proc/meminfo does not start with MemTotal:");
	else
		say("/proc/meminfo works");
	n = pread(status, buf, sizeof(buf) - 1, 0);
	say(n >= 5 && memcmp(buf, "Name:", 5) == 0 ? "/proc/<pid>/status works" :
	    "FAIL procfs: /proc/<pid>/status does not start with Name:");
}

/* Whatever the storm left in a pipe is read out; then a message goes through. */
static void
check_pipe(const char *what, int rfd, int wfd)
{
	char buf[4096];
	int fl = fcntl(rfd, F_GETFL);

	fcntl(rfd, F_SETFL, fl | O_NONBLOCK);
	while (read(rfd, buf, sizeof(buf)) > 0)
		;
	if (write(wfd, "ping", 4) != 4 || read(rfd, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "ping", 4) != 0)
		say("FAIL pipe: the %s does not carry data any more: %s", what, strerror(errno));
	else
		say("%s works", what);
}

static void
check_proc(void)
{
	int st = 0;
	pid_t c;

	if (getppid() <= 0) {
		say("FAIL proc: getppid fails");
		return;
	}
	if ((c = fork()) == 0)
		_exit(42);
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
		say("FAIL proc: fork and wait do not work: %s", strerror(errno));
	else
		say("proc works");
}

/* Every service init knows must be running and never restarted. */
static void
check_services(sk_handle_t init)
{
	int n = 0, ok = 1;

	for (uint64_t i = 0; i < 64; i++) {
		char name[64];
		struct sk_rpc m = { .label = SVC_LIST, .w = { i }, .rcv = name,
		    .rcv_max = sizeof(name) - 1 };
		int64_t r = sk_rpc(init, &m, TIMEOUT);

		if (r < 0) {
			if (SK_ERR(r) != SK_E_NOENT) {
				say("FAIL init: svc list fails: %s", sk_errname(SK_ERR(r)));
				ok = 0;
			}
			break;
		}
		name[m.rcv_len < sizeof(name) ? m.rcv_len : sizeof(name) - 1] = '\0';
		n++;
		if (m.r[1] != SVC_ST_RUNNING || m.r[2] != 0) {
			say("FAIL %s: %s, restarted %llu times", name,
			    m.r[1] == SVC_ST_RUNNING ? "running" : m.r[1] == SVC_ST_STOPPED ?
			    "stopped" : "failed", (unsigned long long)m.r[2]);
			ok = 0;
		}
	}
	if (n < 8) {
		say("FAIL init: lists only %d services", n);
		ok = 0;
	}
	if (ok)
		say("every service running, none restarted");
}

/* Open path or fail loudly; returns the descriptor or -1. */
static int
must_open(const char *p, int flags)
{
	int fd = open(p, flags, 0600);

	if (fd < 0)
		say("FAIL cannot open %s: %s", p, strerror(errno));
	return fd;
}

int
main(void)
{
	struct target t[32];
	int nt = 0, fds[2] = { -1, -1 };
	int file, dir, null, zero, full, urandom, ddir, meminfo, status, pdir, fifo, tty;
	int64_t e;
	char p[64];
	struct stat st_root, st;

	mkdir(GDIR, 0755);
	mkfifo("/tmp/garbage.fifo", 0600);
	file = must_open("/tmp/garbage.f", O_CREAT | O_RDWR);
	dir = must_open("/", O_RDONLY | O_DIRECTORY);
	null = must_open("/dev/null", O_RDWR);
	zero = must_open("/dev/zero", O_RDWR);
	full = must_open("/dev/full", O_RDWR);
	urandom = must_open("/dev/urandom", O_RDWR);
	ddir = must_open("/dev", O_RDONLY | O_DIRECTORY);
	meminfo = must_open("/proc/meminfo", O_RDONLY);
	snprintf(p, sizeof(p), "/proc/%d/status", (int)getpid());
	status = must_open(p, O_RDONLY);
	pdir = must_open("/proc", O_RDONLY | O_DIRECTORY);
	fifo = must_open("/tmp/garbage.fifo", O_RDWR | O_NONBLOCK);
	tty = must_open("/dev/tty", O_RDWR);
	if (pipe(fds) != 0)
		say("FAIL pipe() fails: %s", strerror(errno));
	if (stat("/", &st_root) != 0)
		say("FAIL cannot stat /: %s", strerror(errno));

#define T(n, handle, base, max) \
	t[nt++] = (struct target){ n, handle, base, max, 0, (uint32_t)(base) == IO_READ }
	T("proc", role(SK_EXEC_H_PROC), PROC_SPAWN, 2048);
	T("vfs", role(SK_EXEC_H_VFS), VFS_OPEN, 2048);
	T("pipe", role(SK_EXEC_H_PIPE), PIPE_CREATE, 2048);
	T("init", role(SK_EXEC_H_INIT), SVC_LIST, 2048);
	T("ramfs file", fd_handle(file), IO_READ, 2048);
	T("ramfs directory", fd_handle(dir), IO_READ, 2048);
	T("/dev/null", fd_handle(null), IO_READ, 2048);
	T("/dev/zero", fd_handle(zero), IO_READ, 2048);
	T("/dev/full", fd_handle(full), IO_READ, 2048);
	T("/dev/urandom", fd_handle(urandom), IO_READ, 2048);
	T("devfs directory", fd_handle(ddir), IO_READ, 2048);
	T("/proc/meminfo", fd_handle(meminfo), IO_READ, 2048);
	T("/proc/<pid>/status", fd_handle(status), IO_READ, 2048);
	T("procfs directory", fd_handle(pdir), IO_READ, 2048);
	T("pipe read end", fd_handle(fds[0]), IO_READ, 2048);
	T("pipe write end", fd_handle(fds[1]), IO_READ, 2048);
	T("fifo", fd_handle(fifo), IO_READ, 2048);
	T("/dev/tty", fd_handle(tty), IO_READ, 64);
	T("console", fd_handle(1), IO_READ, 64);
	t[nt++] = (struct target){ "libos image", role(SK_EXEC_H_LIBOS), 0, 64, 1, 0 };
	t[nt++] = (struct target){ "event notification", role(SK_EXEC_H_EVENTS), 0, 64, 1, 0 };
#undef T

	if ((e = sk_ep_create()) < 0)
		say("FAIL cannot make an endpoint: %s", sk_errname(SK_ERR(e)));
	else
		track_ep = (sk_handle_t)e;
	console_save();
	for (int i = 0; i < nt; i++) {
		if (t[i].h == 0) {
			say("FAIL %s: no handle to it", t[i].name);
			continue;
		}
		cur_target = i;
		storm(&t[i], NREQ);
	}
	console_restore();
	/* The storm's own handles go; what servers still hold is counted. */
	for (int i = 0; i < nt; i++)
		if (t[i].h != 0 && t[i].dup)
			sk_handle_close(t[i].h);
	close(tty);
	check_kept(t, nt);

	/* Every server still serves. */
	if (fchmod(dir, st_root.st_mode & 07777) != 0 ||
	    fchown(dir, st_root.st_uid, st_root.st_gid) != 0)
		say("FAIL ramfs: cannot set the mode of / again: %s", strerror(errno));
	check_ramfs(file, dir);
	check_devfs(null, zero, full, urandom);
	check_procfs(meminfo, status);
	check_pipe("pipe", fds[0], fds[1]);
	check_pipe("fifo", fifo, fifo);
	say(stat("/bin/busybox", &st) == 0 ? "vfs works" : "FAIL vfs: cannot stat /bin/busybox");
	check_proc();
	check_services(role(SK_EXEC_H_INIT));
	unlink("/tmp/garbage.f");
	unlink("/tmp/garbage.fifo");

	/* The console still takes a write: the report. */
	if (write(1, "\n" MARKER "\n", sizeof(MARKER) + 1) != sizeof(MARKER) + 1 ||
	    write(1, report, report_len) != (ssize_t)report_len) {
		sk_debug_log("t_garbage: FAIL the console takes no report\n", 45);
		return 1;
	}
	return bad;
}
