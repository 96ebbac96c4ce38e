#!/usr/bin/env python3
"""Skiff's test runner: `make test` and `make bench` call it.

    python3 tests/run.py --build build --smp 2 build/host/test_a build/host/test_b
    python3 tests/run.py --build build --smp 2 --bench

1. Runs each host unit test binary given on the command line. A binary
   prints `PASS <name>` / `FAIL <name>: <reason>` lines and exits non-zero
   if any test failed; a binary that crashes, times out or fails without a
   FAIL line counts as one failure named after the binary, and its output
   is shown.
2. Boots the in-guest suite in QEMU (build/kernel.bin with the modules
   init and ktest) and reads the serial console. The guest prints
   `KTEST PASS <name>`, `KTEST FAIL <name>: <reason>`,
   `KTEST SKIP <name>: <reason>` and finally `KTEST DONE`. A `KERNEL PANIC`
   line, a hang (no KTEST DONE within --timeout seconds), QEMU exiting
   before KTEST DONE, or a guest that prints no KTEST result are failures.
   The whole serial log is saved to <build>/ktest.log (<build>/kbench.log
   with --bench).
3. Prints `ok <name>` / `FAIL <name>: <reason>` / `skip <name>: <reason>`
   per test and, as the very last line, `N passed, N failed` (with
   `, N skipped` if any were skipped). Exits 1 if anything failed.

With --bench the guest runs under `-icount shift=0` (one instruction per
virtual nanosecond, so counts are deterministic) and the guest's
`bench <name> <n> instr/op` lines are printed; each counts as passed.

Python 3 standard library only.
"""

import argparse
import collections
import errno
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time

KTEST_RESULT = re.compile(r"KTEST (PASS|FAIL|SKIP)\s+(\S+?)(?::\s*(.*?))?\s*$")
KTEST_DONE = re.compile(r"KTEST DONE\b")
KTEST_ANY = re.compile(r"KTEST (PASS|FAIL|SKIP|DONE)\b")
BENCH_LINE = re.compile(r"^bench \S+")
# Results that must appear besides those of ktest (which counts its own).
EXPECT_BUSYBOX = "echo KTEST PASS busybox_echo"  # the module's arguments
EXPECTED = ["busybox_echo"]
# Service modules booted with the suite when built (servers/<name>).
SERVICES = ["vfs", "pipe", "uart16550", "tty", "ramfs", "devfs", "proc", "procfs"]
HOST_RESULT = re.compile(r"^(PASS|FAIL) (\S+?)(?::\s*(.*?))?\s*$")
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_]|c)")

PANIC_MARK = "KERNEL PANIC"
PANIC_END = "system halted"     # kernel/panic.c prints it last
PANIC_QUIET = 3.0               # seconds of silence that end a panic dump
PANIC_MAX = 15.0                # longest wait for the rest of a panic dump
DONE_GRACE = 3.0                # time QEMU gets to exit by itself after DONE
HANG_TAIL = 60                  # log lines shown on a hang or early exit
PANIC_CONTEXT = 20              # log lines shown before the panic line


class Results:
    """Collects results and prints each as it arrives."""

    def __init__(self):
        self.passed = 0
        self.passed_names = set()
        self.failed = 0
        self.skipped = 0

    def ok(self, name):
        self.passed += 1
        self.passed_names.add(name)
        out("ok %s" % name)

    def fail(self, name, reason, details=None):
        self.failed += 1
        out("FAIL %s: %s" % (name, reason or "(no reason given)"))
        if details:
            for line in details:
                out("    | " + line)

    def skip(self, name, reason):
        self.skipped += 1
        out("skip %s: %s" % (name, reason or "(no reason given)"))

    def summary(self):
        s = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            s += ", %d skipped" % self.skipped
        return s


def out(line=""):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def clean(text):
    """A log line as shown: no escape sequences, no control characters."""
    text = ANSI.sub("", text)
    return "".join(c if c >= " " or c == "\t" else "" for c in text)


