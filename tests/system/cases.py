"""System tests: busybox command lines run inside Skiff with tools/skiff-exec.

Each case is (name, command line, expected output, expected exit status)
and, for a case that shows a bug not fixed yet, a fifth element naming
the bug: such a case is reported as skipped with that reason while it
fails, and as passed (with a note to drop the mark) once it passes.
The expected output is exact (stdout and stderr together, in order). The
same command lines give the same output under Debian's busybox on Linux:
tests/run.py --system-oracle runs them on the host to prove it.
"""

# Cases the host oracle must not run: they set the machine's clock, or
# need Skiff's own programs.
SKIFF_ONLY = {"date_set", "hwclock", "svc_load_file", "garbage_to_servers", "svc_restart_load", "svc_proc_refused",
              "svc_kill_restart"}


class After:
    """The expected output of a case that also writes bytes nobody can
    predict: the text after the last line that is marker must be text
    (and the marker must be there). Compares equal to such an output."""

    def __init__(self, marker, text):
        self.marker = marker + "\n"
        self.text = text

    def __eq__(self, got):
        if not isinstance(got, str):
            return NotImplemented
        i = got.rfind(self.marker)
        return i >= 0 and (i == 0 or got[i - 1] == "\n") and got[i + len(self.marker):] == self.text

    def __repr__(self):
        return "(anything, then) %r" % (self.marker + self.text)


