/*
 * procfs: /proc on libfs, answered from proc's process table (PROC_INFO),
 * the descriptor tables processes publish (PROC_FDS, PROC_FD) and the
 * kernel's statistics. Inode numbers encode what a file is: fd << 40 |
 * pid << 8 | kind, pid 0 for the files about the whole system, fd only
 * for the links in /proc/<pid>/fd. Files are generated when read. Start
 * handles: h[0] is the endpoint, h[1] proc. /proc/self is the libos's:
 * the request comes from vfs, not from the process asking.
 */
#include <stdio.h>
#include "lib/fs/libfs.h"
#include "abi/skiff/proto/exec.h"
#include "abi/skiff/proto/proc.h"

enum kind {
	K_ROOT = 1, K_MEMINFO, K_UPTIME, K_LOADAVG, K_STAT, K_MOUNTS, K_VERSION, K_CPUINFO,
	K_GLOBAL_END,
	K_PIDDIR = 16, K_PSTAT, K_PSTATUS, K_PCMDLINE, K_PEXE, K_PCWD, K_PFD, K_PIDEND,
	K_PFDLINK	/* /proc/<pid>/fd/<n> */
};

static const char *const gnames[] = {
	[K_MEMINFO] = "meminfo", [K_UPTIME] = "uptime", [K_LOADAVG] = "loadavg",
	[K_STAT] = "stat", [K_MOUNTS] = "mounts", [K_VERSION] = "version",
	[K_CPUINFO] = "cpuinfo",
};
static const char *const pnames[] = {
	[K_PSTAT] = "stat", [K_PSTATUS] = "status", [K_PCMDLINE] = "cmdline",
	[K_PEXE] = "exe", [K_PCWD] = "cwd", [K_PFD] = "fd",
};

#define INO(pid, k)	(((uint64_t)(pid) << 8) | (k))
#define FDINO(pid, fd)	(INO(pid, K_PFDLINK) | (uint64_t)(fd) << 40)
#define PID(ino)	((uint32_t)((ino) >> 8))
#define FD(ino)		((uint32_t)((ino) >> 40))
#define KIND(ino)	((int)((ino) & 0xff))
#define TICK_NS		10000000ull	/* USER_HZ 100 */

static sk_handle_t proc;
static struct proc_info pi;
static char text[8192];

/* proc's record of pid (into pi), or an error. */
static int
info(uint32_t pid)
{
	struct sk_rpc m = { .label = PROC_INFO, .rcv = &pi, .rcv_max = sizeof(pi) };
	int64_t r;

	if (proc == 0)
		return -SK_E_NOENT;
	m.w[0] = pid;
	if ((r = sk_rpc(proc, &m, 5ull * 1000000000ull)) < 0 || m.rcv_len != sizeof(pi))
		return -SK_E_NOENT;
	return SK_OK;
}

/* The descriptors pid has open (below SK_FDTAB_FDS), or an error. */
static int
fds(uint32_t pid, uint64_t open[SK_FDTAB_FDS / 64])
{
	struct sk_rpc m = { .label = PROC_FDS };

	memset(open, 0, SK_FDTAB_FDS / 8);
	if (proc == 0)
		return -SK_E_NOENT;
	m.w[0] = pid;
	if (sk_rpc(proc, &m, 5ull * 1000000000ull) < 0)
		return SK_OK;	/* no table published: no descriptors to show */
	for (int i = 0; i < SK_FDTAB_FDS / 64; i++)
		open[i] = m.r[1 + i];
	return SK_OK;
}

static int
fd_open(uint32_t pid, uint32_t fd)
{
	uint64_t open[SK_FDTAB_FDS / 64];

	return fd < SK_FDTAB_FDS && fds(pid, open) == SK_OK &&
	    (open[fd / 64] & (1ull << (fd % 64))) != 0;
}

static int
valid(uint64_t ino)
{
	int k = KIND(ino);

	if (PID(ino) == 0)
		return k >= K_ROOT && k < K_GLOBAL_END && FD(ino) == 0;
	if (k == K_PFDLINK)
		return info(PID(ino)) == SK_OK && fd_open(PID(ino), FD(ino));
	return k >= K_PIDDIR && k < K_PIDEND && FD(ino) == 0 && info(PID(ino)) == SK_OK;
}

