/*
 * test_form_file.c - uploads' file side: temp files are unlinked, 0600 and
 * close-on-exec (L-API-13); reads at any offset from memory and from a
 * file; saving links an O_TMPFILE and copies otherwise, never overwrites,
 * and leaves the upload readable.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form_file.h"
#include "harness.h"

static const char content[] = "0123456789abcdef";

static const struct {
	const char *name;
	uint64_t off;
	size_t n;
	const char *want;
} reads[] = {
	{ "read all", 0, 64, "0123456789abcdef" },
	{ "read middle", 3, 4, "3456" },
	{ "read tail", 14, 10, "ef" },
	{ "read at end", 16, 4, "" },
	{ "read past end", 99, 4, "" },
};

static void
check_reads(const char *what, const struct form_file *file)
{
	char got[64];
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		n = form_file_read(file, reads[i].off, got, reads[i].n);
		CHECK(what, n >= 0);
		CHECK_MEM(reads[i].name, got, n < 0 ? 0 : (size_t)n,
		    reads[i].want, strlen(reads[i].want));
	}
}

static void
check_saved(const char *what, const char *path)
{
	char got[64];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(what, fd >= 0);
	if (fd < 0)
		return;
	n = read(fd, got, sizeof(got));
	CHECK_MEM(what, got, n < 0 ? 0 : (size_t)n, content, 16);
	CHECK(what,
	    fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	        st.st_nlink == 1);
	(void)close(fd);
}

int
main(void)
{
	struct form_file mem = { 0 }, onfile = { 0 };
	struct stat st;
	char dir[] = "/tmp/test_form_file.XXXXXX", path[128];
	bool tmpfile;
	int fl;

	if (mkdtemp(dir) == NULL)
		return 2;
	mem.data = content;
	mem.size = 16;
	mem.fd = -1;
	check_reads("memory", &mem);
	CHECK("chosen by content", form_file_chosen(&mem));
	mem.size = 0;
	CHECK("no file chosen", !form_file_chosen(&mem));
	mem.raw_filename_len = 1;
	CHECK("chosen by name", form_file_chosen(&mem));
	mem.size = 16;

	onfile.fd = form_file_tmp_open(dir, &tmpfile);
	onfile.tmpfile = tmpfile;
	onfile.size = 16;
	CHECK("L-API-13 temp file", onfile.fd >= 0);
	if (onfile.fd < 0)
		return harness_done();
	CHECK("L-API-13 unlinked, 0600",
	    fstat(onfile.fd, &st) == 0 && st.st_nlink == 0 &&
	        (st.st_mode & 0777) == 0600);
	fl = fcntl(onfile.fd, F_GETFD);
	CHECK("L-API-13 close-on-exec", fl >= 0 && (fl & FD_CLOEXEC) != 0);
	CHECK_INT("write_all", form_file_write_all(onfile.fd, content, 16), 0);
	check_reads("file", &onfile);

	/* Save: a link where O_TMPFILE allows it, a copy otherwise. */
	if (snprintf(path, sizeof(path), "%s/linked", dir) >= 100)
		return 2;
	CHECK_INT("save", form_file_save(&onfile, path), 0);
	check_saved("saved", path);
	CHECK_INT("save never overwrites", form_file_save(&onfile, path), -1);
	CHECK_INT("save EEXIST", errno, EEXIST);
	check_reads("still readable", &onfile);
	(void)unlink(path);
	onfile.tmpfile = false; /* as after the mkostemp fallback */
	if (snprintf(path, sizeof(path), "%s/copied", dir) >= 100)
		return 2;
	CHECK_INT("save by copy", form_file_save(&onfile, path), 0);
	check_saved("copied", path);
	CHECK_INT("copy never overwrites", form_file_save(&onfile, path), -1);
	CHECK_INT("copy EEXIST", errno, EEXIST);
	(void)unlink(path);
	if (snprintf(path, sizeof(path), "%s/frommem", dir) >= 100)
		return 2;
	CHECK_INT("save from memory", form_file_save(&mem, path), 0);
	check_saved("from memory", path);
	(void)unlink(path);
	if (snprintf(path, sizeof(path), "%s/no/such/dir", dir) >= 100)
		return 2;
	CHECK_INT("save into a missing directory", form_file_save(&mem, path),
	    -1);
	CHECK_INT("missing directory ENOENT", errno, ENOENT);
	CHECK_INT("tmp_open bad dir", form_file_tmp_open(path, &tmpfile), -1);
	(void)close(onfile.fd);
	CHECK_INT("clean up", rmdir(dir), 0);
	return harness_done();
}
