#!/bin/sh
# Installs the Debian packages the build and the tests need when they are
# missing (as root, with apt-get), or says exactly which to install.
set -e
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have gcc || need="$need gcc"
have make || need="$need make"
have ld || need="$need binutils"
have qemu-system-x86_64 || need="$need qemu-system-x86"
have python3 || need="$need python3"
have grub-mkrescue || need="$need grub-common"
[ -d /usr/lib/grub/i386-pc ] || need="$need grub-pc-bin"
have xorriso || need="$need xorriso"
have mformat || need="$need mtools"
have musl-gcc || need="$need musl-tools"
have cpio || need="$need cpio"
have mke2fs || need="$need e2fsprogs"
[ -z "$need" ] && exit 0
echo "deps: missing Debian packages:$need"
if [ "$(id -u)" = 0 ] && have apt-get; then
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
	echo "deps: installed:$need"
else
	echo "deps: run as root: apt-get install$need" >&2
	exit 1
fi
