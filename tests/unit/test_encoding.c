/*
 * test_encoding — detection and conversion of CP932 / UTF-8 text, with the
 * byte sequences Windows tools actually write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/encoding.h"

/* 勤怠 太郎 in CP932, and ソ表 whose second bytes are 0x5C ('\' in ASCII). */
static const char cp932_name[] = "\x8b\xce\x91\xd3\x20\x91\xbe\x98\x59";
static const char cp932_so[] = "\x83\x5c\x95\x5c";

static void decode(const char *in, size_t n, text_encoding want_enc, const char *want)
{
    lr_buf out;
    lr_error err;
    text_encoding e = (text_encoding)-1;
    buf_init(&out, 1 << 20);
    if (enc_decode("f.csv", in, n, &out, &e, &err) != LR_OK)
        fail_msg("decode failed: %s", err.message);
    assert_int_equal(e, want_enc);
    assert_string_equal(buf_str(&out), want);
    buf_free(&out);
}

static void detects(void **state)
{
    decode("abc,1\r\n", 7, ENC_UTF8, "abc,1\r\n");
    decode("\xEF\xBB\xBF\xE5\x8B\xA4,x", 8, ENC_UTF8_BOM, "勤,x");
    decode(cp932_name, sizeof cp932_name - 1, ENC_CP932, "勤怠 太郎");
    /* CP932, not SHIFT_JIS: 0x5C stays a backslash, ソ表 stays ソ表 */
    decode("CORP\\taro,\x83\x5c", 12, ENC_CP932, "CORP\\taro,ソ");
    decode(cp932_so, 4, ENC_CP932, "ソ表");
    decode("", 0, ENC_UTF8, "");
}

static void refuses(void **state)
{
    lr_buf out;
    lr_error err;
    buf_init(&out, 1 << 20);
    /* UTF-16 (Notepad's "Unicode") */
    assert_int_equal(enc_decode("u.csv", "\xFF\xFE" "a\0", 4, &out, NULL, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "UTF-16"));
    /* binary */
    assert_int_equal(enc_decode("b.csv", "ab\ncd\0e", 7, &out, NULL, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    /* 0x80 alone is neither UTF-8 nor CP932 */
    assert_int_equal(enc_decode("x.csv", "ok\nab\x80z", 7, &out, NULL, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.file, "x.csv");
    assert_non_null(strstr(err.message, "0x80"));
    /* a BOM followed by bytes that are not UTF-8 */
    assert_int_equal(enc_decode("y.csv", "\xEF\xBB\xBF" "a\x8b\xce", 6, &out, NULL, &err),
                     LR_EINVAL);
    assert_int_equal(err.column, 2);
    /* a CP932 lead byte cut off at the end */
    assert_int_equal(enc_decode("z.csv", "\x8b\xce\x91", 3, &out, NULL, &err), LR_EINVAL);
    buf_free(&out);
}

static void encodes(void **state)
{
    lr_buf out;
    lr_error err;
    buf_init(&out, 1 << 20);
    assert_int_equal(enc_encode("勤怠 太郎", strlen("勤怠 太郎"), ENC_CP932, &out, &err), LR_OK);
    assert_int_equal(out.len, sizeof cp932_name - 1);
    assert_memory_equal(out.data, cp932_name, out.len);
    buf_reset(&out);
    assert_int_equal(enc_encode("a", 1, ENC_UTF8_BOM, &out, &err), LR_OK);
    assert_memory_equal(out.data, "\xEF\xBB\xBF" "a", 4);
    buf_reset(&out);
    /* an emoji has no CP932 form: say which and where */
    assert_int_equal(enc_encode("ok\nA😀", strlen("ok\nA😀"), ENC_CP932, &out, &err), LR_EINVAL);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "😀"));
    buf_free(&out);
}

static void names(void **state)
{
    assert_int_equal(enc_parse("CP932"), ENC_CP932);
    assert_int_equal(enc_parse("utf-8"), ENC_UTF8);
    assert_int_equal(enc_parse("shift_jis"), -1);
    assert_string_equal(enc_name(ENC_CP932), "CP932");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects),
        cmocka_unit_test(refuses),
        cmocka_unit_test(encodes),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
