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

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_seal_open)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
