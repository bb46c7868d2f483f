/*
 * fuzz_replay.c - a plain main() for the fuzz targets: feeds each file named
 * on the command line (or each file in a named directory) to
 * LLVMFuzzerTestOneInput, so make check replays the corpus and the regress
 * inputs without libFuzzer (STYLE Rule 17).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long nrun, nbad;

static void
replay_file(const char *path)
{
	FILE *fp;
	char *data = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		nbad++;
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			if ((data = realloc(data, cap)) == NULL) {
				perror("realloc");
				exit(2);
			}
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	(void)fclose(fp);
	/* An exact-size copy, so a read past the end is caught by ASan. */
	{
		char *exact = malloc(len == 0 ? 1 : len);

		if (exact == NULL)
			exit(2);
		if (len > 0)
			memcpy(exact, data, len);
		(void)LLVMFuzzerTestOneInput((const uint8_t *)exact, len);
		free(exact);
	}
	free(data);
	nrun++;
}

static void
replay_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char sub[4096];

	if (stat(path, &st) == -1)
		return; /* a target may have no regress inputs yet */
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		nbad++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub))
			continue;
		replay_path(sub);
	}
	(void)closedir(d);
}

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		replay_path(argv[i]);
	/* Surviving every input is the check; the targets trap on a broken
	 * invariant, which ends the process before this line. */
	printf("%lu passed, %lu failed\n", nrun, nbad);
	return nbad == 0 ? 0 : 1;
}
