/*
** test_collate.c: names in pinyin order (collate.c, ICU's
** zh@collation=pinyin), where GB18030's byte order, used before, was wrong:
** characters outside GB2312's first level (亳, 鄢, 濮) sorted after every
** common one; and keys compare with memcmp, shorter first.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "collate.h"

static int cmp_names(const char *x, const char *y)
{
	size_t nx, ny;
	unsigned char *kx = collate_name_key(x, &nx), *ky = collate_name_key(y, &ny);
	assert_non_null(kx);
	assert_non_null(ky);
	int c = memcmp(kx, ky, nx < ny ? nx : ny);
	if (!c)
		c = nx < ny ? -1 : nx > ny;
	free(kx);
	free(ky);
	return c;
}

/* Each name sorts before the next. */
static void in_order(const char *const *names)
{
	for (size_t i = 0; names[i + 1]; i++)
		if (cmp_names(names[i], names[i + 1]) >= 0)
			fail_msg("%s should sort before %s", names[i], names[i + 1]);
}

static void pinyin_order(void **state)
{
	(void)state;
	/* bái < bó (亳, GB2312 level 2) < cái; pú (濮) < yān (鄢) < zhōng */
	static const char *const names[] = {"白酒协会", "亳州商会", "才艺协会", "濮阳商会",
					    "鄢陵协会", "中国协会", NULL};
	in_order(names);
	/* the city prefix shared, the next character decides */
	static const char *const luoyang[] = {"洛阳市安全协会", "洛阳市建筑业协会",
					      "洛阳市旅游协会", "洛阳市物流协会", NULL};
	in_order(luoyang);
}

static void prefix_and_edges(void **state)
{
	(void)state;
	assert_true(cmp_names("洛阳", "洛阳市") < 0); /* a prefix first */
	assert_int_equal(cmp_names("洛阳市", "洛阳市"), 0);
	size_t n = 99;
	unsigned char *k = collate_name_key(NULL, &n); /* no name: the empty one */
	assert_non_null(k);
	size_t n2 = 99;
	unsigned char *k2 = collate_name_key("", &n2);
	assert_int_equal(n, n2);
	free(k);
	free(k2);
	assert_true(cmp_names("", "阿") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pinyin_order),
		cmocka_unit_test(prefix_and_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
