#!/bin/sh
# Prints the QEMU accelerator options: KVM only when /dev/kvm is writable
# and QEMU can really start a KVM guest; plain TCG with -cpu max otherwise.
qemu=${1:-qemu-system-x86_64}
if [ -w /dev/kvm ] && printf 'quit\n' | timeout 20 "$qemu" -accel kvm -cpu host -smp 1 \
	-m 64M -S -display none -nodefaults -no-reboot -monitor stdio >/dev/null 2>&1; then
	echo "-accel kvm -cpu host"
else
	echo "-accel tcg -cpu max"
fi
