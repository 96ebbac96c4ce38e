/*
 * Credentials. A credential object is immutable and shared by reference:
 * processes with the same identity point at the same object, and changing
 * a process's identity means pointing it at another object. Receivers of a
 * message get the sender's credential written by the kernel into their
 * UTCB; a sender can never set it.
 */
#ifndef SKIFF_CRED_H
#define SKIFF_CRED_H

#include <stdint.h>

#define SK_NGROUPS	16

struct sk_cred {
	uint32_t ruid, euid, suid;
	uint32_t rgid, egid, sgid;
	uint32_t ngroups;
	uint32_t _pad;
	uint32_t groups[SK_NGROUPS];
};
_Static_assert(sizeof(struct sk_cred) == 96, "sk_cred layout");

#endif
