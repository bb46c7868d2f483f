/*
 * form_file.c - uploads: temp files, reading back, saving (form_file.h).
 */
#include "form_file.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/*
 * An unlinked, close-on-exec, 0600 temp file in dir (L-API-13): O_TMPFILE
 * never has a name at all; where the file system lacks it, mkostemp and an
 * immediate unlink leave a name for a moment only.
 */
int
form_file_tmp_open(const char *dir, bool *tmpfile)
{
	struct buf path;
	int fd, saved;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*tmpfile = true;
		return fd;
	}
	*tmpfile = false;
	buf_init(&path, 4096);
	if (buf_printf(&path, "%s/libcgi-upload-XXXXXX", dir) == -1)
		return -1;
	if ((fd = mkostemp(path.data, O_CLOEXEC)) >= 0 &&
	    unlink(path.data) == -1) {
		saved = errno;
		(void)close(fd);
		fd = -1;
		errno = saved;
	}
	buf_fini(&path);
	return fd;
}

int
form_file_write_all(int fd, const char *p, size_t n)
{
	return form_file_write2(fd, p, n, "", 0);
}

int
form_file_write2(int fd, const char *a, size_t na, const char *b, size_t nb)
{
	struct iovec iov[2] = { { (void *)(uintptr_t)a, na },
		{ (void *)(uintptr_t)b, nb } };
	struct iovec *v = iov;
	int cnt = 2;
	ssize_t w;
	size_t k;

	while (cnt > 0 && v->iov_len == 0) {
		v++;
		cnt--;
	}
	while (cnt > 0) {
		w = writev(fd, v, cnt);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		for (k = (size_t)w; cnt > 0 && k >= v->iov_len; cnt--, v++)
			k -= v->iov_len;
		if (cnt > 0) {
			v->iov_base = (char *)v->iov_base + k;
			v->iov_len -= k;
		}
	}
	return 0;
}

bool
form_file_chosen(const struct form_file *file)
{
	return file->size > 0 || file->raw_filename_len > 0;
}

ssize_t
form_file_read(const struct form_file *file, uint64_t off, void *buf, size_t n)
{
	ssize_t got;

	if (file->fd < 0) {
		if (off >= file->size)
			return 0;
		if (n > file->size - off)
			n = (size_t)(file->size - off);
		memcpy(buf, file->data + off, n);
		return (ssize_t)n;
	}
	if (off > INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	do
		got = pread(file->fd, buf, n, (off_t)off);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Copies the upload into a new file at path. 0, or -1 with errno. */
static int
save_copy(const struct form_file *file, const char *path)
{
	char chunk[16384];
	uint64_t off = 0;
	ssize_t got;
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < file->size) {
		got = form_file_read(file, off, chunk, sizeof(chunk));
		if (got <= 0) {
			if (got == 0)
				errno = EIO; /* the file shrank under us */
			goto fail;
		}
		if (form_file_write_all(fd, chunk, (size_t)got) == -1)
			goto fail;
		off += (uint64_t)got;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(path);
	errno = saved;
	return -1;
}

int
form_file_save(const struct form_file *file, const char *path)
{
	char proc[64];
	int n;

	if (file->fd >= 0 && file->tmpfile) {
		/* open(2): an O_TMPFILE without O_EXCL may be linked in. */
		n = snprintf(proc, sizeof(proc), "/proc/self/fd/%d", file->fd);
		if (n > 0 && (size_t)n < sizeof(proc) &&
		    linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) ==
		        0)
			return 0;
		if (errno == EEXIST)
			return -1;
	}
	return save_copy(file, path);
}