CASES = [
    ("echo", "echo hello world", "hello world\n", 0),
    ("exit_status", "exit 7", "", 7),
    ("sh_c_exit", "sh -c 'exit 7'", "", 7),
    ("redirect_out", "echo abc > /tmp/f; cat /tmp/f", "abc\n", 0),
    ("redirect_append", "echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f", "a\nb\n", 0),
    ("redirect_in", "echo xyz > /tmp/f; read v < /tmp/f; echo $v", "xyz\n", 0),
    ("redirect_stderr", "ls /nonexistent 2>/dev/null; echo $?", "1\n", 0),
    ("heredoc", "cat <<EOF\nline one\nline $((1+1))\nEOF", "line one\nline 2\n", 0),
    ("pipeline", "echo one two three | tr ' ' '\\n' | sort | head -n 2", "one\nthree\n", 0),
    ("pipeline_status", "false | true; echo $?", "0\n", 0),
    ("command_subst", "x=$(echo inner); echo \"got $x\"", "got inner\n", 0),
    ("subshell", "(cd /tmp && pwd); pwd", "/tmp\n/\n", 0),
    ("background_wait", "sleep 0.2 & echo started; wait; echo done", "started\ndone\n", 0),
    ("fork_exec_200", "i=0; while [ $i -lt 200 ]; do /bin/true || exit 1; i=$((i+1)); done; echo $i",
     "200\n", 0),
    # Whether the shell prints "Terminated" depends on whether the job dies
    # before or during `wait` (on Linux too: a sleep between kill and wait
    # drops it), so the first case hides the shell's own stderr and the
    # second kills the job while the shell is in `wait`.
    ("kill_wait_143", "exec 2>/dev/null; sleep 10 & kill $!; wait $!; echo $?", "143\n", 0),
    ("kill_during_wait", "sleep 10 & p=$!; (sleep 0.2; kill $p) & wait $p; echo $?",
     "Terminated\n143\n", 0),
    ("trap_usr1", "trap 'echo caught' USR1; kill -USR1 $$; echo after", "caught\nafter\n", 0),
    ("trap_exit", "trap 'echo bye' EXIT; echo hi", "hi\nbye\n", 0),
    # A FIFO's open waits for the other side, as on Linux, so nothing is lost.
    ("fifo_open_waits", "mkfifo /tmp/f; (cat /tmp/f; echo 'cat done') & sleep 0.3; "
     "echo hi > /tmp/f; wait; mkfifo /tmp/g; (sleep 0.3; echo late > /tmp/g) & cat /tmp/g; "
     "echo end", "hi\ncat done\nlate\nend\n", 0),
    ("mkdir_p_ls", "mkdir -p /tmp/a/b/c && ls /tmp/a/b", "c\n", 0),
    ("ls_l", "mkdir /tmp/d; echo 12345 > /tmp/d/f; chmod 640 /tmp/d/f; ls -ln /tmp/d/f | tr -s ' ' | cut -d' ' -f1-5",
     "-rw-r----- 1 0 0 6\n", 0),
    ("cp_a", "mkdir -p /tmp/s/x; echo q > /tmp/s/x/f; cp -a /tmp/s /tmp/t; cat /tmp/t/x/f", "q\n", 0),
    ("mv", "echo m > /tmp/m1; mv /tmp/m1 /tmp/m2; cat /tmp/m2; ls /tmp/m1 2>&1 | wc -l", "m\n1\n", 0),
    ("rm_rf", "mkdir -p /tmp/r/s/t; touch /tmp/r/s/t/u; rm -rf /tmp/r; ls /tmp/r 2>/dev/null; echo $?",
     "1\n", 0),
    ("ln_s", "echo target > /tmp/t1; ln -s /tmp/t1 /tmp/l1; cat /tmp/l1; readlink /tmp/l1",
     "target\n/tmp/t1\n", 0),
    ("find", "mkdir -p /tmp/fd/a; touch /tmp/fd/a/x /tmp/fd/y; find /tmp/fd | sort",
     "/tmp/fd\n/tmp/fd/a\n/tmp/fd/a/x\n/tmp/fd/y\n", 0),
    ("sort_uniq", "printf 'b\\na\\nb\\nc\\na\\n' | sort | uniq -c | tr -s ' '",
     " 2 a\n 2 b\n 1 c\n", 0),
    ("head_tail", "seq 1 10 | head -n 3; seq 1 10 | tail -n 2", "1\n2\n3\n9\n10\n", 0),
    ("sed", "echo hello world | sed 's/world/skiff/'", "hello skiff\n", 0),
    ("awk", "printf '1 2\\n3 4\\n' | awk '{s += $1 * $2} END {print s}'", "14\n", 0),
    ("grep", "printf 'apple\\nbanana\\ncherry\\n' | grep -n an", "2:banana\n", 0),
    ("grep_status", "echo x | grep -q y; echo $?", "1\n", 0),
    ("tr_cut", "echo a:b:c | cut -d: -f2 | tr a-z A-Z", "B\n", 0),
    ("xargs", "printf '1\\n2\\n3\\n' | xargs echo n", "n 1 2 3\n", 0),
    ("tar_gzip", "mkdir -p /tmp/tz/d; echo data > /tmp/tz/d/f; cd /tmp/tz && tar czf /tmp/a.tgz d "
     "&& rm -rf d && tar xzf /tmp/a.tgz && cat d/f", "data\n", 0),
    ("md5sum", "printf abc | md5sum", "900150983cd24fb0d6963f7d28e17f72  -\n", 0),
    ("sha256sum", "printf abc | sha256sum",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n", 0),
    ("date", "date -u -d @86400 +%Y-%m-%d", "1970-01-02\n", 0),
    # The wall clock comes from the machine's clock chip (QEMU: the host's
    # time), and root can set it for every process; others cannot.
    ("date_now", "[ $(date +%Y) -ge 2025 ] && echo ok", "ok\n", 0),
    # The clock chip through /dev/rtc: read, written from the system time,
    # and the system time set from it (busybox hwclock).
    ("hwclock", "hwclock -r -u | grep -c \"$(date -u +%Y)\"; "
     "date -s '2031-02-03 04:05:06' >/dev/null; hwclock -w -u; hwclock -r -u | cut -c1-24; "
     "date -s 2020-01-01 >/dev/null; hwclock -s -u; date -u +%Y-%m-%d; "
     "ls -l /dev/rtc0 | cut -c1-10",
     "1\nMon Feb  3 04:05:06 2031\n2031-02-03\ncrw-------\n", 0),
    ("date_set", "date -s '2030-01-02 03:04:05' >/dev/null; date +%Y-%m-%d; "
     "touch /tmp/n; ls -l --full-time /tmp/n | tr -s ' ' | cut -d' ' -f6; "
     "sh -c 'date +%Y'; su user -c 'date -s 2031-01-01 >/dev/null'; date +%Y",
     "2030-01-02\n2030-01-02\n2030\ndate: can't set date: Operation not permitted\n2030\n", 0),
    ("sleep", "sleep 0.1; echo ok", "ok\n", 0),
    ("test", "[ -d /tmp ] && [ ! -e /nope ] && test 3 -gt 2 && echo yes", "yes\n", 0),
    ("expr", "expr 6 \\* 7", "42\n", 0),
    ("printf", "printf '%05d|%-3s|%x\\n' 42 ab 255", "00042|ab |ff\n", 0),
    ("id", "id", "uid=0(root) gid=0(root)\n", 0),
    # su sets the supplementary groups from /etc/group; they grant access.
    ("su_groups", "echo g > /tmp/g; chgrp 100 /tmp/g; chmod 640 /tmp/g; "
     "su user -c 'id; cat /proc/self/status | grep Groups; cat /tmp/g'",
     "uid=1000(user) gid=1000(user) groups=1000(user),100(users)\nGroups:\t1000 100\ng\n", 0),
    ("wc", "printf 'a b\\nc\\n' | wc -l -w", "        2         3\n", 0),
    # 1,000 fork/exit cycles leave free memory where it was (within 16 kB for
    # tables that grow once, after a warm-up of 200).
    ("fork_exit_1000_no_leak",
     "f() { sed -n 's/^MemFree: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo; }; "
     "i=0; while [ $i -lt 200 ]; do (true); i=$((i+1)); done; a=$(f); "
     "i=0; while [ $i -lt 1000 ]; do (true); i=$((i+1)); done; b=$(f); "
     "[ $((a - b)) -le 16 ] && echo steady || echo \"leaked $((a - b)) kB\"", "steady\n", 0),
    ("nproc_limit", "su user -c 'ulimit -u 10; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; "
     "do sleep 2 & done; wait' 2>&1 | grep -q \"can't fork\" && echo limited; echo alive",
     "limited\nalive\n", 0),
    # Skiff only (no Linux oracle): garbage IPC from a Linux process to every
    # server and driver, through every kind of handle it holds. The storm of
    # the console writes random bytes to it: only the report after the
    # program's marker line is compared.
    ("garbage_to_servers", "/usr/lib/skiff-tests/t_garbage",
     After("== garbage report ==",
           "".join("%s: answered everything\n" % t for t in (
               "proc", "vfs", "pipe", "init", "ramfs file", "ramfs directory",
               "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "devfs directory",
               "/proc/meminfo", "/proc/<pid>/status", "procfs directory",
               "pipe read end", "pipe write end", "fifo", "/dev/tty", "console",
               "libos image", "event notification")) +
           "no handles kept\nramfs file works\nramfs directory works\n/dev/zero works\n"
           "/dev/null works\n/dev/full works\n/dev/urandom works\n/proc/meminfo works\n"
           "/proc/<pid>/status works\npipe works\nfifo works\nvfs works\nproc works\n"
           "every service running, none restarted\n"), 0),
    # Skiff only: services (musl programs under the libos) restart on the same
    # endpoint, and svc load refuses a program without the service note.
    # A service killed as a crash would be is restarted by init on the same
    # endpoint: clients keep working, and the restart is counted.
    ("svc_kill_restart",
     "S=/sbin/svc; w() { i=0; until $S | grep -q \"^$1 *running *1\\$\"; do "
     "i=$((i+1)); [ $i -gt 100 ] && { echo \"$1 not restarted\"; return; }; sleep 0.1; done; }; "
     "for s in devfs pipe procfs rtc; do $S kill $s || echo \"kill $s failed\"; w $s; done; "
     "ls /dev/null; echo p | cat; head -c 9 /proc/meminfo; echo; date +%Y | cut -c1-2; "
     "$S kill nosuch; $S stop devfs; $S kill devfs",
     "/dev/null\np\nMemTotal:\n20\nsvc: nosuch: no such entry\n"
     "svc: devfs: object is in the wrong state for this call\n", 1),
    # Loadable services: a server program from a file replaces the running
    # one on the same endpoint; clients go on, and the restart is counted.
    ("svc_load_file", "S=/sbin/svc; $S load devfs /usr/lib/skiff/services/devfs && ls /dev/null "
     "&& $S load pipe /usr/lib/skiff/services/pipe && echo p | cat && "
     "$S load vfs /usr/lib/skiff/services/vfs && ls /proc/uptime && "
     "$S | grep -E '^(devfs|pipe|vfs) ' | tr -s ' '",
     "/dev/null\np\n/proc/uptime\ndevfs running 1\npipe running 1\nvfs running 1\n", 0),
    # proc's table is every process's only record: stopping it is refused.
    ("svc_proc_refused", "/sbin/svc restart proc; echo $?; /sbin/svc stop proc; echo $?; "
     "/sbin/svc | grep '^proc ' | tr -s ' '",
     "svc: proc: refused: it holds state that a new instance would not have\n1\n"
     "svc: proc: refused: it holds state that a new instance would not have\n1\n"
     "proc running 0\n", 0),
    ("svc_restart_load", "S=/sbin/svc; $S restart devfs && ls /dev/null && $S restart pipe && "
     "echo x | cat && $S restart procfs && cat /proc/uptime | wc -w && $S restart vfs && "
     "ls /proc/uptime; $S load devfs /bin/busybox; echo $?; ls /dev/zero; "
     "$S | grep -E '^(devfs|pipe|vfs) ' | tr -s ' '",
     "/dev/null\nx\n2\n/proc/uptime\nsvc: devfs: invalid argument\n1\n/dev/zero\n"
     "devfs running 1\npipe running 1\nvfs running 1\n", 0),
    ("su_eacces", "echo secret > /tmp/s; chmod 600 /tmp/s; su user -c 'id -u; cat /tmp/s'",
     "1000\ncat: can't open '/tmp/s': Permission denied\n", 1),
    # procfs: what ps, top, free, uptime, mount and df read.
    ("proc_uptime", "cat /proc/uptime | wc -w", "2\n", 0),
    ("free", "free | head -1 | tr -s ' '", " total used free shared buff/cache available\n", 0),
    ("ps", "ps -o pid,comm | head -1; ps -o pid | grep -c \"^ *$$\\$\"", "PID   COMMAND\n1\n", 0),
    ("top", "top -bn1 | head -1 | cut -c1-4", "Mem:\n", 0),
    ("uptime", "uptime | grep -c 'load average'", "1\n", 0),
    ("mount", "mount | grep -c ' on / '", "1\n", 0),
    ("df", "df / | tail -1 | tr -s ' ' | cut -d' ' -f6", "/\n", 0),
    ("proc_exe", "readlink /proc/$$/exe", "/bin/sh\n", 0),
    # /proc/<pid>/fd: descriptors survive fork and exec with their targets;
    # pipes show as pipe:[ino]; other users' lists are closed to a user.
    # (ls lists its own: the shell's change while it runs a pipeline; 3 is
    # the directory ls reads.)
    ("proc_fd", "exec 5</etc/passwd; readlink /proc/self/fd/5; readlink /proc/$$/fd/5; "
     "ls /proc/self/fd | tr '\\n' ' '; echo; echo x | readlink /proc/self/fd/0 | cut -c1-6; "
     "exec 5<&-; ls /proc/self/fd | tr '\\n' ' '; echo; "
     "su user -c \"ls /proc/$$/fd\" 2>&1 | sed 's/[0-9][0-9]*/N/'",
     "/etc/passwd\n/etc/passwd\n0 1 2 3 5 \npipe:[\n0 1 2 3 \n"
     "ls: can't open '/proc/N/fd': Permission denied\n", 0),
]
