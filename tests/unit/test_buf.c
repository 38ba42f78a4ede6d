/*
 * test_buf — the bounded buffer's JSON string writer against jansson's own
 * compact output, byte for byte: quotes, backslashes, every control
 * character, Japanese, and the empty string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/buf.h"

static void as_jansson_writes_it(const char *s)
{
    json_t *j = json_string(s);
    char *want;
    lr_buf b;
    assert_non_null(j);
    want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    buf_init(&b, 1 << 16);
    assert_int_equal(buf_json_string(&b, s), LR_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
    free(want);
    json_decref(j);
}

static void strings_are_written_as_jansson_writes_them(void **state)
{
    char controls[40];
    (void)state;
    as_jansson_writes_it("");
    as_jansson_writes_it("1000");
    as_jansson_writes_it("勤怠 太郎");
    as_jansson_writes_it("a\"b\\c/d");
    as_jansson_writes_it("\"\\");
    for (int i = 1; i < 32; i++)
        controls[i - 1] = (char)i;
    controls[31] = 'x';
    controls[32] = '\0';
    as_jansson_writes_it(controls);
    as_jansson_writes_it("tab\there\nnew line\x7f");
}

/* What jansson refuses: each byte that is not part of a well-formed UTF-8
 * character is U+FFFD, the whole characters around it kept, and the result
 * is JSON jansson reads back. */
static void bytes_not_utf8_become_replacement_characters(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a\xff" "b", "\"a\\ufffdb\""},
        {"\xe5\x8b\xa4\xe6", "\"\xe5\x8b\xa4\\ufffd\""},  /* 勤, then a cut character */
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},                    /* overlong '/' */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},          /* a surrogate */
        {"\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\""},         /* 4 bytes, kept */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lr_buf b;
        json_t *back;
        buf_init(&b, 1 << 10);
        assert_int_equal(buf_json_string(&b, cases[i].in), LR_OK);
        assert_string_equal(buf_str(&b), cases[i].want);
        back = json_loads(buf_str(&b), JSON_DECODE_ANY, NULL);
        assert_non_null(back);
        json_decref(back);
        buf_free(&b);
    }
}

static void a_full_buffer_fails(void **state)
{
    lr_buf b;
    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_json_string(&b, "0123456789"), LR_ETOOBIG);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_are_written_as_jansson_writes_them),
        cmocka_unit_test(bytes_not_utf8_become_replacement_characters),
        cmocka_unit_test(a_full_buffer_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
