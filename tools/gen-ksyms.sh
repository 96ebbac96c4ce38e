#!/bin/sh
# Usage: gen-ksyms.sh kernel.elf > ksyms.S
# Emits the kernel's text symbols, sorted by address, as a table in the
# .ksyms section that panic.c searches to symbolize backtraces.
set -e
nm -n "$1" | awk 'BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\"";
	print "\t.globl ksyms, ksyms_count, ksyms_names";
	print "\t.balign 8";
	print "ksyms_count:\t.quad " n;
	print "ksyms:";
	off = 0;
	for (i = 0; i < n; i++) {
		print "\t.quad 0x" addr[i];
		print "\t.long " off ", 0";
		off += length(name[i]) + 1;
	}
	print "ksyms_names:";
	for (i = 0; i < n; i++)
		print "\t.asciz \"" name[i] "\"";
}'
