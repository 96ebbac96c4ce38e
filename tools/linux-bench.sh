#!/bin/sh
# The Linux side of `make bench` (`make linux-bench`; see docs/bench.md).
#
# Into $CACHE/linux (git-ignored; nothing here is ever committed):
#   1. Debian's cloud kernel: the metapackage linux-image-cloud-amd64 is
#      resolved to the real linux-image-<abi>-cloud-amd64 package, which is
#      fetched with `apt-get download` and unpacked with `dpkg-deb -x`; only
#      vmlinuz (and its config, for reference) is kept.  Once fetched it is
#      reused until the cache is removed, so the figures do not change under
#      the feet of a comparison when the archive moves on.
#   2. tests/bench/linux/lbench.c built with `musl-gcc -static -O2` as /init
#      of a one-file initramfs (cpio newc, gzip).
#   3. One boot under `-icount shift=0` with a time-out; the `linux <name> <n>`
#      lines go to bench.txt, the `linux-config ...` lines to config.txt, the
#      whole serial log to boot.log.  The result is keyed by a hash of
#      lbench.c, the kernel version and the QEMU command line, so a second
#      run just prints the cached figures.
#
# Environment: CACHE (default cache), QEMU (qemu-system-x86_64),
# LINUX_BENCH_SMP (1; see lbench.c on why), LINUX_BENCH_TIMEOUT (300 s).
set -eu

cd "$(dirname "$0")/.."
CACHE=${CACHE:-cache}
QEMU=${QEMU:-qemu-system-x86_64}
SMP=${LINUX_BENCH_SMP:-1}
TIMEOUT=${LINUX_BENCH_TIMEOUT:-300}
SRC=tests/bench/linux/lbench.c
C=$CACHE/linux
META=linux-image-cloud-amd64
NAMES="null_syscall ipc_roundtrip ipc_roundtrip_4k notify_wait page_fault as_clone"

