/*
 * Permission rules of the name space and of open files, on the kernel-
 * attested credential (abi/skiff/cred.h) and a file's attributes. Used by
 * vfs for path operations and by libfs for requests on open files. Pure
 * functions: no system calls, so the host tests run them directly.
 */
#ifndef LIB_FS_PERM_H
#define LIB_FS_PERM_H

#include <stdint.h>
#include "abi/skiff/cred.h"
#include "abi/skiff/proto/io.h"

#define PERM_R	4
#define PERM_W	2
#define PERM_X	1

/* Whether c is in group g (its effective gid or a supplementary group). */
int perm_in_group(const struct sk_cred *c, uint32_t g);

/*
 * Whether c may access a file with attributes st for want (PERM_R|W|X),
 * as access(2) decides: with the effective ids, or the real ids when
 * use_real is set. Root may read and write anything and execute anything
 * that has an execute bit (directories: always search).
 */
int perm_may(const struct sk_cred *c, const struct io_stat *st, int want, int use_real);

/*
 * Whether c may remove or rename the entry for victim in directory dir
 * (it must already be allowed to write and search dir): the sticky bit
 * limits it to the owner of the entry or of the directory, or root.
 */
int perm_may_delete(const struct sk_cred *c, const struct io_stat *dir,
    const struct io_stat *victim);

/*
 * Check a setattr request against c and the current attributes st.
 * Returns SK_OK or the SK_E_* error (SK_E_PERM or SK_E_ACCESS) and may
 * clear the set-group-ID bit from sa->mode as chmod(2) does for a caller
 * outside the file's group. Size changes need write permission, which
 * the caller checks for path-based truncate and by the open mode for
 * ftruncate; here IO_SET_SIZE is only refused on directories.
 */
int perm_setattr(const struct sk_cred *c, const struct io_stat *st, struct io_setattr *sa);

#endif