def kill_group(proc, grace=2.0):
    """End proc and everything it started (it leads its own session)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            proc.send_signal(sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


# ---- host unit tests ---------------------------------------------------------

def run_host(binary, timeout, res):
    label = os.path.basename(binary)
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        res.fail(label, "no such test binary: %s" % binary)
        return
    env = dict(os.environ)
    # Tell a sanitizer report apart from an ordinary test failure (exit 1).
    env.setdefault("ASAN_OPTIONS", "exitcode=86:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "exitcode=87:print_stacktrace=1:halt_on_error=1")
    try:
        proc = subprocess.Popen([binary], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
    except OSError as e:
        res.fail(label, "cannot run %s: %s" % (binary, e.strerror))
        return
    timed_out = False
    try:
        data, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc)
        try:
            os.killpg(proc.pid, signal.SIGKILL)     # children still holding the pipe
        except OSError:
            pass
        try:
            data, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            data = b""
    except BaseException:
        kill_group(proc)
        raise
    lines = [clean(l) for l in data.decode("utf-8", "replace").splitlines()]
    rc = proc.returncode
    nfail = 0
    for line in lines:
        m = HOST_RESULT.match(line)
        if not m:
            continue
        name = "%s/%s" % (label, m.group(2))
        if m.group(1) == "PASS":
            res.ok(name)
        else:
            nfail += 1
            res.fail(name, m.group(3))
    if timed_out:
        res.fail(label, "timed out after %g s" % timeout, tail(lines, HANG_TAIL))
    elif rc < 0:
        res.fail(label, "killed by signal %d (%s)" % (-rc, signame(-rc)), tail(lines, 200))
    elif rc in (86, 87):
        res.fail(label, "%s reported an error (exit %d)" %
                 ("AddressSanitizer" if rc == 86 else "UndefinedBehaviorSanitizer", rc),
                 tail(lines, 200))
    elif rc != 0 and nfail == 0:
        res.fail(label, "exited with status %d without a FAIL line" % rc, tail(lines, 200))
    elif rc == 0 and nfail == 0 and not any(HOST_RESULT.match(l) for l in lines):
        res.fail(label, "ran no tests", tail(lines, 50))
    elif rc == 0 and nfail > 0:
        res.fail(label, "printed FAIL lines but exited with status 0")


def signame(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return "signal %d" % n


def tail(lines, n):
    lines = list(lines)
    if len(lines) > n:
        return ["... (%d earlier lines)" % (len(lines) - n)] + lines[-n:]
    return lines


# ---- the guest ---------------------------------------------------------------------

def kvm_works(qemu):
    """True if /dev/kvm is writable and QEMU can really start a KVM guest.

    A writable /dev/kvm is not enough: under some nested hypervisors QEMU
    aborts while setting up the vCPU. So start QEMU halted (-S) with KVM
    and tell its monitor to quit: success means KVM works.
    """
    if not os.access("/dev/kvm", os.W_OK):
        return False
    probe = [qemu, "-accel", "kvm", "-cpu", "host", "-smp", "1", "-m", "64M", "-S",
             "-display", "none", "-nodefaults", "-no-reboot", "-monitor", "stdio"]
    try:
        r = subprocess.run(probe, input=b"quit\n", stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    if r.returncode != 0:
        out("# /dev/kvm is there but QEMU cannot use it (probe exit %d): using TCG"
            % r.returncode)
    return r.returncode == 0


def qemu_command(args):
    b = args.build
    if args.bench:
        accel = ["-accel", "tcg", "-cpu", "max", "-icount", "shift=0"]
        modules = "%s/bin/init kbench,%s/bin/kbench" % (b, b)
    else:
        use_kvm = args.accel == "kvm" or (args.accel == "auto" and kvm_works(args.qemu))
        accel = ["-accel", "kvm", "-cpu", "host"] if use_kvm else ["-accel", "tcg", "-cpu", "max"]
        # A Linux program under the library OS runs next to the suite:
        # Debian's busybox, whose echo must print a KTEST PASS line.
        # Services (init starts those in its table that are in the image).
        services = "".join(",%s/bin/%s" % (b, s) for s in SERVICES
                           if os.path.isfile(os.path.join(b, "bin", s)))
        if os.path.isfile(os.path.join(b, "initrd.cpio")):
            services += ",%s/initrd.cpio" % b
        modules = ("%s/bin/init ktest%s,%s/bin/libos,%s %s,%s/bin/ktest"
                   % (b, services, b, args.busybox, EXPECT_BUSYBOX, b))
    return [args.qemu] + accel + [
        "-smp", str(args.smp), "-m", args.mem, "-nographic", "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-kernel", os.path.join(b, "kernel.bin"), "-initrd", modules]


def check_guest_files(args, res):
    """Name what is missing before trying to boot; True if all is there."""
    if shutil.which(args.qemu) is None:
        res.fail("qemu", "%s not found: install the Debian package qemu-system-x86 "
                 "(mk/deps.sh does it when run as root)" % args.qemu)
        return False
    missing = [p for p in (os.path.join(args.build, "kernel.bin"),
                           os.path.join(args.build, "bin", "init"),
                           os.path.join(args.build, "bin", "ktest"))
               if not os.path.isfile(p)]
    if missing:
        res.fail("guest-image", "not built: %s (run make)" % ", ".join(missing))
        return False
    return True


class Guest:
    """Runs the guest command and follows its serial output line by line."""

    def __init__(self, cmd, shell, logpath):
        self.log = open(logpath, "wb")
        self.lines = []             # cleaned, complete lines
        self.partial = b""
        kw = dict(stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                  stderr=subprocess.STDOUT, start_new_session=True)
        self.proc = subprocess.Popen(cmd, shell=shell, **kw)
        self.fd = self.proc.stdout.fileno()
        self.eof = False

    def read(self, timeout):
        """New complete lines within timeout seconds ([] on none or EOF)."""
        if self.eof:
            return []
        try:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        except InterruptedError:
            return []
        if not ready:
            return []
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EINTR):
                return []
            data = b""
        self.log.write(data)
        self.log.flush()
        if not data:
            self.eof = True
            data = b"\n" if self.partial else b""
        self.partial += data
        *complete, self.partial = self.partial.split(b"\n")
        new = [clean(l.decode("utf-8", "replace")) for l in complete]
        self.lines.extend(new)
        return new

    def stop(self):
        kill_group(self.proc)
        # Whatever was still in the pipe belongs in the log; but never wait
        # long for it (something outside the process group may hold it).
        rest = b""
        end = time.monotonic() + 1.0
        while not self.eof and time.monotonic() < end:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                data = os.read(self.fd, 65536) if ready else b""
            except OSError:
                break
            if ready and not data:
                break
            rest += data
        if rest:
            self.log.write(rest)
            self.partial += rest
        if self.partial:
            self.lines.extend(clean(l.decode("utf-8", "replace"))
                              for l in self.partial.split(b"\n") if l)
            self.partial = b""
        self.proc.stdout.close()
        self.log.close()


def run_guest(args, res):
    logname = "kbench.log" if args.bench else "ktest.log"
    logpath = os.path.join(args.build, logname)
    if args.guest_cmd:
        cmd, shell, shown = args.guest_cmd, True, args.guest_cmd
    else:
        if not check_guest_files(args, res):
            return
        cmd = qemu_command(args)
        shell, shown = False, " ".join(shlex.quote(c) for c in cmd)
    os.makedirs(args.build, exist_ok=True)
    if args.verbose:
        out("# %s" % shown)
    try:
        guest = Guest(cmd, shell, logpath)
    except OSError as e:
        res.fail("qemu", "cannot start %s: %s" % (shown, e.strerror))
        return

    start = time.monotonic()
    deadline = start + args.timeout
    done = False            # KTEST DONE seen
    panic_at = None         # index of the KERNEL PANIC line
    panic_end = None        # time by which the panic dump must be complete
    last_output = start
    results = 0             # KTEST PASS/FAIL/SKIP (and bench) lines
    ktest_lines = 0         # any KTEST line at all
    bench = []
    exit_status = None
    try:
        while True:
            now = time.monotonic()
            if done:
                limit = done_at + DONE_GRACE
            elif panic_at is not None:
                limit = min(panic_end, last_output + PANIC_QUIET, deadline)
            else:
                limit = deadline
            if now >= limit:
                break
            new = guest.read(min(limit - now, 0.5))
            if new:
                last_output = time.monotonic()
            for i, line in enumerate(new):
                if args.verbose:
                    out("  " + line)
                if panic_at is not None:
                    if PANIC_END in line:
                        limit = 0     # dump complete
                    continue
                if PANIC_MARK in line:
                    panic_at = len(guest.lines) - len(new) + i
                    panic_end = time.monotonic() + PANIC_MAX
                    continue
                if done:
                    continue
                m = KTEST_RESULT.search(line)
                if m:
                    ktest_lines += 1
                    results += 1
                    kind, name, reason = m.groups()
                    if kind == "PASS":
                        res.ok(name)
                    elif kind == "FAIL":
                        res.fail(name, reason)
                    else:
                        res.skip(name, reason)
                    continue
                if KTEST_DONE.search(line):
                    ktest_lines += 1
                    done = True
                    done_at = time.monotonic()
                    continue
                if KTEST_ANY.search(line):
                    ktest_lines += 1
                if args.bench and BENCH_LINE.match(line):
                    bench.append(line)
                    results += 1
                    out(line)
                    res.passed += 1
            if panic_at is not None and limit == 0:
                break
            if guest.eof:
                try:
                    exit_status = guest.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                break
    finally:
        if exit_status is None:
            exit_status = guest.proc.poll()
        guest.stop()

    elapsed = time.monotonic() - start
    lines = guest.lines
    what = "the guest" if args.guest_cmd else "QEMU"
    if panic_at is not None:
        first = max(0, panic_at - PANIC_CONTEXT)
        shown_lines = lines[first:]
        if first > 0:
            shown_lines = ["... (%d earlier lines in %s)" % (first, logpath)] + shown_lines
        res.fail("kernel-panic", lines[panic_at].strip(), shown_lines)
    elif not done:
        if exit_status is None:
            res.fail("guest-hang", "no KTEST DONE within %g s; last %d lines of %s:"
                     % (args.timeout, HANG_TAIL, logpath), tail(lines, HANG_TAIL))
        else:
            res.fail("guest-exit", "%s exited (%s) after %.1f s before KTEST DONE; "
                     "last %d lines of %s:" % (what, exit_text(exit_status), elapsed,
                                               HANG_TAIL, logpath), tail(lines, HANG_TAIL))
    if results == 0 and panic_at is None:
        res.fail("no-ktest-output" if ktest_lines == 0 else "no-ktest-results",
                 "the guest printed no %s (does %s/bin/ktest start?)"
                 % ("KTEST line at all" if ktest_lines == 0 else
                    "test results before KTEST DONE", args.build))
    if args.bench and bench and args.linux_figures:
        compare(bench, args.linux_figures)
    if not args.bench and panic_at is None:
        for name in EXPECTED:
            if name not in res.passed_names:
                res.fail(name, "its KTEST PASS line never appeared (see %s)" % logpath)
    if res.failed and not args.verbose:
        out("# full serial log: %s" % logpath)


def compare(bench, path):
    """Print Skiff's figures next to Linux's from the same workloads."""
    try:
        with open(path) as f:
            linux = dict((w[1], int(w[2])) for w in (l.split() for l in f)
                         if len(w) == 3 and w[0] == "linux")
    except (OSError, ValueError) as e:
        out("# no Linux figures (%s); run make linux-bench" % e)
        return
    out("# name skiff linux skiff/linux (instructions per operation)")
    for line in bench:
        w = line.split()
        if len(w) >= 3 and w[1] in linux and w[2].isdigit():
            out("bench %s %s %d %.2f" % (w[1], w[2], linux[w[1]],
                                         int(w[2]) / max(linux[w[1]], 1)))


def posix_bench(args, res):
    """The POSIX workloads (tests/bench/posix/pbench.c) on Skiff under
    -icount on one CPU, and the wall-clock boot time to the shell prompt
    under plain TCG, side by side with Linux's figures."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "system"))
    sys.path.insert(0, os.path.join(os.path.dirname(here), "tools"))
    import importlib.machinery
    import importlib.util
    import interactive
    loader = importlib.machinery.SourceFileLoader(
        "skiff_exec", os.path.join(os.path.dirname(here), "tools", "skiff-exec"))
    spec = importlib.util.spec_from_loader("skiff_exec", loader)
    se = importlib.util.module_from_spec(spec)
    loader.exec_module(se)
    status, text = se.run("/usr/lib/skiff-tests/pbench", build=args.build, timeout=600,
                          smp=1, extra_args=["-icount", "shift=0"])
    skiff = {}
    for line in text.splitlines():
        w = line.split()
        if len(w) == 3 and w[0] == "posix" and w[2].isdigit():
            skiff[w[1]] = int(w[2])
    if status != 0 or "posix-done" not in text:
        res.fail("posix-bench", "pbench did not finish on Skiff (status %s)" % status,
                 text.splitlines()[-10:])
    # Boot time: QEMU start to the shell prompt, plain TCG, wall clock.
    t0 = time.monotonic()
    con = interactive.Console(args.build)
    try:
        if con.read_until(interactive.PROMPT, 60):
            skiff["boot_ms"] = int((time.monotonic() - t0) * 1000)
    finally:
        con.close()
    linux = {}
    if args.linux_posix:
        try:
            with open(args.linux_posix) as f:
                for w in (l.split() for l in f):
                    if len(w) == 3 and w[0] == "posix" and w[2].isdigit():
                        linux[w[1]] = int(w[2])
        except OSError:
            out("# no Linux POSIX figures (%s); run make linux-bench" % args.linux_posix)
    out("# posix workloads: instructions per operation (boot_ms: wall-clock ms, plain TCG)")
    for name in ["getppid", "pipe_roundtrip", "fork_exit_wait", "fork_exec_wait",
                 "create_write4k_unlink", "stat", "write_read4k", "boot_ms"]:
        if name not in skiff:
            continue
        if name in linux:
            out("bench %s %d %d %.2f" % (name, skiff[name], linux[name],
                                         skiff[name] / max(linux[name], 1)))
        else:
            out("bench %s %d - -" % (name, skiff[name]))
        res.ok("bench/" + name)


