/* harness.h: a very small test harness. Each check prints "name... ok" or
 * "name... FAIL" with the reason; tk_test_end prints "N passed, N failed"
 * and gives the exit status. */
#ifndef TK_HARNESS_H
#define TK_HARNESS_H

#include <stdio.h>
#include <string.h>

static int tk_passed, tk_failed;

static __attribute__((unused)) void
tk_check(const char *name, int ok, const char *why)
{
	if (ok) {
		tk_passed++;
		printf("%s... ok\n", name);
	} else {
		tk_failed++;
		printf("%s... FAIL\n%s%s", name, why ? why : "", why ? "\n" : "");
	}
}

/* Checks that got equals want, showing both when not. */
static __attribute__((unused)) void
tk_check_str(const char *name, const char *got, const char *want)
{
	int ok = got && want && strcmp(got, want) == 0;

	if (!ok)
		printf("  want: %s\n  got:  %s\n", want ? want : "(null)", got ? got : "(null)");
	tk_check(name, ok, NULL);
}

/* Checks that haystack contains needle. */
static __attribute__((unused)) void
tk_check_has(const char *name, const char *haystack, const char *needle)
{
	int ok = haystack && needle && strstr(haystack, needle) != NULL;

	if (!ok)
		printf("  want a line with: %s\n  got:\n%s\n", needle, haystack ? haystack : "(null)");
	tk_check(name, ok, NULL);
}

static int
tk_test_end(void)
{
	printf("%d passed, %d failed\n", tk_passed, tk_failed);
	return tk_failed ? 1 : 0;
}

#endif