static int64_t
p_lookup(void *fs, uint64_t dir, const char *name)
{
	if (dir == INO(0, K_ROOT)) {
		uint32_t pid = 0;

		for (int k = K_MEMINFO; k < K_GLOBAL_END; k++)
			if (strcmp(gnames[k], name) == 0)
				return INO(0, k);
		for (const char *s = name; *s != '\0'; s++) {
			if (*s < '0' || *s > '9' || pid > 100000000)
				return -SK_E_NOENT;
			pid = pid * 10 + (uint32_t)(*s - '0');
		}
		return pid != 0 && info(pid) == SK_OK ? (int64_t)INO(pid, K_PIDDIR) : -SK_E_NOENT;
	}
	if (KIND(dir) == K_PFD && PID(dir) != 0 && FD(dir) == 0) {
		uint32_t fd = 0;

		if (name[0] == '\0' || (name[0] == '0' && name[1] != '\0'))
			return -SK_E_NOENT;
		for (const char *s = name; *s != '\0'; s++) {
			if (*s < '0' || *s > '9' || fd >= SK_FDTAB_FDS)
				return -SK_E_NOENT;
			fd = fd * 10 + (uint32_t)(*s - '0');
		}
		if (info(PID(dir)) != SK_OK)
			return -SK_E_NOENT;
		return fd_open(PID(dir), fd) ? (int64_t)FDINO(PID(dir), fd) : -SK_E_NOENT;
	}
	if (KIND(dir) == K_PIDDIR && PID(dir) != 0) {
		for (int k = K_PSTAT; k < K_PIDEND; k++)
			if (strcmp(pnames[k], name) == 0)
				return info(PID(dir)) == SK_OK ? (int64_t)INO(PID(dir), k) : -SK_E_NOENT;
		return -SK_E_NOENT;
	}
	return valid(dir) ? -SK_E_NOTDIR : -SK_E_NOENT;
}

static int
p_getattr(void *fs, uint64_t ino, struct io_stat *st)
{
	int k = KIND(ino);

	if (!valid(ino))
		return -SK_E_NOENT;
	memset(st, 0, sizeof(*st));
	st->dev = SVC_PROCFS;
	st->ino = ino;
	st->nlink = 1;
	st->blksize = 4096;
	if (k == K_ROOT || k == K_PIDDIR) {
		st->mode = IO_S_IFDIR | 0555;
		st->nlink = 2;
	} else if (k == K_PFD) {
		st->mode = IO_S_IFDIR | 0500;	/* the owner's business, as on Linux */
		st->nlink = 2;
	} else if (k == K_PFDLINK) {
		st->mode = IO_S_IFLNK | 0700;
	} else if (k == K_PEXE || k == K_PCWD) {
		st->mode = IO_S_IFLNK | 0777;
	} else {
		st->mode = IO_S_IFREG | 0444;
	}
	if (PID(ino) != 0) {
		st->uid = pi.euid;
		st->gid = pi.egid;
		st->mtime.sec = st->ctime.sec = st->atime.sec = (int64_t)(pi.start_ns / 1000000000ull);
	}
	return SK_OK;
}

static int64_t
p_parent(void *fs, uint64_t dir)
{
	return KIND(dir) == K_PFD ? INO(PID(dir), K_PIDDIR) : INO(0, K_ROOT);
}

