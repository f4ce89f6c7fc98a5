/*
** replay.c: runs a fuzz harness over files without libFuzzer, so that the
** test suite replays every corpus (and every crash kept as a regression
** input) in the ordinary and the sanitizer builds.
**
**   fuzz-replay-bundle FILE|DIR...
**
** Prints "ok - harness: N inputs" and exits 0, or dies like the harness.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	strbuf sb;
	sb_init(&sb);
	if (sb_add_stream(&sb, f, 0)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	size_t len = sb.len;
	/* libFuzzer hands the harness its own copy of exactly len bytes */
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, sb.buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	sb_release(&sb);
	return 1;
}

static size_t replay(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	DIR *d = opendir(path);
	size_t count = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		count += replay(sub);
	}
	if (d)
		closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++)
		count += replay(argv[i]);
	printf("ok - %s: %zu inputs replayed\n", argv[0], count);
	return 0;
}
