#!/usr/bin/env python3
"""Write the initial ramdisk, a cpio "newc" archive, for Skiff.

    python3 mk/initrd.py OUT BUSYBOX ROOTFS_ETC CMD_DIR TESTS_DIR [SKIFF_TESTS_DIR
        [SERVICE ...]]

Contents: /bin/busybox (Debian's busybox-static, unmodified) and every
applet it lists (`busybox --list-full`) as a hard link to it; /etc from the
repository's rootfs/etc; the musl commands (build/cmd) in /sbin; the Linux
behaviour tests (build/linuxtests) in /usr/lib/skiff-tests; the service
programs named (build/bin/NAME) in /usr/lib/skiff/services, for `svc load`
to load at run time; the usual
directories with their modes and owners. Written directly in Python so that
owners, modes and hard links are exact without root or fakeroot.
"""

import os
import subprocess
import sys

MTIME = 0  # reproducible archives


class Writer:
    def __init__(self, f):
        self.f = f
        self.ino = 1

    def entry(self, name, mode, uid=0, gid=0, data=b"", nlink=1, ino=None):
        name = name.lstrip("/").encode() + b"\0"
        if ino is None:
            ino = self.ino
            self.ino += 1
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, uid, gid, nlink, MTIME, len(data), 0, 0, 0, 0, len(name), 0))
        self.f.write(hdr.encode() + name)
        self.pad()
        self.f.write(data)
        self.pad()

    def pad(self):
        while self.f.tell() % 4:
            self.f.write(b"\0")


def main():
    out, busybox, etc, cmd_dir, tests_dir = sys.argv[1:6]
    skiff_tests = sys.argv[6] if len(sys.argv) > 6 else None
    services = sys.argv[7:]
    applets = subprocess.run([busybox, "--list-full"], capture_output=True, text=True,
                             check=True).stdout.split()
    # Skiff's own commands (build/cmd) take the place of applets of the same name.
    ours = set(os.listdir(cmd_dir)) if os.path.isdir(cmd_dir) else set()
    applets = sorted(set(a for a in applets
                         if a != "bin/busybox" and os.path.basename(a) not in ours))
    dirs = {"bin": 0o755, "sbin": 0o755, "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755,
            "usr/lib": 0o755, "usr/lib/skiff-tests": 0o755, "usr/lib/skiff": 0o755,
            "usr/lib/skiff/services": 0o755, "etc": 0o755, "tmp": 0o1777,
            "root": 0o700, "home": 0o755, "dev": 0o755, "proc": 0o755, "var": 0o755,
            "var/tmp": 0o1777, "mnt": 0o755}
    for a in applets:
        d = os.path.dirname(a)
        while d and d not in dirs:
            dirs[d] = 0o755
            d = os.path.dirname(d)
    with open(busybox, "rb") as f:
        bb = f.read()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        w = Writer(f)
        for d in sorted(dirs):
            w.entry(d, 0o040000 | dirs[d])
        w.entry("home/user", 0o040755, 1000, 1000)
        for name in sorted(os.listdir(etc)):
            with open(os.path.join(etc, name), "rb") as g:
                w.entry("etc/" + name, 0o100644, data=g.read())
        # busybox and its links: one inode, the data with the last entry.
        names = ["bin/busybox"] + applets
        ino = w.ino
        w.ino += 1
        for i, n in enumerate(names):
            w.entry(n, 0o100755, data=bb if i == len(names) - 1 else b"",
                    nlink=len(names), ino=ino)
        for src, dst in ((cmd_dir, "sbin"), (tests_dir, "usr/lib/skiff-tests"),
                         (skiff_tests, "usr/lib/skiff-tests")):
            if src is None or not os.path.isdir(src):
                continue
            for name in sorted(os.listdir(src)):
                with open(os.path.join(src, name), "rb") as g:
                    w.entry(dst + "/" + name, 0o100755, data=g.read())
        for path in services:
            with open(path, "rb") as g:
                w.entry("usr/lib/skiff/services/" + os.path.basename(path), 0o100755,
                        data=g.read())
        w.entry("TRAILER!!!", 0, ino=0)
        while f.tell() % 512:
            f.write(b"\0")
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