/* Generate the text of file ino into text; returns its length. */
static int64_t
generate(uint64_t ino)
{
	struct sk_kstat ks;
	uint64_t now = (uint64_t)sk_clock();
	int n = 0;

	memset(&ks, 0, sizeof(ks));
	sk_kstat(&ks);
	switch (KIND(ino)) {
	case K_MEMINFO: {
		uint64_t total = ks.pages_total * 4, freek = ks.pages_free * 4;

		n = snprintf(text, sizeof(text), "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
		    "MemAvailable:   %8lu kB\nBuffers:               0 kB\nCached:                0 kB\n"
		    "SwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n"
		    "Shmem:                 0 kB\nSReclaimable:          0 kB\n",
		    (unsigned long)total, (unsigned long)freek, (unsigned long)freek);
		break;
	}
	case K_UPTIME:
		n = snprintf(text, sizeof(text), "%lu.%02lu %lu.%02lu\n",
		    (unsigned long)(now / 1000000000ull), (unsigned long)(now / 10000000ull % 100),
		    (unsigned long)(now / 1000000000ull), (unsigned long)(now / 10000000ull % 100));
		break;
	case K_LOADAVG:
		n = snprintf(text, sizeof(text), "0.00 0.00 0.00 1/%lu 0\n",
		    (unsigned long)ks.objects[SK_OBJ_PROCESS]);
		break;
	case K_STAT:
		n = snprintf(text, sizeof(text), "cpu  %lu 0 0 0 0 0 0 0 0 0\n"
		    "btime %lu\nprocesses %lu\nprocs_running 1\nprocs_blocked 0\n",
		    (unsigned long)(now / TICK_NS),
		    (unsigned long)(((uint64_t)sk_clock_real() - now) / 1000000000ull),
		    (unsigned long)ks.objects[SK_OBJ_PROCESS]);
		break;
	case K_MOUNTS:
		n = snprintf(text, sizeof(text), "ramfs / ramfs rw 0 0\ndevfs /dev devtmpfs rw 0 0\n"
		    "proc /proc proc rw 0 0\n");
		break;
	case K_VERSION:
		n = snprintf(text, sizeof(text), "Linux version 6.1.0-skiff (Skiff microkernel) #1\n");
		break;
	case K_CPUINFO:
		for (uint32_t c = 0; c < ks.ncpus && n < (int)sizeof(text) - 128; c++)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			    "processor\t: %u\nmodel name\t: QEMU Virtual CPU\n\n", c);
		break;
	case K_PSTAT:
		n = snprintf(text, sizeof(text), "%u (%s) %c %u %u %u 0 -1 0 0 0 0 0 %lu %lu 0 0 20 0 "
		    "%u 0 %lu %lu %lu 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		    pi.pid, pi.name, (char)pi.state, pi.ppid, pi.pgid, pi.sid,
		    (unsigned long)(pi.utime_ns / TICK_NS), (unsigned long)(pi.stime_ns / TICK_NS),
		    pi.nthreads ? pi.nthreads : 1, (unsigned long)(pi.start_ns / TICK_NS),
		    (unsigned long)pi.vsize, (unsigned long)pi.rss_pages);
		break;
	case K_PSTATUS:
		n = snprintf(text, sizeof(text), "Name:\t%s\nState:\t%c\nTgid:\t%u\nPid:\t%u\n"
		    "PPid:\t%u\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nGroups:\t",
		    pi.name, (char)pi.state, pi.pid, pi.pid, pi.ppid, pi.ruid, pi.euid, pi.suid,
		    pi.euid, pi.rgid, pi.egid, pi.sgid, pi.egid);
		for (uint32_t g = 0; g < pi.ngroups && g < SK_NGROUPS && n > 0; g++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%u", g ? " " : "",
			    pi.groups[g]);
		if (n > 0)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "\nThreads:\t%u\n",
			    pi.nthreads ? pi.nthreads : 1);
		break;
	case K_PCMDLINE: {
		size_t l = 0;

		while (l + 1 < sizeof(pi.cmdline) && (pi.cmdline[l] != '\0' || pi.cmdline[l + 1] != '\0'))
			l++;
		if (pi.cmdline[0] != '\0')
			l++;
		memcpy(text, pi.cmdline, l);
		n = (int)l;
		break;
	}
	default:
		return -SK_E_INVAL;
	}
	return n < 0 ? 0 : n > (int)sizeof(text) ? (int64_t)sizeof(text) : n;
}

static int64_t
p_read(void *fs, uint64_t ino, uint64_t off, void *buf, uint32_t len)
{
	int64_t n;

	if (!valid(ino))
		return -SK_E_NOENT;
	if ((n = generate(ino)) < 0)
		return n;
	if (off >= (uint64_t)n)
		return 0;
	if (len > (uint64_t)n - off)
		len = (uint32_t)((uint64_t)n - off);
	memcpy(buf, text + off, len);
	return len;
}

static int64_t
p_readlink(void *fs, uint64_t ino, char *buf, uint32_t max)
{
	const char *t;
	size_t l;

	if (!valid(ino))
		return -SK_E_NOENT;
	if (KIND(ino) == K_PFDLINK) {
		struct sk_rpc m = { .label = PROC_FD, .rcv = text, .rcv_max = sizeof(text) };

		m.w[0] = PID(ino);
		m.w[1] = FD(ino);
		if (sk_rpc(proc, &m, 5ull * 1000000000ull) < 0 || m.rcv_len == 0)
			return -SK_E_NOENT;
		text[m.rcv_len < sizeof(text) ? m.rcv_len : sizeof(text) - 1] = '\0';
		if (text[0] == '\0')
			return -SK_E_NOENT;	/* a descriptor of unknown origin */
		l = strlen(text);
		if (l > max)
			l = max;
		memcpy(buf, text, l);
		return (int64_t)l;
	}
	if (KIND(ino) == K_PEXE)
		t = pi.exe;
	else if (KIND(ino) == K_PCWD)
		t = pi.cwd[0] != '\0' ? pi.cwd : "/";
	else
		return -SK_E_INVAL;
	if (t[0] != '/')
		return -SK_E_NOENT;	/* a boot module, not a file */
	l = strlen(t);
	if (l > max)
		l = max;
	memcpy(buf, t, l);
	return (int64_t)l;
}