def exit_text(status):
    if status < 0:
        return "killed by %s" % signame(-status)
    if status & 1 and status > 1:
        # isa-debug-exit: QEMU exits with (value << 1) | 1.
        return "status %d, guest wrote %d to isa-debug-exit" % (status, status >> 1)
    return "status %d" % status


# ---- main ------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description="Run Skiff's host unit tests and in-guest suite.")
    p.add_argument("host_tests", nargs="*", metavar="HOST_TEST",
                   help="host unit test binaries to run")
    p.add_argument("--build", default="build", help="build directory (default: build)")
    p.add_argument("--smp", type=int, default=2, help="guest CPUs (default: 2)")
    p.add_argument("--mem", default="512M", help="guest memory (default: 512M)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds the guest may run (default: 300)")
    p.add_argument("--host-timeout", type=float, default=300,
                   help="seconds each host test binary may run (default: 300)")
    p.add_argument("--busybox", default="cache/busybox/busybox",
                   help="Debian's busybox-static binary (default: cache/busybox/busybox)")
    p.add_argument("--linux-figures", default=None,
                   help="with --bench: file of `linux <name> <n>` lines to compare with")
    p.add_argument("--linux-posix", default=None,
                   help="with --bench: file of `posix <name> <n>` lines from Linux")
    p.add_argument("--bench", action="store_true",
                   help="boot the benchmarks under -icount instead of the tests")
    p.add_argument("--no-guest", action="store_true", help="run the host tests only")
    p.add_argument("--no-system", action="store_true",
                   help="skip the system tests (busybox through tools/skiff-exec)")
    p.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                   help="auto uses KVM when /dev/kvm works (default: auto)")
    p.add_argument("--qemu", default="qemu-system-x86_64", help="QEMU binary")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="echo the QEMU command and the serial console")
    # For testing the runner: a shell command that stands in for QEMU.
    p.add_argument("--guest-cmd", help=argparse.SUPPRESS)
    args = p.parse_args()

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    res = Results()
    interrupted = False
    try:
        for binary in args.host_tests:
            run_host(binary, args.host_timeout, res)
        if not args.no_guest:
            run_guest(args, res)
        if args.bench and not args.no_guest:
            posix_bench(args, res)
        if not args.no_guest and not args.no_system and not args.bench:
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "system"))
            import runner
            runner.run(args.build, res)
            if not runner.image_ready(args.build):
                import interactive
                interactive.run(args.build, res)
    except KeyboardInterrupt:
        interrupted = True
        res.fail("interrupted", "stopped by a signal")
    out(res.summary())
    if interrupted:
        return 130
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
