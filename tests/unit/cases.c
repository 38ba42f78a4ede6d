/*
 * cases — folder of case files -> cmocka tests (see cases.h).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cases.h"
#include "util/timefmt.h"

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cases_run(const char *group, const char *dir, const char *suffix,
              void (*fn)(void **state), const struct CMUnitTest *extra, size_t nextra)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **paths = NULL;
    size_t n = 0, sl = strlen(suffix);
    struct CMUnitTest *tests;
    int rc;

    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 1;
    }
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        char **grown;
        if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
            continue;
        grown = realloc(paths, (n + 1) * sizeof *paths);
        if (!grown)
            abort();
        paths = grown;
        paths[n] = malloc(strlen(dir) + l + 2);
        if (!paths[n])
            abort();
        snprintf(paths[n], strlen(dir) + l + 2, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "no *%s cases in %s\n", suffix, dir);
        return 1;
    }
    qsort(paths, n, sizeof *paths, cmp_name);
    tests = calloc(n + nextra, sizeof *tests);
    if (!tests)
        abort();
    for (size_t i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest){strrchr(paths[i], '/') + 1, fn, NULL, NULL, paths[i]};
    for (size_t i = 0; i < nextra; i++)
        tests[n + i] = extra[i];
    rc = _cmocka_run_group_tests(group, tests, n + nextra, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(tests);
    return rc;
}

char *cases_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t n = 0, cap = 0, r;
    if (!f)
        fail_msg("cannot open %s", path);
    do {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        r = fread(data + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

static int64_t intern(cases_names *names, const char *s)
{
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->v[i], s) == 0)
            return (int64_t)i + 1;
    assert_true(names->n < CASES_NAMES_MAX);
    snprintf(names->v[names->n], sizeof names->v[0], "%s", s);
    return (int64_t)++names->n;
}

FILE *cases_open(const char *path, cases_events **names)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    *names = calloc(1, sizeof **names);
    assert_non_null(*names);
    return f;
}

int cases_day_event(const char *line, cases_events *names, day_event *ev, char host[32])
{
    char t[64], op[64], account[64], h[64], key[130];
    int off;
    if (sscanf(line, "event %63s %63s %63s %63s", t, op, account, h) != 4)
        return 0;
    assert_int_equal(tf_parse_iso(t, &ev->utc, &off, NULL), LR_OK);
    ev->local = ev->utc + off;
    ev->op = strcmp(op, "logon") == 0 ? DAY_LOGON : DAY_LOGOFF;
    snprintf(key, sizeof key, "%s@%s", account, h);
    ev->stream = intern(&names->streams, key);
    ev->account = intern(&names->accounts, account);
    if (host)
        snprintf(host, 32, "%s", h);
    return 1;
}
