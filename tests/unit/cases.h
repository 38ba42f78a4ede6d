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

/* The day engine's cases (test_day, test_divergence) share their event
 * lines: "event TIME OP ACCOUNT HOST" (TIME ISO 8601, its offset the
 * zone). Accounts and streams (account@host) become small numbers, the
 * same name the same number within one case. */
#include <stdio.h>

#include "core/day.h"

#define CASES_NAMES_MAX 128
typedef struct cases_names {
    char v[CASES_NAMES_MAX][32];
    size_t n;
} cases_names;

typedef struct cases_events {
    cases_names streams, accounts;
} cases_events;

/* A case file opened for reading, and its event names (free both); fails
 * the test when the file cannot be opened. */
FILE *cases_open(const char *path, cases_events **names);

/* The line as ev (its id left as it was; host, when not NULL, gets the
 * host's name); 0 when the line is not an event line. Fails the test on a
 * bad time. */
int cases_day_event(const char *line, cases_events *names, day_event *ev, char host[32]);

#endif
