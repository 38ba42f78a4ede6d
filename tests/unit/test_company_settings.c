/*
 * test_company_settings — the 企業情報 form: each field checked by its
 * declared rule, and the form saved whole or not at all. A save that fails
 * half-way (its last part's audit row refused by the database, after the
 * company's and KING OF TIME's parts were written) leaves the old settings
 * whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "service/company_settings.h"

static int setup(void **state)
{
    return fixture_fx_setup(state, "company_settings");
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static const company_settings_form good = {
    .name = "新しい名前",
    .kot_url = "https://api.kingtime.jp/v1.1",
    .kot_token = "tok-12345",
    .collect = "04:30",
    .malion_host = "malioncloud1234.intercom.co.jp",
    .malion_admin = "ADM1",
    .malion_secret = "S3CRET-12345",
    .delivery = 1,
    .breaks = 1,
    .malion_enabled = 1,
};

static void collect(void *ctx, const char *field)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s%s", n ? " " : "", field);
}

static void every_field_by_its_rule(void **state)
{
    fx *f = *state;
    company_settings_form bad = {
        .name = "", .kot_url = "ftp://kot", .kot_token = "has space", .collect = "25:00",
        .malion_host = "https://mal/path", .malion_admin = "", .malion_secret = "",
        .delivery = 1, .breaks = 0, .malion_enabled = 1,
    };
    char fields[256] = "";
    assert_int_equal(company_settings_check(f->s, &f->c, &bad, collect, fields), 6);
    assert_string_equal(fields, "name kot_url kot_token collect malion_host malion_enabled");
    fields[0] = '\0';
    assert_int_equal(company_settings_check(f->s, &f->c, &good, collect, fields), 0);
}

static void half_a_save_is_none(void **state)
{
    fx *f = *state;
    lr_secrets sec;
    lr_error err;
    lr_company c;
    memset(&sec, 7, sizeof sec);
    /* the MaLion part, written last, fails at its audit row */
    fixture_fail_inserts(f->path, "audit_log", "action", "malion.set");
    assert_int_not_equal(company_settings_save(f->s, "ACM", &good, &sec, "t", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &c, &err), LR_OK);
    assert_string_equal(c.name, f->c.name);
    assert_string_equal(c.kot_base_url, f->c.kot_base_url);
    assert_int_equal(c.punch_delivery, f->c.punch_delivery);
    assert_int_equal(c.break_punches, f->c.break_punches);
    assert_int_equal(c.malion_enabled, 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM company_secrets"), 0);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action IN "
                                              "('company.set', 'kot.set', 'malion.set')"),
                     0);
}

static void a_whole_save(void **state)
{
    fx *f = *state;
    lr_secrets sec;
    lr_error err;
    lr_company c;
    memset(&sec, 7, sizeof sec);
    assert_int_equal(company_settings_save(f->s, "ACM", &good, &sec, "t", &err), LR_OK);
    assert_int_equal(store_company_get(f->s, "ACM", &c, &err), LR_OK);
    assert_string_equal(c.name, "新しい名前");
    assert_string_equal(c.kot_base_url, "https://api.kingtime.jp/v1.1");
    assert_int_equal(c.lanscope_collect_min, 4 * 60 + 30);
    assert_int_equal(c.malion_enabled, 1);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM company_secrets"), 2);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action IN "
                                              "('company.set', 'kot.set', 'malion.set')"),
                     3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_field_by_its_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(half_a_save_is_none, setup, teardown),
        cmocka_unit_test_setup_teardown(a_whole_save, setup, teardown),
    };
    return cmocka_run_group_tests_name("company_settings", tests, NULL, NULL);
}
