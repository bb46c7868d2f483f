/*
 * form_file.h - uploads of the form store (form.h): where their content
 * lives (memory or an unlinked temp file), reading it back, and saving it.
 *
 * form.c fills struct form_file while it parses a multipart body; this
 * module holds the file-system side, so the parsing side stays small.
 */
#ifndef LIB_FORM_FILE_H
#define LIB_FORM_FILE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An upload: a multipart part with a filename parameter. */
struct form_file {
	const char *filename; /* sanitised basename, NUL-terminated; "" when
	                         nothing safe is left */
	size_t filename_len;
	const char *raw_filename; /* as sent (\" \\ decoded only) */
	size_t raw_filename_len;
	const char *content_type; /* as sent, "" if the part had none */
	uint64_t size;            /* content bytes */
	const char *data; /* content when in memory (fd == -1), else NULL */
	int fd;           /* unlinked temp file, O_CLOEXEC, mode 0600, or -1 */
	bool tmpfile;     /* fd came from O_TMPFILE (linkat possible) */
};

/*
 * True if the upload holds a chosen file: a part with filename="" and no
 * content is how browsers send "no file chosen" (L-MP-13).
 */
bool form_file_chosen(const struct form_file *file);

/*
 * Stores the upload's content at path (borrowed), which must not exist
 * (O_EXCL semantics: EEXIST), mode 0600: linkat of the O_TMPFILE when
 * possible, otherwise a copy. The upload stays readable. 0, or -1 with
 * errno. The path is the program's choice: never derive it from
 * raw_filename.
 */
int form_file_save(const struct form_file *file, const char *path);

/*
 * Reads up to n bytes of the upload from offset off into buf (memory or
 * pread on the fd). Returns the count (0 at the end), or -1 with errno.
 */
ssize_t form_file_read(const struct form_file *file, uint64_t off, void *buf,
    size_t n);

/*
 * An unlinked, close-on-exec, mode 0600 temp file in dir (borrowed):
 * O_TMPFILE where the file system has it (*tmpfile set true), else
 * mkostemp and an immediate unlink. The fd, or -1 with errno.
 */
int form_file_tmp_open(const char *dir, bool *tmpfile);

/* Writes all n bytes of p to fd, retrying EINTR. 0, or -1 with errno. */
int form_file_write_all(int fd, const char *p, size_t n);

/*
 * Writes a[0..na) then b[0..nb) to fd with one writev(2) where it takes
 * both, retrying EINTR and short writes. 0, or -1 with errno.
 */
int form_file_write2(int fd, const char *a, size_t na, const char *b,
    size_t nb);

#endif /* LIB_FORM_FILE_H */