static int
p_readdir(void *fs, uint64_t dir, uint64_t cookie, libfs_emit emit, void *ctx)
{
	if (dir == INO(0, K_ROOT)) {
		for (uint64_t c = cookie;; c++) {
			char name[16];
			int r;

			if (c == 0)
				r = emit(ctx, dir, IO_DT_DIR, ".", 1);
			else if (c == 1)
				r = emit(ctx, dir, IO_DT_DIR, "..", 2);
			else if (c < 2 + K_GLOBAL_END - K_MEMINFO)
				r = emit(ctx, INO(0, K_MEMINFO + c - 2), IO_DT_REG,
				    gnames[K_MEMINFO + c - 2], c + 1);
			else {
				struct sk_rpc m = { .label = PROC_INFO, .rcv = &pi, .rcv_max = sizeof(pi) };

				m.w[0] = PROC_INFO_INDEX | (c - (2 + K_GLOBAL_END - K_MEMINFO));
				if (proc == 0 || sk_rpc(proc, &m, 5ull * 1000000000ull) < 0)
					return 0;
				snprintf(name, sizeof(name), "%u", pi.pid);
				r = emit(ctx, INO(pi.pid, K_PIDDIR), IO_DT_DIR, name, c + 1);
			}
			if (r)
				return 1;
		}
	}
	if (KIND(dir) == K_PFD && valid(dir)) {
		uint64_t open[SK_FDTAB_FDS / 64];

		if (fds(PID(dir), open) != SK_OK)
			return 0;
		/* Cookie c: 0 ".", 1 "..", 2 + n the first open descriptor >= n. */
		for (uint64_t c = cookie; c < 2 + SK_FDTAB_FDS; c++) {
			char name[8];
			uint32_t fd = (uint32_t)(c - 2);
			int r;

			if (c == 0)
				r = emit(ctx, dir, IO_DT_DIR, ".", 1);
			else if (c == 1)
				r = emit(ctx, INO(PID(dir), K_PIDDIR), IO_DT_DIR, "..", 2);
			else if (!(open[fd / 64] & (1ull << (fd % 64))))
				continue;
			else {
				snprintf(name, sizeof(name), "%u", fd);
				r = emit(ctx, FDINO(PID(dir), fd), IO_DT_LNK, name, c + 1);
			}
			if (r)
				return 1;
		}
		return 0;
	}
	if (KIND(dir) != K_PIDDIR || !valid(dir))
		return -SK_E_NOTDIR;
	for (uint64_t c = cookie; c < 2 + K_PIDEND - K_PSTAT; c++) {
		int r, k = (int)(K_PSTAT + c - 2);

		if (c == 0)
			r = emit(ctx, dir, IO_DT_DIR, ".", 1);
		else if (c == 1)
			r = emit(ctx, INO(0, K_ROOT), IO_DT_DIR, "..", 2);
		else
			r = emit(ctx, INO(PID(dir), k), (k == K_PEXE || k == K_PCWD) ? IO_DT_LNK :
			    k == K_PFD ? IO_DT_DIR : IO_DT_REG, pnames[k], c + 1);
		if (r)
			return 1;
	}
	return 0;
}

static int
p_statfs(void *fs, struct io_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = 0x9fa0;	/* PROC_SUPER_MAGIC */
	st->bsize = 4096;
	st->namelen = FS_NAME_MAX;
	return SK_OK;
}

static int
p_seekable(void *fs, uint64_t ino)
{
	return 1;
}

static const struct libfs_ops ops = {
	.root = INO(0, K_ROOT),
	.lookup = p_lookup,
	.getattr = p_getattr,
	.parent = p_parent,
	.read = p_read,
	.readlink = p_readlink,
	.readdir = p_readdir,
	.statfs = p_statfs,
	.seekable = p_seekable,
};

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);

	if (nh < 1 || h[0] == 0) {
		fprintf(stderr, "procfs: no endpoint\n");
		return 1;
	}
	proc = nh >= 2 ? h[1] : 0;
	libfs_serve(NULL, &ops, h[0]);
}
