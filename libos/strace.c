/*
 * SKIFF_STRACE=1 in a process's environment: every Linux system call it
 * makes is printed to the console with its decoded arguments and result,
 * like strace. Arguments are decoded by a small table of kinds: numbers,
 * descriptors, strings (paths), and the rest as hex.
 */
#include "libos/libos.h"

/* Argument kinds, one letter each: d decimal, s string, x hex, o octal. */
static const char *
kinds(uint64_t nr)
{
	switch (nr) {
	case L_SYS_read: case L_SYS_write: case L_SYS_pread64: case L_SYS_pwrite64:
		return "dxd";
	case L_SYS_open: return "sxo";
	case L_SYS_openat: return "dsxo";
	case L_SYS_close: case L_SYS_dup: case L_SYS_fsync: case L_SYS_fchdir:
		return "d";
	case L_SYS_stat: case L_SYS_lstat: case L_SYS_access: case L_SYS_chdir:
	case L_SYS_unlink: case L_SYS_rmdir: case L_SYS_readlink:
		return "sxd";
	case L_SYS_mkdir: case L_SYS_chmod: case L_SYS_creat: return "so";
	case L_SYS_newfstatat: case L_SYS_faccessat: case L_SYS_unlinkat:
	case L_SYS_readlinkat: case L_SYS_mkdirat:
		return "dsxx";
	case L_SYS_execve: return "sxx";
	case L_SYS_rename: case L_SYS_link: case L_SYS_symlink: return "ss";
	case L_SYS_dup2: case L_SYS_dup3: return "ddx";
	case L_SYS_fcntl: case L_SYS_ioctl: return "dxx";
	case L_SYS_lseek: return "ddd";
	case L_SYS_kill: return "dd";
	case L_SYS_wait4: return "dxxx";
	case L_SYS_exit: case L_SYS_exit_group: return "d";
	default: return "xxxxxx";
	}
}

const char *
l_syscall_name(uint64_t nr)
{
	switch (nr) {
#define N(name, n) case n: return #name;
	LINUX_SYSCALLS(N)
#undef N
	default:
		return "?";
	}
}

static int
put_arg(char *b, size_t n, char kind, uint64_t v)
{
	char s[64];
	int64_t len;

	switch (kind) {
	case 'd':
		return snprintf(b, n, "%d", (int)(int32_t)v);
	case 'o':
		return snprintf(b, n, "0%lo", (unsigned long)v);
	case 's':
		len = l_copyin_str(s, v, sizeof(s));
		if (len == -L_ENAMETOOLONG) {
			s[sizeof(s) - 1] = '\0';
			return snprintf(b, n, "\"%s\"...", s);
		}
		if (len < 0)
			return snprintf(b, n, "0x%lx", (unsigned long)v);
		return snprintf(b, n, "\"%s\"", s);
	default:
		return snprintf(b, n, "0x%lx", (unsigned long)v);
	}
}

/* Print the call in r (before it runs) up to the result. */
void
l_strace_enter(const struct sk_regs *r, uint64_t nr)
{
	char line[512];
	const char *k = kinds(nr);
	int n = snprintf(line, sizeof(line), "[%d] %s(", L.pid, l_syscall_name(nr));

	for (int i = 0; k[i] != '\0' && n < (int)sizeof(line) - 80; i++) {
		if (i > 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ", ");
		n += put_arg(line + n, sizeof(line) - (size_t)n, k[i], l_arg(r, i));
	}
	n += snprintf(line + n, sizeof(line) - (size_t)n, ")");
	sk_debug_log(line, (size_t)n);
}

void
l_strace_leave(int64_t rv)
{
	char line[64];
	int n;

	if (rv < 0 && rv > -4096)
		n = snprintf(line, sizeof(line), " = -1 (errno %ld)\n", (long)-rv);
	else
		n = snprintf(line, sizeof(line), " = 0x%lx\n", (unsigned long)rv);
	sk_debug_log(line, (size_t)n);
}

/* Whether the environment on the initial stack at sp asks for tracing. */
int
l_strace_wanted(uint64_t sp)
{
	uint64_t argc, p;
	char s[16];

	if (l_copyin(&argc, sp, 8) < 0)
		return 0;
	for (uint64_t i = argc + 2;; i++) {
		if (l_copyin(&p, sp + i * 8, 8) < 0 || p == 0)
			return 0;
		if (l_copyin_str(s, p, sizeof(s)) == 14 && strcmp(s, "SKIFF_STRACE=1") == 0)
			return 1;
	}
}
