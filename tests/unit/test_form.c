/*
 * test_form — urlencoded forms as browsers send them, and every way a
 * body can be wrong (bad escapes, control characters, bad UTF-8, too many
 * or too long fields), plus the header unescaping of uploads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/form.h"

static void parses_browser_forms(void **state)
{
    static const char body[] = "csrf=abc&name=Acme+%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&empty=&flag"
                               "&&note=a%0D%0Ab&name=second";
    static const char *const allowed[] = {"csrf", "name", "empty", "flag", "note", NULL};
    static const char *const fewer[] = {"csrf", "name", NULL};
    form f;
    lr_error err;
    (void)state;
    assert_int_equal(form_parse(body, sizeof body - 1, &f, &err), LR_OK);
    assert_string_equal(form_get(&f, "csrf"), "abc");
    assert_string_equal(form_get(&f, "name"), "Acme 株式会社"); /* the first of two */
    assert_string_equal(form_get(&f, "empty"), "");
    assert_string_equal(form_get(&f, "flag"), "");
    assert_string_equal(form_get(&f, "note"), "a\r\nb");
    assert_null(form_get(&f, "missing"));
    assert_null(form_undeclared(&f, allowed));
    assert_string_equal(form_undeclared(&f, fewer), "empty");
    form_free(&f);
}

static void refuses_bad_bodies(void **state)
{
    static const char *const bad[] = {"a=%zz", "a=%4", "a=%00", "a=%1B", "a=%FF%FE", "=x", "%=1"};
    form f;
    lr_error err;
    char many[FORM_FIELDS_MAX * 4 + 8] = "", big[FORM_VALUE_MAX + 16];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (form_parse(bad[i], strlen(bad[i]), &f, &err) != LR_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
    for (int i = 0; i <= FORM_FIELDS_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "a=%d&", i % 10);
    assert_int_equal(form_parse(many, strlen(many), &f, &err), LR_ETOOBIG);
    memset(big, 'x', sizeof big);
    memcpy(big, "v=", 2);
    assert_int_equal(form_parse(big, sizeof big, &f, &err), LR_ETOOBIG);
}

static void unescapes_headers(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(form_unescape("a+b%2Fc", 7, 0, out), 5);
    assert_string_equal(out, "a+b/c");
    assert_int_equal(form_unescape("a+b", 3, 1, out), 3);
    assert_string_equal(out, "a b");
    assert_int_equal(form_unescape("%G1", 3, 0, out), -1);
}

/* A query string built by form_encode reads back, byte for byte, through
 * form_parse: Japanese, '&', '=', '+', spaces and '%' survive; empty
 * values are left out. */
static void encodes_queries(void **state)
{
    form f = {0}, back;
    lr_buf b;
    lr_error err;
    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(form_add(&f, "employee", "山田 太郎&=+%"), LR_OK);
    assert_int_equal(form_add(&f, "source", ""), LR_OK);
    assert_int_equal(form_add(&f, "op", "logon"), LR_OK);
    buf_puts(&b, "/logs?");
    assert_int_equal(form_encode(&f, &b), LR_OK);
    assert_string_equal(buf_str(&b), "/logs?employee=%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E%26%3D%2B%25"
                                     "&op=logon");
    assert_int_equal(form_parse(buf_str(&b) + 6, b.len - 6, &back, &err), LR_OK);
    assert_int_equal(back.n, 2);
    assert_string_equal(form_get(&back, "employee"), "山田 太郎&=+%");
    assert_string_equal(form_get(&back, "op"), "logon");
    form_free(&back);
    form_free(&f);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_browser_forms),
        cmocka_unit_test(refuses_bad_bodies),
        cmocka_unit_test(unescapes_headers),
        cmocka_unit_test(encodes_queries),
    };
    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
