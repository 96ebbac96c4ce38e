"""The system test stage of tests/run.py: each case of tests/system/cases.py
boots the real image with tools/skiff-exec and compares the command's
output and exit status exactly. Cases run two at a time.

With --oracle the same command lines run under the host's busybox (in a
private mount namespace with a fresh /tmp) instead, to show that the
expected results are what Linux gives.
"""

import concurrent.futures
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))

import cases  # noqa: E402


def image_ready(build):
    need = ["kernel.bin", "bin/init", "bin/libos", "bin/vfs", "bin/ramfs", "bin/devfs",
            "bin/tty", "bin/uart16550", "initrd.cpio"]
    return [n for n in need if not os.path.exists(os.path.join(build, n))]


def run_case(build, case, timeout):
    import importlib.machinery
    import importlib.util
    path = os.path.join(ROOT, "tools", "skiff-exec")
    loader = importlib.machinery.SourceFileLoader("skiff_exec", path)
    spec = importlib.util.spec_from_loader("skiff_exec", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    name, cmd, want_out, want_status = case[:4]
    known = case[4] if len(case) > 4 else None
    status, got = mod.run(cmd, build=build, timeout=timeout)
    return name, cmd, want_out, want_status, status, got, known


def describe(name, cmd, want_out, want_status, status, got):
    lines = ["command: %r" % cmd]
    if status != want_status:
        lines.append("exit status %s, expected %s" % (status, want_status))
    if got != want_out:
        lines.append("expected output: %r" % want_out)
        lines.append("got output:      %r" % got)
    return lines


def linux_cases(build, res):
    """The musl programs of tests/linux: each must pass on this (Linux) host,
    in a private mount namespace with a fresh /tmp; what it prints there is
    what it must print on Skiff (the ramdisk has them in /usr/lib/skiff-tests)."""
    d = os.path.join(build, "linuxtests")
    out = []
    if not os.path.isdir(d):
        return out
    for name in sorted(os.listdir(d)):
        prog = os.path.abspath(os.path.join(d, name))
        # Hold the program open: the fresh /tmp may hide where it lives.
        script = "exec 9<\"$0\"; mount -t tmpfs none /tmp && cd / && exec /proc/self/fd/9"
        try:
            r = subprocess.run(["unshare", "-m", "sh", "-c", script, prog],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        except (OSError, subprocess.SubprocessError) as e:
            res.fail("linux/" + name, "cannot run it on the host: %s" % e)
            continue
        text = r.stdout.decode("utf-8", "replace")
        if r.returncode != 0:
            res.fail("linux-host/" + name, "fails on Linux itself (status %d)" % r.returncode,
                     text.splitlines()[-20:])
            continue
        res.ok("linux-host/" + name)
        out.append(("linux/" + name, "/usr/lib/skiff-tests/" + name, text, 0))
    return out


def run(build, res, timeout=90.0, jobs=2):
    """Run every case; report through res (tests/run.py's Results)."""
    missing = image_ready(build)
    if missing:
        res.skip("system", "the system image is not complete: %s missing"
                 % ", ".join(missing))
        return
    all_cases = [("system/" + c[0],) + tuple(c[1:]) for c in cases.CASES]
    all_cases += linux_cases(build, res)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(run_case, build, c, timeout) for c in all_cases]
        for f in futs:
            name, cmd, want_out, want_status, status, got, known = f.result()
            if status == want_status and got == want_out:
                res.ok(name)
                if known:
                    print("# %s passes now: drop its known-bug mark" % name)
            elif known:
                res.skip(name, known)
            else:
                res.fail(name, "output or status differs",
                         describe(name, cmd, want_out, want_status, status, got))


def oracle(busybox):
    """Run the cases under the host's busybox; returns the number that differ."""
    bad = 0
    for case in cases.CASES:
        name, cmd, want_out, want_status = case[:4]
        if name in cases.SKIFF_ONLY:
            print("not run %s (Skiff only)" % name)
            continue
        script = "mount -t tmpfs none /tmp && cd / && exec %s sh -c \"$0\"" % busybox
        r = subprocess.run(["unshare", "-m", "sh", "-c", script, cmd],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        got = r.stdout.decode("utf-8", "replace")
        if got != want_out or r.returncode != want_status:
            bad += 1
            print("DIFF %s: status %d (want %d) output %r (want %r)"
                  % (name, r.returncode, want_status, got, want_out))
        else:
            print("same %s" % name)
    return bad


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--oracle":
        bb = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                             os.path.join(ROOT, "cache/busybox/busybox"))
        sys.exit(1 if oracle(bb) else 0)
