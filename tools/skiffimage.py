"""The Skiff boot image as QEMU sees it: shared by tools/skiff-exec, the
test runner and `make run` (through `python3 tools/skiffimage.py`).

The system image is build/kernel.bin with these boot modules, in order:
init (the root task), the libos, every service and driver that was built
(in init's start order) and the ramdisk build/initrd.cpio.
"""

import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# init's start order (servers/init/services.c); absent ones are skipped.
SERVICES = ["rtc", "uart16550", "proc", "tty", "ramfs", "devfs", "pipe", "procfs", "vfs"]


def accel(qemu):
    try:
        return subprocess.run(["sh", os.path.join(HERE, "accel.sh"), qemu],
                              capture_output=True, text=True).stdout.split()
    except OSError:
        return []


def modules(build, extra=()):
    """The -initrd list of the whole system (plus extra module files)."""
    b = os.path.join(build, "bin")
    mods = [os.path.join(b, "init"), os.path.join(b, "libos")]
    mods += [os.path.join(b, s) for s in SERVICES if os.path.exists(os.path.join(b, s))]
    mods.append(os.path.join(build, "initrd.cpio"))
    mods += list(extra)
    return ",".join(mods)


def qemu_command(build, smp=2, mem="512M", append=None, qemu="qemu-system-x86_64",
                 extra_modules=()):
    cmd = [qemu] + accel(qemu) + ["-smp", str(smp), "-m", mem, "-no-reboot",
                                  "-nographic", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                                  "-kernel", os.path.join(build, "kernel.bin"),
                                  "-initrd", modules(build, extra_modules)]
    if append:
        cmd += ["-append", append]
    return cmd


def between(text):
    """The console text a command wrote: after SKIFF-BEGIN, before SKIFF-EXIT,
    with the terminal's CR LF turned back into LF."""
    start = text.find("SKIFF-BEGIN\n")
    if start < 0:
        start = text.find("SKIFF-BEGIN\r\n")
        if start < 0:
            return ""
    body = text[start:].split("\n", 1)[1] if "\n" in text[start:] else ""
    end = body.find("\nSKIFF-EXIT ")
    if end >= 0:
        # init writes "\nSKIFF-EXIT": that first newline is not the command's.
        body = body[:end]
        if body.endswith("\r"):
            body = body[:-1]
    return body.replace("\r\n", "\n")

if __name__ == "__main__":
    # `make run`: the interactive system on this terminal.
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    cmd = qemu_command(build) + ["-serial", "mon:stdio"]
    if os.environ.get("SKIFF_PRINT"):
        print(" ".join(shlex.quote(c) for c in cmd))
        sys.exit(0)
    os.execvp(cmd[0], cmd)
