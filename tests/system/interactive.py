"""Interactive test: the console shell through a real pseudo-terminal.

Boots the whole system as `make run` does, with QEMU's serial console on a
pty, and types at it like a user: the prompt appears, line editing works,
^C stops `sleep 100`, ^Z and `fg` stop and continue a job, vi edits and
saves a file, and `poweroff` ends QEMU. Reports each step through
tests/run.py's Results.
"""

import os
import pty
import select
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import skiffimage  # noqa: E402

PROMPT = b"root@skiff:~# "


class Console:
    def __init__(self, build):
        cmd = skiffimage.qemu_command(build) + ["-serial", "mon:stdio"]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(cmd[0], cmd)
        self.buf = b""

    def read_until(self, pat, timeout):
        """True when pat has appeared in the output since the last mark."""
        end = time.monotonic() + timeout
        pat = pat.replace(b"\r", b"")
        while pat not in self.buf.replace(b"\r", b""):
            left = end - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    return pat in self.buf.replace(b"\r", b"")
                if not data:
                    return pat in self.buf.replace(b"\r", b"")
                self.buf += data
        return True

    def mark(self):
        self.buf = b""

    def send(self, data, pause=0.05):
        for ch in data:
            os.write(self.fd, bytes([ch]))
            time.sleep(pause)

    def tail(self):
        return self.buf.decode("utf-8", "replace").splitlines()[-15:]

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def step(res, con, name, ok):
    if ok:
        res.ok("interactive/" + name)
    else:
        res.fail("interactive/" + name, "the console did not show what was expected",
                 con.tail())
    return ok


def echoed(con, text, timeout=20):
    """Type `echo text`; True when its output line appears."""
    con.send(b"echo " + text + b"\r")
    return con.read_until(b"\r\n" + text + b"\r\n", timeout)


def settle(con):
    """Wait for the next prompt and start a new mark."""
    con.read_until(PROMPT, 10)
    con.mark()


def run(build, res):
    con = Console(build)
    try:
        if not step(res, con, "prompt", con.read_until(PROMPT, 60)):
            return
        con.mark()
        # Line editing: a wrong letter erased with DEL before Enter.
        con.send(b"echo hel\x7f\x7fello\r")
        step(res, con, "line_editing", con.read_until(b"\r\nhello\r\n", 20))
        settle(con)
        con.send(b"sleep 100\r")
        time.sleep(1.5)
        con.send(b"\x03")
        step(res, con, "ctrl_c", echoed(con, b"after-ctrl-c"))
        settle(con)
        con.send(b"sleep 2\r")
        time.sleep(1.0)
        con.send(b"\x1a")
        stopped = con.read_until(b"Stopped", 15)
        con.mark()
        con.send(b"fg\r")
        time.sleep(0.5)
        step(res, con, "ctrl_z_fg", stopped and echoed(con, b"after-fg", 30))
        settle(con)
        # ^S holds the output (the echo too) until ^Q.
        con.send(b"\x13")
        con.send(b"echo held-out\r")
        held = not con.read_until(b"held-out", 2)
        con.send(b"\x11")
        step(res, con, "ctrl_s_ctrl_q", held and con.read_until(b"\r\nheld-out\r\n", 15))
        settle(con)
        # A background job that reads the terminal is stopped (SIGTTIN),
        # and fg gives it the terminal; with tostop, output stops one too.
        con.send(b"cat &\r")
        time.sleep(3.0)
        con.send(b"\r")
        bg = con.read_until(b"Stopped (tty input)", 10)
        if not bg:
            # A slow machine: cat may have stopped after that line was read;
            # the shell reports it at its next prompt.
            con.send(b"\r")
            bg = con.read_until(b"Stopped (tty input)", 10)
        settle(con)
        con.send(b"fg\r")
        time.sleep(1.0)
        con.send(b"to-cat\r")
        got = con.read_until(b"to-cat\r\nto-cat\r\n", 15)
        con.send(b"\x04")
        step(res, con, "sigttin_fg", bg and got and con.read_until(PROMPT, 10))
        con.mark()
        con.send(b"stty tostop; echo bg-out &\r")
        time.sleep(1.5)
        con.send(b"\r")
        step(res, con, "sigttou", con.read_until(b"Stopped (tty output)", 15))
        settle(con)
        con.send(b"stty -tostop; fg\r")
        step(res, con, "sigttou_fg", con.read_until(b"bg-out\r\n", 15))
        settle(con)
        # The serial driver and then the terminal server are restarted
        # under the running shell: input still arrives, and after the tty
        # restart init gives the console a new login shell.
        con.send(b"svc restart uart16550\r")
        con.read_until(PROMPT, 15)
        con.mark()
        step(res, con, "uart_restart", echoed(con, b"after-uart"))
        settle(con)
        con.send(b"svc restart tty\r")
        con.read_until(PROMPT, 20)
        con.mark()
        step(res, con, "tty_restart", echoed(con, b"after-tty"))
        settle(con)
        con.send(b"vi /tmp/v.txt\r")
        time.sleep(2.0)
        con.send(b"ihello from vi\x1b", pause=0.1)
        time.sleep(0.5)
        con.send(b":wq\r", pause=0.1)
        con.read_until(PROMPT, 15)
        con.mark()
        con.send(b"cat /tmp/v.txt\r")
        step(res, con, "vi", con.read_until(b"\r\nhello from vi\r\n", 15))
        con.read_until(PROMPT, 10)
        con.mark()
        con.send(b"poweroff\r")
        end = time.monotonic() + 30
        gone = False
        while time.monotonic() < end:
            p, _ = os.waitpid(con.pid, os.WNOHANG)
            if p == con.pid:
                gone = True
                break
            con.read_until(b"\x00never", 0.2)
        step(res, con, "poweroff", gone)
    finally:
        con.close()


if __name__ == "__main__":
    class R:
        def ok(self, n): print("ok", n)
        def fail(self, n, why, d=None):
            print("FAIL", n, why)
            for l in d or []:
                print("   |", l)
    run(sys.argv[1] if len(sys.argv) > 1 else "build", R())
