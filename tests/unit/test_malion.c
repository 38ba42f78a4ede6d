/*
 * test_malion — the MaLion parts that need no network: the answer parser
 * (the contract's shapes and every way an answer can be wrong), operation
 * names, host validation, and the settings on a real SQLite file (the
 * secret code sealed, fields cleared one by one, polling only with all
 * three set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "service/malion_settings.h"
#include "sources/malion.h"

#define SECRET "S3cr3t-Code-0042"

static void parses_a_page(void **state)
{
    static const char body[] =
        "{\"logs\":[{\"id\":\"7\",\"time\":\"2026-11-20T09:03:00+09:00\",\"operation\":"
        "\"ログオン\",\"user\":\"CORP\\\\tarouk\",\"terminal_agent\":{\"id\":\"TA1\",\"name\":"
        "\"PC-TARO\",\"version\":\"6.3.1\",\"attendance_code\":\"K001\"}},"
        "{\"id\":\"8\",\"time\":\"2026-11-20T18:00:00+09:00\",\"operation\":\"ログオフ\","
        "\"user\":\"x\",\"terminal_agent\":{\"id\":\"TA9\",\"name\":\"PC-9\",\"version\":\"6\","
        "\"attendance_code\":null}}],\"next_cursor\":\"8\",\"has_more\":true}";
    malion_page p;
    lr_error err;
    (void)state;
    assert_int_equal(malion_parse_page(body, sizeof body - 1, &p, &err), LR_OK);
    assert_int_equal(p.n, 2);
    assert_true(p.has_more);
    assert_string_equal(p.next_cursor, "8");
    assert_string_equal(p.logs[0].user, "CORP\\tarouk");
    assert_string_equal(p.logs[0].operation, "ログオン");
    assert_string_equal(p.logs[0].agent_name, "PC-TARO");
    assert_string_equal(p.logs[0].agent_version, "6.3.1");
    assert_string_equal(p.logs[0].attendance_code, "K001");
    assert_string_equal(p.logs[1].attendance_code, ""); /* null: no code */
    assert_non_null(strstr(p.logs[0].raw, "\"id\":\"7\""));
    malion_page_free(&p);
}

static void refuses_broken_answers(void **state)
{
    static const char *const bad[] = {
        "",
        "{\"logs\": [",
        "[]",
        "{\"logs\":[],\"next_cursor\":\"1\"}",                  /* no has_more */
        "{\"logs\":{},\"next_cursor\":\"1\",\"has_more\":false}", /* logs not an array */
        "{\"logs\":[],\"next_cursor\":1,\"has_more\":false}",   /* cursor not a string */
        "{\"logs\":[{\"id\":\"1\"}],\"next_cursor\":\"1\",\"has_more\":false}",
        "{\"logs\":[{\"id\":1,\"time\":\"t\",\"operation\":\"o\",\"user\":\"u\","
        "\"terminal_agent\":{}}],\"next_cursor\":\"1\",\"has_more\":false}",
        "{\"logs\":[{\"id\":\"1\",\"time\":\"t\",\"operation\":\"o\",\"user\":\"u\","
        "\"terminal_agent\":\"TA1\"}],\"next_cursor\":\"1\",\"has_more\":false}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        malion_page p;
        lr_error err;
        if (malion_parse_page(bad[i], strlen(bad[i]), &p, &err) != LR_EINVAL)
            fail_msg("answer %zu was accepted: %s", i, bad[i]);
        assert_int_equal(p.n, 0);
        assert_null(p.logs);
    }
}

static void operations_and_hosts(void **state)
{
    static const char *const good[] = {"malioncloud1234.intercom.co.jp", "127.0.0.1:8443",
                                       "localhost", "a-b.example"};
    static const char *const bad[] = {"",        "https://malioncloud1.intercom.co.jp",
                                      "host/path", "host name", ".lead", "a..b", "host:0",
                                      "host:99999", "host:x"};
    lr_error err;
    (void)state;
    assert_string_equal(malion_op("ログオン"), "logon");
    assert_string_equal(malion_op("ログオフ"), "logoff");
    assert_string_equal(malion_op("ファイル操作"), "other");
    assert_string_equal(malion_op("logon"), "other");
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(malion_check_host(good[i], &err), LR_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (malion_check_host(bad[i], &err) != LR_EINVAL)
            fail_msg("host '%s' was accepted", bad[i]);
    assert_int_equal(malion_check_host("https://x.jp", &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "must not have a scheme"));
}

static int setup(void **state)
{
    return fixture_fx_setup(state, "malion");
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static void settings_seal_and_clear(void **state)
{
    fx *f = *state;
    lr_secrets sec;
    lr_error err;
    lr_company c;
    char missing[300], *plain = NULL;
    malion_changes on = {NULL, NULL, NULL, 1};
    malion_changes all = {"malioncloud1234.intercom.co.jp", "ADM1", SECRET, 1};
    malion_changes spaced = {NULL, "has space", NULL, -1};

    memset(&sec, 7, sizeof sec);
    /* polling cannot be turned on with fields missing, and nothing changes */
    assert_int_equal(malion_settings_set(f->s, "ACM", &on, &sec, "t", &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "the host name (ホスト名), the admin code (管理者コード), "
                                        "the secret code (シークレットコード)"));
    assert_int_equal(malion_settings_set(f->s, "ACM", &spaced, &sec, "t", &err), LR_EINVAL);
    assert_int_equal(malion_settings_set(f->s, "ACM", &all, &sec, "t", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &c, &err), LR_OK);
    assert_true(c.malion_enabled);
    assert_string_equal(c.malion_host, "malioncloud1234.intercom.co.jp");
    malion_settings_missing(f->s, &c, missing, sizeof missing);
    assert_string_equal(missing, "");
    /* sealed: opened with the key, nowhere in the file in clear */
    assert_int_equal(malion_settings_secret(f->s, &c, &sec, &plain, &err), LR_OK);
    assert_string_equal(plain, SECRET);
    secrets_free_plain(plain);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM company_secrets WHERE "
                                              "sealed LIKE '%" SECRET "%'"),
                     0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE detail "
                                              "LIKE '%" SECRET "%'"),
                     0);
    /* each field clears on its own (the 🗑 buttons) */
    assert_int_equal(malion_settings_clear(f->s, "ACM", MALION_FIELD_SECRET_CODE, "t", &err),
                     LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &c, &err), LR_OK);
    assert_false(malion_settings_has_secret(f->s, &c));
    assert_string_equal(c.malion_admin_code, "ADM1");
    malion_settings_missing(f->s, &c, missing, sizeof missing);
    assert_string_equal(missing, "the secret code (シークレットコード)");
    assert_int_equal(malion_settings_clear(f->s, "ACM", malion_field_parse("host"), "t", &err),
                     LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &c, &err), LR_OK);
    assert_string_equal(c.malion_host, "");
    assert_int_equal(malion_field_parse("password"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_page),
        cmocka_unit_test(refuses_broken_answers),
        cmocka_unit_test(operations_and_hosts),
        cmocka_unit_test_setup_teardown(settings_seal_and_clear, setup, teardown),
    };
    return cmocka_run_group_tests_name("malion", tests, NULL, NULL);
}
