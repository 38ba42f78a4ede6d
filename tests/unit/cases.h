/*
 * cases — the data-driven test runner's plumbing: every file with a given
 * suffix in a folder becomes one cmocka test, named after the file.
 */
#ifndef LR_TESTS_CASES_H
#define LR_TESTS_CASES_H

#include <stddef.h>

/* Runs `fn` once per file ending in `suffix` in dir (sorted by name; the
 * test's state is the path), then the `extra` tests; returns cmocka's
 * result. */
struct CMUnitTest;
int cases_run(const char *group, const char *dir, const char *suffix,
              void (*fn)(void **state), const struct CMUnitTest *extra, size_t nextra);

/* Whole file, NUL-terminated; caller frees. Fails the test when missing. */
char *cases_read(const char *path, size_t *len);

#endif
