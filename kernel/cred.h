/* Credential objects: immutable, shared by reference. See abi/skiff/cred.h. */
#ifndef KERNEL_CRED_H
#define KERNEL_CRED_H

#include "kernel/object.h"
#include "abi/skiff/cred.h"

struct cred {
	struct kobject obj;
	struct sk_cred c;
};

/* Check and create; SK_E_INVAL names a bad field (ngroups). */
struct cred *cred_create(const struct sk_cred *c, int *err);
extern struct cred *root_cred;

#endif
