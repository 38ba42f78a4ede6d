/*
 * link_csv_words — a link CSV problem in words (see link_csv_words.h).
 */
#include "reply/link_csv_words.h"

#include <stdio.h>
#include <string.h>

#include "util/csv.h"
#include "util/encoding.h"
#include "words/i18n.h"

void link_csv_field_words(const link_csv_error *e, lr_lang lang, char *out, size_t outsz)
{
    const char *name = e->lc >= 0 && e->lc < LC_NCOLS ? link_csv_column_name(e->lc)
                       : e->what == LCP_HEADER_UNKNOWN ? e->a
                                                       : NULL;
    static const char *const names[] = {"n", "column"};
    char n[16];
    snprintf(n, sizeof n, "%d", e->field);
    if (e->field <= 0)
        snprintf(out, outsz, "%s", "");
    else
        i18n_fill(lang, name ? "linkcsv.field" : "linkcsv.field.bare", out, outsz, names,
                  (const char *const[]){n, name}, name ? 2 : 1);
}

/* At most max bytes of s, cut at a character's start. */
static void cut_utf8(const char *s, size_t max, char *out, size_t outsz)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    snprintf(out, outsz, "%.*s", (int)n, s);
}

/* The catalogue key of a problem: "linkcsv.<name>", with the detail or the
 * variant the values call for. */
static void key_of(const link_csv_error *e, char *key, size_t keysz)
{
    const char *name = link_csv_problem_name(e->what), *more = NULL;
    switch (e->what) {
    case LCP_SYNTAX:
        if (e->detail > CSV_FINE && e->detail <= CSV_QUOTE_IN_FIELD)
            more = csv_problem_name((csv_problem)e->detail);
        break;
    case LCP_ENCODING:
        more = e->detail > ENC_FINE && e->detail < ENC_UNKNOWN
                   ? enc_problem_name((enc_problem)e->detail)
                   : enc_problem_name(ENC_UNKNOWN);
        break;
    case LCP_EMPLOYEE_UNKNOWN:
        more = e->b[0] ? "maybe" : NULL;
        break;
    case LCP_ACCOUNT_CASE:
        more = e->other_line > 0 ? "in_file" : "stored";
        break;
    default:
        break;
    }
    snprintf(key, keysz, "linkcsv.%s%s%s", name, more ? "." : "", more ? more : "");
}

void link_csv_problem_words(const link_csv_error *e, lr_lang lang, char *out, size_t outsz)
{
    static const char *const names[] = {"value", "other", "line",   "owner", "column",
                                        "header", "kinds", "expected"};
    char value[48], line[24], expected[8], kinds[256], key[64];
    const char *column = e->lc >= 0 && e->lc < LC_NCOLS ? link_csv_column_name(e->lc) : "";
    const char *a = e->a;
    link_kind want = link_kind_of_label(e->b);

    if (e->what == LCP_EMPLOYEE_BAD || e->what == LCP_ACCOUNT_BAD) { /* too long to repeat */
        cut_utf8(e->a, 40, value, sizeof value);
        a = value;
    }
    if (e->what == LCP_EMPLOYEE_EMPTY || e->what == LCP_EMPLOYEE_BAD)
        column = link_csv_column_name(LC_EMPLOYEE);
    else if (e->what == LCP_ACCOUNT_EMPTY || e->what == LCP_ACCOUNT_BAD)
        column = link_csv_column_name(LC_ACCOUNT);
    else if (e->what == LCP_KIND_LABEL)
        column = link_csv_column_name(LC_KIND_LABEL);
    else if (e->what == LCP_KIND_CODE)
        column = link_csv_column_name(LC_KIND_CODE);
    snprintf(line, sizeof line, "%ld", e->other_line);
    snprintf(expected, sizeof expected, "%d", (int)want);
    i18n_fill(lang, "linkcsv.kinds", kinds, sizeof kinds,
              (const char *const[]){"a", "b", "c", "d", "e"},
              (const char *const[]){link_kind_label(LINK_LANSCOPE), link_kind_label(LINK_MALION),
                                    link_kind_label(LINK_SMARTON), link_kind_label(LINK_WINDOWS),
                                    link_kind_label(LINK_LINUX)},
              5);
    key_of(e, key, sizeof key);
    i18n_fill(lang, key, out, outsz, names,
              (const char *const[]){a, e->b, line, e->owner, column, LINK_CSV_HEADER_LINE, kinds,
                                    expected},
              sizeof names / sizeof names[0]);
}
