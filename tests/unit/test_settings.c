/*
 * test_settings — util/settings: each place over the one before (default,
 * file, flag, environment), the values handed to the environment for the
 * code that reads it there (never over a variable already set, never a
 * default), values checked by kind, and what is printed hides secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/settings.h"
#include "util/text.h"

static const setting_def defs[] = {
    {"timeout_ms", "--timeout", NULL, "LRT_TIMEOUT_MS", SETTING_NUMBER, 1, 1000, "100", 0, "t", NULL},
    {"lease_s", NULL, NULL, "LRT_LEASE_S", SETTING_NUMBER, 1, 60, "30", 0, "l", NULL},
    {"poll_ms", NULL, NULL, "LRT_POLL_MS", SETTING_NUMBER, 1, 60, "5", 0, "p", NULL},
    {"verbose", "--quiet", "off", NULL, SETTING_SWITCH, 0, 0, "on", 0, "v", NULL},
    {"db", "--db", NULL, NULL, SETTING_TEXT, 1, 0, "x.db", 0, "d", NULL},
    {"key", NULL, NULL, NULL, SETTING_TEXT, 0, 0, "", 1, "k", NULL},
    {"format", "--format", NULL, NULL, SETTING_CHOICE, 0, 0, "text", 0, "f", "text|json"},
};

static void file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void each_place_over_the_one_before_and_handed_on(void **state)
{
    const char *tmp = getenv("LR_TEST_TMP");
    char path[512], *argv[] = {"prog", "--timeout", "300", "--quiet", NULL};
    int i = 1;
    settings s;
    lr_error err;
    (void)state;
    snprintf(path, sizeof path, "%s/settings_test.conf", tmp ? tmp : "/tmp");
    file(path, "[prog]\ntimeout_ms = 200\nlease_s = 10\npoll_ms=7\nverbose = yes\nkey = s3cret\n");
    unsetenv("LRT_TIMEOUT_MS");
    unsetenv("LRT_LEASE_S");
    setenv("LRT_POLL_MS", "9", 1);
    assert_int_equal(settings_init(&s, defs, sizeof defs / sizeof *defs, &err), LR_OK);
    assert_int_equal(settings_load_file(&s, path, "prog", 1, &err), LR_OK);
    assert_string_equal(settings_get(&s, "verbose"), "on"); /* yes, kept as on */
    while (i < 4)
        assert_int_equal(settings_take_flag(&s, 4, argv, &i, &err), LR_OK), i++;
    assert_int_equal(settings_take_env(&s, &err), LR_OK);
    assert_int_equal(settings_number(&s, "timeout_ms"), 300); /* the flag over the file */
    assert_int_equal(settings_number(&s, "lease_s"), 10);     /* the file */
    assert_int_equal(settings_number(&s, "poll_ms"), 9);      /* the environment over the file */
    assert_int_equal(settings_on(&s, "verbose"), 0);          /* --quiet */
    settings_export(&s);
    assert_string_equal(getenv("LRT_TIMEOUT_MS"), "300");
    assert_string_equal(getenv("LRT_LEASE_S"), "10");
    assert_string_equal(getenv("LRT_POLL_MS"), "9");
    settings_free(&s);
    /* a default is never handed on: the code's own default stays */
    unsetenv("LRT_LEASE_S");
    assert_int_equal(settings_init(&s, defs, sizeof defs / sizeof *defs, &err), LR_OK);
    settings_export(&s);
    assert_null(getenv("LRT_LEASE_S"));
    settings_free(&s);
    unlink(path);
}

