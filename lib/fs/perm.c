/*
 * Permission rules (see perm.h).
 */
#include "lib/fs/perm.h"
#include "abi/skiff/errors.h"

int
perm_in_group(const struct sk_cred *c, uint32_t g)
{
	if (c->egid == g)
		return 1;
	for (uint32_t i = 0; i < c->ngroups && i < SK_NGROUPS; i++)
		if (c->groups[i] == g)
			return 1;
	return 0;
}

int
perm_may(const struct sk_cred *c, const struct io_stat *st, int want, int use_real)
{
	uint32_t uid = use_real ? c->ruid : c->euid;
	uint32_t bits;

	if (uid == 0) {
		if (!(want & PERM_X) || (st->mode & IO_S_IFMT) == IO_S_IFDIR)
			return 1;
		return (st->mode & 0111) != 0;
	}
	if (st->uid == uid)
		bits = (st->mode >> 6) & 7;
	else if (use_real ? (c->rgid == st->gid || perm_in_group(c, st->gid)) :
	    perm_in_group(c, st->gid))
		bits = (st->mode >> 3) & 7;
	else
		bits = st->mode & 7;
	return ((int)bits & want) == want;
}

int
perm_may_delete(const struct sk_cred *c, const struct io_stat *dir,
    const struct io_stat *victim)
{
	if (!(dir->mode & IO_S_ISVTX) || c->euid == 0)
		return 1;
	return c->euid == victim->uid || c->euid == dir->uid;
}

int
perm_setattr(const struct sk_cred *c, const struct io_stat *st, struct io_setattr *sa)
{
	int owner = c->euid == 0 || c->euid == st->uid;

	if ((sa->mask & IO_SET_SIZE) && (st->mode & IO_S_IFMT) == IO_S_IFDIR)
		return SK_E_ISDIR;
	if (sa->mask & IO_SET_MODE) {
		if (!owner)
			return SK_E_PERM;
		if (c->euid != 0 && !perm_in_group(c, (sa->mask & IO_SET_GID) ? sa->gid : st->gid))
			sa->mode &= ~(uint32_t)IO_S_ISGID;
	}
	if (sa->mask & IO_SET_UID) {
		/* Only root gives a file away; chown to oneself is a no-op. */
		if (c->euid != 0 && sa->uid != st->uid)
			return SK_E_PERM;
	}
	if (sa->mask & IO_SET_GID) {
		/* The owner may pick any group it is in. */
		if (c->euid != 0 && (!owner || (sa->gid != st->gid && !perm_in_group(c, sa->gid))))
			return SK_E_PERM;
	}
	if (sa->mask & (IO_SET_ATIME | IO_SET_MTIME)) {
		/* Explicit times: owner or root. */
		if (!owner)
			return SK_E_PERM;
	} else if (sa->mask & (IO_SET_ATIME_NOW | IO_SET_MTIME_NOW)) {
		/* "Now": also anyone who may write the file. */
		if (!owner && !perm_may(c, st, PERM_W, 0))
			return SK_E_ACCESS;
	}
	return SK_OK;
}
