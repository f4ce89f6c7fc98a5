/*
** test_secret.c: ID numbers sealed at rest open only with the right key and
** for the right record; the key file is made 0600 and a loose one refused.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret.h"

static void test_seal_open(void **state)
{
	(void)state;
	char dir[] = "/tmp/tuogou-key-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/key", dir);
	tg_secret_key key, again, other;
	tg_error err;
	assert_int_equal(secret_key_load(path, 1, &key, &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(secret_key_load(path, 0, &again, &err), 0);
	assert_memory_equal(key.k, again.k, sizeof key.k);

	char *sealed, *plain;
	assert_int_equal(secret_seal(&key, "11010519491231002X", "persons/P01", &sealed, &err), 0);
	assert_true(secret_is_sealed(sealed));
	assert_null(strstr(sealed, "1101051949"));
	assert_int_equal(secret_open(&key, sealed, "persons/P01", &plain, &err), 0);
	assert_string_equal(plain, "11010519491231002X");
	free(plain);
	/* another record, another key, a changed byte: refused */
	assert_int_equal(secret_open(&key, sealed, "persons/P02", &plain, &err), TG_EINVAL);
	for (size_t i = 0; i < sizeof other.k; i++)
		other.k[i] = (unsigned char)i;
	assert_int_equal(secret_open(&other, sealed, "persons/P01", &plain, &err), TG_EINVAL);
	sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
	assert_int_equal(secret_open(&key, sealed, "persons/P01", &plain, &err), TG_EINVAL);
	free(sealed);

	chmod(path, 0644);
	assert_int_equal(secret_key_load(path, 0, &again, &err), TG_EINVAL);
	assert_string_equal(err.code, "key_file_mode");
	unlink(path);
	rmdir(dir);
}

/* Sixteen processes creating the key of a fresh database at once (servers
** starting together): every one gets a key, all the same, and nothing but
** the key file is left in the folder. */
static void test_key_race(void **state)
{
	(void)state;
	enum { N = 16 };
	char dir[] = "/tmp/tuogou-key-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/key", dir);
	int fds[N][2], go[2];
	pid_t pids[N];
	assert_int_equal(pipe(go), 0); /* the start line: closed, it frees them all */
	for (int i = 0; i < N; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			tg_secret_key k;
			tg_error err;
			int rc = secret_key_load(path, 1, &k, &err);
			unsigned char msg[1 + sizeof k.k];
			msg[0] = (unsigned char)rc;
			memcpy(msg + 1, k.k, sizeof k.k);
			_exit(write(fds[i][1], msg, sizeof msg) == (ssize_t)sizeof msg ? 0 : 1);
		}
		close(fds[i][1]);
	}
	close(go[0]);
	close(go[1]);
	unsigned char first[32];
	for (int i = 0; i < N; i++) {
		unsigned char msg[33];
		assert_int_equal(read(fds[i][0], msg, sizeof msg), (ssize_t)sizeof msg);
		close(fds[i][0]);
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_int_equal(msg[0], 0); /* TG_OK in every process */
		if (i == 0)
			memcpy(first, msg + 1, sizeof first);
		else
			assert_memory_equal(first, msg + 1, sizeof first);
	}
	tg_secret_key k;
	tg_error err;
	assert_int_equal(secret_key_load(path, 0, &k, &err), 0);
	assert_memory_equal(first, k.k, sizeof first);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = key", dir);
	assert_int_equal(system(cmd), 0); /* no temporary file left */
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_seal_open),
					   cmocka_unit_test(test_key_race)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