mkdir -p "$C"
say() { echo "linux-bench: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- host tools ----------------------------------------------------------
need=""
have musl-gcc || need="$need musl-tools"
have cpio || need="$need cpio"
have gzip || need="$need gzip"
have "$QEMU" || need="$need qemu-system-x86"
have dpkg-deb && have apt-get && have apt-cache || { say "needs a Debian host (apt-get, dpkg-deb)"; exit 1; }
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		say "installing:$need"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null 2>&1 || {
			apt-get update -qq >/dev/null
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
		}
	else
		say "run as root: apt-get install$need"; exit 1
	fi
fi

# ---- the kernel ------------------------------------------------------------
# Name of the real image package the metapackage depends on (empty when apt
# has no package lists).
real_pkg() {
	apt-cache depends "$META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -n 1
}

if [ ! -s "$C/vmlinuz" ] || [ ! -s "$C/kernel-version" ]; then
	pkg=$(real_pkg)
	dl=$C/dl
	rm -rf "$dl" && mkdir -p "$dl"
	# The download directory is root's; apt would warn that its sandbox user
	# cannot write there and fetch unsandboxed, which is harmless here.
	fetch() {
		[ -n "$pkg" ] || return 1
		(cd "$dl" && apt-get download -q "$pkg") >"$C/apt.log" 2>&1 || true
		grep -v 'unsandboxed' "$C/apt.log" >&2 || true
		ls "$dl"/*.deb >/dev/null 2>&1
	}
	if ! fetch; then
		say "apt-get download failed; refreshing package lists (apt-get update)"
		apt-get update -qq >/dev/null
		pkg=$(real_pkg)
		[ -n "$pkg" ] || { say "cannot resolve $META to a linux-image package"; exit 1; }
		fetch || { say "apt-get download $pkg failed"; exit 1; }
	fi
	deb=$(ls "$dl"/*.deb | head -n 1)
	say "unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$dl/x"
	vmlinuz=$(ls "$dl"/x/boot/vmlinuz-* | head -n 1)
	cp "$vmlinuz" "$C/vmlinuz"
	cp "$dl"/x/boot/config-* "$C/kernel-config" 2>/dev/null || true
	echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" > "$C/kernel-version"
	rm -rf "$dl" "$C/apt.log"
fi
kver=$(cat "$C/kernel-version")

# ---- the initramfs ---------------------------------------------------------
# Rebuilt every time (well under a second); the binary is reproducible.
musl-gcc -static -O2 -Wall -Wextra -o "$C/lbench" "$SRC"
musl-gcc -static -O2 -Wall -o "$C/pbench" tests/bench/posix/pbench.c
rm -rf "$C/root" && mkdir -p "$C/root"
cp "$C/lbench" "$C/root/init"
cp "$C/pbench" "$C/root/pbench"
(cd "$C/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n > "$C/initramfs.cpio.gz"
rm -rf "$C/root"

# ---- the boot --------------------------------------------------------------
QARGS="-accel tcg -cpu max -icount shift=0 -smp $SMP -m 512M -nographic -no-reboot -nic none"
# norandmaps: user address-space randomisation changes page-table shapes from
# boot to boot, which moved as_clone by up to 4% between boots; without it
# every figure repeats within about 0.1%.
APPEND="console=ttyS0 quiet panic=-1 norandmaps"
key=$( { cat "$SRC" tests/bench/posix/pbench.c; echo "$kver"; echo "$QARGS"; echo "$APPEND"; } | sha256sum | cut -d' ' -f1)

if [ -s "$C/bench.txt" ] && [ "$(cat "$C/bench.key" 2>/dev/null)" = "$key" ]; then
	say "cached figures ($kver; rm -rf $C to measure again)"
else
	say "booting $kver under -icount shift=0, smp=$SMP (time-out ${TIMEOUT}s)"
	rm -f "$C/bench.key"
	start=$(date +%s)
	rc=0
	timeout "$TIMEOUT" "$QEMU" $QARGS -kernel "$C/vmlinuz" \
		-initrd "$C/initramfs.cpio.gz" -append "$APPEND" \
		</dev/null >"$C/boot.log" 2>&1 || rc=$?
	say "QEMU exited ($rc) after $(( $(date +%s) - start ))s of wall time"
	# Console lines end in CR LF and the first may follow firmware escapes.
	tr -d '\r' <"$C/boot.log" | sed -n 's/^.*\(linux [a-z0-9_]\{1,\} [0-9]\{1,\}\)$/\1/p' >"$C/bench.new"
	tr -d '\r' <"$C/boot.log" | sed -n 's/^.*\(linux-config [^ ]*\)$/\1/p' >"$C/config.new"
	tr -d '\r' <"$C/boot.log" | sed -n 's/^.*\(posix [a-z0-9_]\{1,\} [0-9]\{1,\}\)$/\1/p' >"$C/posix.new"
	# Boot time to the first program under plain TCG, in wall-clock ms.
	bstart=$(date +%s%N)
	timeout "$TIMEOUT" "$QEMU" -accel tcg -cpu max -smp $SMP -m 512M -nographic -no-reboot -nic none \
		-kernel "$C/vmlinuz" -initrd "$C/initramfs.cpio.gz" -append "$APPEND boot_only" \
		</dev/null 2>&1 | grep -q -m1 "linux-booted" || true
	echo "posix boot_ms $(( ($(date +%s%N) - bstart) / 1000000 ))" >>"$C/posix.new"
	ok=1
	for n in $NAMES; do
		grep -q "^linux $n [0-9]*$" "$C/bench.new" || { say "no figure for $n"; ok=0; }
	done
	grep -q 'linux-done' "$C/boot.log" || { say "lbench did not finish"; ok=0; }
	if [ $ok = 0 ]; then
		say "failed; last lines of $C/boot.log:"
		tail -n 20 "$C/boot.log" | tr -d '\r' >&2
		rm -f "$C/bench.new" "$C/config.new"
		exit 1
	fi
	echo "linux-config package=$(echo "$kver" | tr ' ' '_')" >>"$C/config.new"
	echo "linux-config qemu=tcg,cpu=max,icount=shift=0,smp=$SMP,m=512M" >>"$C/config.new"
	mv "$C/config.new" "$C/config.txt"
	mv "$C/bench.new" "$C/bench.txt"
	mv "$C/posix.new" "$C/posix.txt"
	echo "$key" >"$C/bench.key"
fi
cat "$C/config.txt" "$C/bench.txt"
