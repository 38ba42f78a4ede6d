/*
 * test_csv — the CSV reader against every case in tests/cases/csv/: NAME.csv
 * is the input (bytes as a file would hold them), NAME.expect the records,
 * one JSON array of strings per line, or a single line
 *   error LINE:COLUMN MESSAGE-PREFIX
 * when reading must fail there. Plus the writer's quoting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cases.h"
#include "util/csv.h"

static void run_case(void **state)
{
    const char *path = *state;
    char expect_path[600];
    size_t n;
    char *in = cases_read(path, &n), *exp, *line, *save = NULL;
    csv_reader r;
    lr_error err;
    lr_status st;
    long lineno = 0;

    snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(path) - 4), path);
    exp = cases_read(expect_path, NULL);
    csv_reader_init(&r, "case.csv", in, n);
    for (line = strtok_r(exp, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        lr_error_clear(&err);
        st = csv_reader_next(&r, &err);
        if (strncmp(line, "error ", 6) == 0) {
            long el, ec;
            int used = 0;
            assert_int_equal(sscanf(line + 6, "%ld:%ld %n", &el, &ec, &used), 2);
            if (st == LR_OK)
                fail_msg("%s: expected an error, read a record of %zu fields", path, r.nfields);
            assert_int_equal(st, LR_EINVAL);
            assert_int_equal(err.line, el);
            assert_int_equal(err.column, ec);
            assert_string_equal(err.file, "case.csv");
            if (strncmp(err.message, line + 6 + used, strlen(line + 6 + used)) != 0)
                fail_msg("message '%s' does not start with '%s'", err.message, line + 6 + used);
            break;
        }
        json_error_t je;
        json_t *want = json_loads(line, 0, &je);
        if (!want)
            fail_msg("%s line %ld: %s", expect_path, lineno, je.text);
        if (st != LR_OK)
            fail_msg("%s: record %ld: %s", path, lineno, err.message);
        assert_int_equal(r.nfields, json_array_size(want));
        for (size_t i = 0; i < r.nfields; i++) {
            const char *w = json_string_value(json_array_get(want, i));
            assert_int_equal(r.fields[i].len, strlen(w));
            assert_string_equal(r.fields[i].s, w);
        }
        json_decref(want);
    }
    if (strncmp(line ? line : "", "error", 5) != 0)
        assert_int_equal(csv_reader_next(&r, &err), LR_ENOTFOUND);
    csv_reader_free(&r);
    free(in);
    free(exp);
}

static void field_positions(void **state)
{
    const char *in = "ab,\"c\nd\",勤怠\n\"x\",y";
    csv_reader r;
    lr_error err;
    csv_reader_init(&r, "p", in, strlen(in));
    assert_int_equal(csv_reader_next(&r, &err), LR_OK);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(r.fields[1].line, 1);
    assert_int_equal(r.fields[1].column, 4);
    assert_true(r.fields[1].quoted);
    assert_int_equal(r.fields[2].line, 2);
    assert_int_equal(r.fields[2].column, 4);
    assert_int_equal(csv_reader_next(&r, &err), LR_OK);
    assert_int_equal(r.fields[1].line, 3);
    assert_int_equal(r.fields[1].column, 5);
    assert_int_equal(csv_reader_next(&r, &err), LR_ENOTFOUND);
    csv_reader_free(&r);
}

static void limits(void **state)
{
    size_t n = CSV_MAX_FIELDS + 1;
    char *in = malloc(n * 2);
    csv_reader r;
    lr_error err;
    assert_non_null(in);
    memset(in, ',', n * 2);
    in[n * 2 - 1] = '\n';
    csv_reader_init(&r, "wide", in, n);
    assert_int_equal(csv_reader_next(&r, &err), LR_ETOOBIG);
    csv_reader_free(&r);
    free(in);

    n = CSV_MAX_FIELD_LEN + 1;
    in = malloc(n);
    assert_non_null(in);
    memset(in, 'x', n);
    csv_reader_init(&r, "long", in, n);
    assert_int_equal(csv_reader_next(&r, &err), LR_ETOOBIG);
    csv_reader_free(&r);
    free(in);
}

static void writer_quotes(void **state)
{
    lr_buf b;
    const char *row[] = {"plain", "a,b", "say \"hi\"", "", "two\nlines", " pad"};
    buf_init(&b, 1024);
    assert_int_equal(csv_write_row(&b, row, 6, 0, "\n"), LR_OK);
    assert_string_equal(buf_str(&b),
                        "plain,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines\",\" pad\"\n");
    buf_reset(&b);
    assert_int_equal(csv_write_row(&b, row, 2, 1, "\r\n"), LR_OK);
    assert_string_equal(buf_str(&b), "\"plain\",\"a,b\"\r\n");
    buf_free(&b);
}

/* Whatever the writer writes, the reader reads back unchanged. */
static void round_trip(void **state)
{
    const char *row[] = {"x\"\"y", ",", "\r\n", "\"", "勤怠 太郎", "DOMAIN\\u"};
    lr_buf b;
    csv_reader r;
    lr_error err;
    for (int always = 0; always < 2; always++) {
        buf_init(&b, 1024);
        assert_int_equal(csv_write_row(&b, row, 6, always, "\r\n"), LR_OK);
        csv_reader_init(&r, "rt", b.data, b.len);
        assert_int_equal(csv_reader_next(&r, &err), LR_OK);
        assert_int_equal(r.nfields, 6);
        for (size_t i = 0; i < 6; i++)
            assert_string_equal(r.fields[i].s, row[i]);
        assert_int_equal(csv_reader_next(&r, &err), LR_ENOTFOUND);
        csv_reader_free(&r);
        buf_free(&b);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest extra[] = {
        cmocka_unit_test(field_positions),
        cmocka_unit_test(limits),
        cmocka_unit_test(writer_quotes),
        cmocka_unit_test(round_trip),
    };
    return cases_run("csv reader cases", argc > 1 ? argv[1] : "tests/cases/csv", ".csv",
                     run_case, extra, sizeof extra / sizeof extra[0]);
}
