/*
 * test_i18n — both languages complete: the catalogues have the same keys,
 * no Japanese in the English one and Japanese in every Japanese text, and
 * every {{@key}} a template uses is in both; templates hold no visible
 * Japanese of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "words/i18n.h"
#include "words/webfiles.h"

static void catalogues_match(void **state)
{
    char problems[8192];
    int n;
    (void)state;
    n = i18n_check(problems, sizeof problems);
    if (n)
        fail_msg("%d problem(s) in the catalogues:\n%s", n, problems);
    assert_string_equal(i18n_text(LANG_JA, "login.title"), "ログイン");
    assert_string_equal(i18n_text(LANG_EN, "login.title"), "Log in");
    assert_null(i18n_text(LANG_EN, "no.such.key"));
}

static void templates_use_known_keys_only(void **state)
{
    int templates = 0;
    (void)state;
    for (int i = 0; i < web_file_count; i++) {
        const web_file *f = &web_files[i];
        const char *p = f->data;
        if (strncmp(f->path, "templates/", 10) != 0)
            continue;
        templates++;
        while ((p = strstr(p, "{{@"))) {
            char key[128];
            const char *end = strstr(p, "}}");
            assert_non_null(end);
            snprintf(key, sizeof key, "%.*s", (int)(end - p - 3), p + 3);
            if (!i18n_text(LANG_JA, key) || !i18n_text(LANG_EN, key))
                fail_msg("%s uses {{@%s}}, which a catalogue lacks", f->path, key);
            p = end;
        }
        for (const unsigned char *q = (const unsigned char *)f->data; *q; q++)
            if (*q >= 0xE3 && *q <= 0xE9)
                fail_msg("%s holds Japanese text of its own; put it in the catalogues", f->path);
    }
    assert_true(templates > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogues_match),
        cmocka_unit_test(templates_use_known_keys_only),
    };
    return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
