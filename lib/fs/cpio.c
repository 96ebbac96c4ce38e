/*
 * cpio newc: a 110-byte header of "070701" and 13 fields of 8 hex digits,
 * the name (namesize bytes with its NUL), padding to 4 bytes, the data,
 * padding to 4 bytes. The last entry is named "TRAILER!!!".
 */
#include "lib/fs/cpio.h"

#define HDR	110

static int
hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static size_t
pad4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

int
cpio_next(const void *a, size_t len, size_t *off, struct cpio_entry *e)
{
	const char *p = (const char *)a + *off;
	uint32_t f[13], namesize;
	size_t name_end, data_end;

	if (*off > len || len - *off < HDR)
		return CPIO_TRUNCATED;
	if (p[0] != '0' || p[1] != '7' || p[2] != '0' || p[3] != '7' || p[4] != '0' ||
	    (p[5] != '1' && p[5] != '2'))
		return CPIO_BADMAGIC;
	for (int i = 0; i < 13; i++)
		if (hex8(p + 6 + 8 * i, &f[i]) < 0)
			return CPIO_BADFIELD;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->size = f[6];
	e->devmajor = f[7];
	e->devminor = f[8];
	e->rdevmajor = f[9];
	e->rdevminor = f[10];
	namesize = f[11];
	if (namesize < 2)
		return CPIO_BADNAME;
	if (namesize > len - *off - HDR)
		return CPIO_TRUNCATED;
	name_end = *off + HDR + namesize;
	if (((const char *)a)[name_end - 1] != '\0')
		return CPIO_BADNAME;
	e->name = p + HDR;
	e->namelen = namesize - 1;
	for (uint32_t i = 0; i < e->namelen; i++)
		if (e->name[i] == '\0')
			return CPIO_BADNAME;
	if (pad4(name_end) > len)
		return CPIO_TRUNCATED;
	e->data = (const char *)a + pad4(name_end);
	if (e->size > len - pad4(name_end))
		return CPIO_TRUNCATED;
	data_end = pad4(name_end) + e->size;
	*off = pad4(data_end) <= len ? pad4(data_end) : len;
	if (e->namelen == 10 && e->name[0] == 'T' && e->name[1] == 'R' && e->name[2] == 'A' &&
	    e->name[3] == 'I' && e->name[4] == 'L' && e->name[5] == 'E' && e->name[6] == 'R' &&
	    e->name[7] == '!' && e->name[8] == '!' && e->name[9] == '!')
		return CPIO_END;
	return CPIO_OK;
}

const char *
cpio_strerror(int err)
{
	switch (err) {
	case CPIO_OK:		return "ok";
	case CPIO_END:		return "end of archive";
	case CPIO_TRUNCATED:	return "truncated archive";
	case CPIO_BADMAGIC:	return "not a newc cpio header";
	case CPIO_BADFIELD:	return "bad header field";
	case CPIO_BADNAME:	return "bad file name";
	default:		return "unknown error";
	}
}