static void values_are_checked_by_kind(void **state)
{
    char *argv[] = {"prog", "--timeout", "0", "--db", "", "--timeout", NULL};
    int i = 1;
    settings s;
    lr_error err;
    (void)state;
    unsetenv("LRT_TIMEOUT_MS"); /* what the test before handed on */
    unsetenv("LRT_POLL_MS");
    assert_int_equal(settings_init(&s, defs, sizeof defs / sizeof *defs, &err), LR_OK);
    assert_int_equal(settings_take_flag(&s, 6, argv, &i, &err), LR_EINVAL);
    assert_string_equal(err.message, "--timeout: timeout_ms must be a whole number from 1 to 1000, not '0'");
    i = 3;
    assert_int_equal(settings_take_flag(&s, 6, argv, &i, &err), LR_EINVAL);
    assert_string_equal(err.message, "--db: db must not be empty");
    i = 5;
    assert_int_equal(settings_take_flag(&s, 6, argv, &i, &err), LR_EINVAL);
    assert_string_equal(err.message, "--timeout needs a value");
    setenv("LRT_LEASE_S", "1e3", 1);
    assert_int_equal(settings_take_env(&s, &err), LR_EINVAL);
    assert_string_equal(err.message, "LRT_LEASE_S: lease_s must be a whole number from 1 to 60, not '1e3'");
    unsetenv("LRT_LEASE_S");
    assert_int_equal(settings_number(&s, "timeout_ms"), 100); /* nothing refused was kept */
    settings_free(&s);
}

static void a_choice_is_one_of_its_words_whole(void **state)
{
    char *argv[] = {"prog", "--format", "js", "--format", "xml", "--format", "json", NULL};
    int i = 1;
    settings s;
    lr_error err;
    (void)state;
    assert_int_equal(settings_init(&s, defs, sizeof defs / sizeof *defs, &err), LR_OK);
    assert_int_equal(settings_take_flag(&s, 7, argv, &i, &err), LR_EINVAL);
    assert_string_equal(err.message, "--format: format must be one of text|json, not 'js'");
    i = 3;
    assert_int_equal(settings_take_flag(&s, 7, argv, &i, &err), LR_EINVAL);
    i = 5;
    assert_int_equal(settings_take_flag(&s, 7, argv, &i, &err), LR_OK);
    assert_string_equal(settings_get(&s, "format"), "json");
    settings_free(&s);
}

static void what_is_printed_hides_secrets(void **state)
{
    char *argv[] = {"prog", "--db", "postgresql://u:pw@h:5432/d", NULL};
    int i = 1;
    settings s;
    lr_error err;
    char buf[4096] = {0};
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    (void)state;
    assert_non_null(f);
    assert_int_equal(settings_init(&s, defs, sizeof defs / sizeof *defs, &err), LR_OK);
    assert_int_equal(settings_take_flag(&s, 3, argv, &i, &err), LR_OK);
    snprintf(s.value[5], sizeof s.value[5], "s3cret"); /* key */
    settings_print(&s, f);
    fclose(f);
    assert_null(strstr(buf, "s3cret"));
    assert_null(strstr(buf, "pw"));
    assert_non_null(strstr(buf, "postgresql://u@h:5432/d"));
    assert_non_null(strstr(buf, "# key = (set, not shown)\n"));
    settings_free(&s);
}

/* The redaction the settings print and the store's messages share. */
static void urls_lose_their_passwords(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"postgresql://u:pw@h:5432/d", "postgresql://u@h:5432/d"},
        {"postgresql://u@h:5432/d", "postgresql://u@h:5432/d"},
        {"postgresql://u@h/d?sslmode=require&password=pw&x=1",
         "postgresql://u@h/d?sslmode=require&password=(x)&x=1"},
        {"postgresql://u:a@h/d?password=b", "postgresql://u@h/d?password=(x)"},
        {"host=h password=pw dbname=d", "host=h password=(x) dbname=d"},
        {"/srv/lr.db?xpassword=kept", "/srv/lr.db?xpassword=kept"},
        {"var/loginrec.db", "var/loginrec.db"},
    };
    char out[128], small[12];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        text_url_redact(out, sizeof out, cases[i].in);
        assert_string_equal(out, cases[i].want);
    }
    text_url_redact(small, sizeof small, "password=secret");
    assert_string_equal(small, "password=(x"); /* cut, never the secret */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_place_over_the_one_before_and_handed_on),
        cmocka_unit_test(values_are_checked_by_kind),
        cmocka_unit_test(a_choice_is_one_of_its_words_whole),
        cmocka_unit_test(what_is_printed_hides_secrets),
        cmocka_unit_test(urls_lose_their_passwords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
