/*
 * link_csv — the link CSV format and its problems in two languages (see
 * link_csv.h).
 */
#include "core/link_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_parse.h"
#include "util/text.h"

static const char *const header_names[LC_NCOLS] = {
    "連携種別", "種別コード", "打刻先アカウント", "姓・名", "サービスアカウント",
};

#define HEADER_LINE "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント"

const char *link_kind_label(link_kind k)
{
    switch (k) {
    case LINK_SMARTON: return "SmartOn ID連携";
    case LINK_LANSCOPE: return "LanScope連携";
    case LINK_MALION: return "MaLion連携";
    default: return NULL;
    }
}

static link_kind kind_of_label(const char *s)
{
    for (int k = LINK_SMARTON; k <= LINK_MALION; k++)
        if (strcmp(s, link_kind_label((link_kind)k)) == 0)
            return (link_kind)k;
    return LINK_NONE;
}

lr_status link_csv_errors_add(link_csv_errors *es, const link_csv_error *e)
{
    es->total++;
    if (es->n == es->max)
        return LR_OK; /* counted, not kept */
    if (!es->v) {
        es->v = calloc(es->max, sizeof *es->v);
        if (!es->v)
            return LR_ENOMEM;
    }
    es->v[es->n++] = *e;
    return LR_OK;
}

void link_csv_errors_free(link_csv_errors *es)
{
    free(es->v);
    es->v = NULL;
    es->n = es->total = 0;
}

void link_csv_note(link_csv_errors *es, link_csv_problem what, long line, long col,
                   const char *a, const char *b, long other)
{
    link_csv_error e = {what, line, col, other, "", "", ""};
    snprintf(e.a, sizeof e.a, "%s", a ? a : "");
    snprintf(e.b, sizeof e.b, "%s", b ? b : "");
    (void)link_csv_errors_add(es, &e); /* a problem not kept is still counted */
}

int link_csv_layout_parse(const csv_reader *r, link_csv_layout *lay, link_csv_errors *es)
{
    size_t before = es->total;
    char name[64];

    for (int c = 0; c < LC_NCOLS; c++)
        lay->col[c] = -1;
    lay->nfields = r->nfields;
    for (size_t i = 0; i < r->nfields; i++) {
        const csv_field *f = &r->fields[i];
        int c;
        if (!text_trim_copy(f->s, name, sizeof name))
            snprintf(name, sizeof name, "%.40s…", f->s);
        if (name[0] == '\0')
            continue; /* an empty trailing column, as spreadsheets leave */
        for (c = 0; c < LC_NCOLS && strcmp(name, header_names[c]) != 0; c++)
            ;
        if (c == LC_NCOLS)
            link_csv_note(es, LCP_HEADER_UNKNOWN, f->line, f->column, name, NULL, 0);
        else if (lay->col[c] >= 0)
            link_csv_note(es, LCP_HEADER_TWICE, f->line, f->column, name, NULL, 0);
        else
            lay->col[c] = (int)i;
    }
    for (int c = 0; c < LC_NCOLS; c++)
        if (lay->col[c] < 0)
            link_csv_note(es, LCP_HEADER_MISSING, r->fields[0].line, 0, header_names[c], NULL, 0);
    return es->total == before;
}

int link_csv_row_parse(const csv_reader *r, const link_csv_layout *lay, link_csv_row *row,
                       link_csv_errors *es)
{
    size_t before = es->total;
    const csv_field *label, *code, *emp, *acc;
    char tmp[LR_ACCOUNT_MAX + 1];
    long line = r->fields[0].line;

    memset(row, 0, sizeof *row);
    row->line = line;
    if (r->nfields != lay->nfields) {
        char a[24], b[24];
        snprintf(a, sizeof a, "%zu", r->nfields);
        snprintf(b, sizeof b, "%zu", lay->nfields);
        link_csv_note(es, LCP_FIELDS, line, 0, a, b, 0);
        return 0;
    }
    label = &r->fields[lay->col[LC_KIND_LABEL]];
    code = &r->fields[lay->col[LC_KIND_CODE]];
    emp = &r->fields[lay->col[LC_EMPLOYEE]];
    acc = &r->fields[lay->col[LC_ACCOUNT]];
    row->col_employee = emp->column;
    row->col_account = acc->column;

    if (!text_trim_copy(label->s, tmp, sizeof tmp) || (row->kind = kind_of_label(tmp)) == LINK_NONE) {
        link_csv_note(es, LCP_KIND_LABEL, line, label->column, tmp, NULL, 0);
    } else {
        char want[2] = {(char)('0' + row->kind), '\0'};
        if (!text_trim_copy(code->s, tmp, sizeof tmp) || strcmp(tmp, want) != 0)
            link_csv_note(es, LCP_KIND_CODE, line, code->column, tmp, link_kind_label(row->kind), 0);
    }

    if (!text_trim_copy(emp->s, row->employee, sizeof row->employee) || text_has_control(row->employee))
        link_csv_note(es, LCP_EMPLOYEE_BAD, line, emp->column, emp->s, NULL, 0);
    else if (row->employee[0] == '\0')
        link_csv_note(es, LCP_EMPLOYEE_EMPTY, line, emp->column, NULL, NULL, 0);

    /* Manual §3: exact, case-sensitive PC user names; the part after the
     * domain's "\" (or "¥") is the user name. */
    if (!text_trim_copy(acc->s, row->account, sizeof row->account) || text_has_control(row->account)) {
        link_csv_note(es, LCP_ACCOUNT_BAD, line, acc->column, acc->s, NULL, 0);
    } else if (strcmp(row->account, LINK_CSV_REMOVE) == 0) {
        row->remove = 1;
        row->account[0] = '\0';
    } else {
        event_account_normalise(row->account);
        if (row->account[0] == '\0')
            link_csv_note(es, LCP_ACCOUNT_EMPTY, line, acc->column, NULL, NULL, 0);
    }
    row->valid = es->total == before;
    return row->valid;
}

static int by_kind_account(const void *x, const void *y)
{
    const link_csv_row *a = x, *b = y;
    int c = b->valid - a->valid;
    if (c == 0)
        c = (int)a->kind - (int)b->kind;
    if (c == 0)
        c = strcmp(a->account, b->account);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_kind_employee(const void *x, const void *y)
{
    const link_csv_row *a = x, *b = y;
    int c = b->valid - a->valid;
    if (c == 0)
        c = (int)a->kind - (int)b->kind;
    if (c == 0)
        c = strcmp(a->employee, b->employee);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

lr_status link_csv_find_repeats(link_csv_row *rows, size_t n, link_csv_errors *es)
{
    if (n < 2)
        return LR_OK;
    qsort(rows, n, sizeof *rows, by_kind_employee);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind &&
            strcmp(rows[i].employee, rows[i - 1].employee) == 0)
            link_csv_note(es, LCP_EMPLOYEE_TWICE, rows[i].line, rows[i].col_employee, rows[i].employee,
                NULL, rows[i - 1].line);
    /* Manual FAQ "PC のユーザー名が重複している": one PC user name, one employee. */
    qsort(rows, n, sizeof *rows, by_kind_account);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind && !rows[i].remove &&
            strcmp(rows[i].account, rows[i - 1].account) == 0 &&
            strcmp(rows[i].employee, rows[i - 1].employee) != 0)
            link_csv_note(es, LCP_ACCOUNT_TWICE, rows[i].line, rows[i].col_account, rows[i].account,
                rows[i - 1].employee, rows[i - 1].line);
    return LR_OK;
}

lr_status link_csv_write_header(lr_buf *b)
{
    return csv_write_row(b, header_names, LC_NCOLS, 1, "\r\n");
}

lr_status link_csv_write_row(lr_buf *b, link_kind kind, const char *employee, const char *last,
                             const char *first, const char *account)
{
    char code[2] = {(char)('0' + kind), '\0'};
    char name[260];
    const char *f[LC_NCOLS];
    snprintf(name, sizeof name, "%s %s", last, first);
    f[LC_KIND_LABEL] = link_kind_label(kind);
    f[LC_KIND_CODE] = code;
    f[LC_EMPLOYEE] = employee;
    f[LC_NAME] = name;
    f[LC_ACCOUNT] = account;
    return csv_write_row(b, f, LC_NCOLS, 1, "\r\n");
}

const char *link_csv_problem_name(link_csv_problem p)
{
    static const char *const names[] = {
        [LCP_SYNTAX] = "not_csv",
        [LCP_HEADER_MISSING] = "header_missing_column",
        [LCP_HEADER_UNKNOWN] = "header_unknown_column",
        [LCP_HEADER_TWICE] = "header_column_twice",
        [LCP_FIELDS] = "field_count",
        [LCP_KIND_LABEL] = "unknown_kind",
        [LCP_KIND_CODE] = "kind_code_mismatch",
        [LCP_EMPLOYEE_EMPTY] = "employee_empty",
        [LCP_EMPLOYEE_BAD] = "employee_invalid",
        [LCP_EMPLOYEE_UNKNOWN] = "unknown_employee",
        [LCP_EMPLOYEE_DELETED] = "employee_deleted",
        [LCP_EMPLOYEE_TWICE] = "employee_twice",
        [LCP_ACCOUNT_EMPTY] = "account_empty",
        [LCP_ACCOUNT_BAD] = "account_invalid",
        [LCP_ACCOUNT_TWICE] = "account_twice",
        [LCP_ACCOUNT_TAKEN] = "account_taken",
        [LCP_ACCOUNT_CASE] = "account_case",
    };
    if ((size_t)p < sizeof names / sizeof names[0] && names[p])
        return names[p];
    return "unknown";
}

void link_csv_error_text(const link_csv_error *e, lr_lang lang, char *out, size_t outsz)
{
    const int ja = lang == LANG_JA;
    const char *a = e->a, *b = e->b;
    long o = e->other_line;

    switch (e->what) {
    case LCP_SYNTAX:
        snprintf(out, outsz, ja ? "CSV として読み取れません: %s" : "the file cannot be read as CSV: %s", a);
        break;
    case LCP_HEADER_MISSING:
        snprintf(out, outsz,
                 ja ? "ヘッダーに「%s」列がありません。ヘッダーは " HEADER_LINE
                      " です（[CSV データ保存] で出力した CSV を編集してください）"
                    : "the header has no column '%s'; the header is " HEADER_LINE
                      " (edit a CSV exported by loginrec)",
                 a);
        break;
    case LCP_HEADER_UNKNOWN:
        snprintf(out, outsz,
                 ja ? "ヘッダーに不明な列「%s」があります。ヘッダーは " HEADER_LINE " です"
                    : "the header has an unknown column '%s'; the header is " HEADER_LINE,
                 a);
        break;
    case LCP_HEADER_TWICE:
        snprintf(out, outsz, ja ? "ヘッダーに「%s」列が 2 つあります" : "the header has column '%s' twice", a);
        break;
    case LCP_FIELDS:
        snprintf(out, outsz, ja ? "項目数が %s 個です（ヘッダーは %s 個）" : "the row has %s fields; the header has %s", a, b);
        break;
    case LCP_KIND_LABEL:
        snprintf(out, outsz,
                 ja ? "連携種別「%s」は不明です（LanScope連携・MaLion連携・SmartOn ID連携 のいずれか）"
                    : "the kind (連携種別) '%s' is unknown; expected LanScope連携, MaLion連携 or "
                      "SmartOn ID連携",
                 a);
        break;
    case LCP_KIND_CODE: {
        int want = kind_of_label(b);
        snprintf(out, outsz,
                 ja ? "種別コード「%s」が連携種別「%s」と合いません（%d のはずです）"
                    : "the kind code (種別コード) '%s' does not match the kind '%s' (it should be %d)",
                 a, b, want);
        break;
    }
    case LCP_EMPLOYEE_EMPTY:
        snprintf(out, outsz, ja ? "打刻先アカウントが空です" : "the employee code (打刻先アカウント) is empty");
        break;
    case LCP_EMPLOYEE_BAD:
        snprintf(out, outsz,
                 ja ? "打刻先アカウント「%.40s」が長すぎるか、制御文字を含みます"
                    : "the employee code (打刻先アカウント) '%.40s' is too long or contains "
                      "control characters",
                 a);
        break;
    case LCP_EMPLOYEE_UNKNOWN:
        if (b[0])
            snprintf(out, outsz,
                     ja ? "打刻先アカウント「%s」の従業員はいません（Excel で先頭の 0 が消えていませ"
                          "んか？「%s」がいます。CSV はメモ帳で編集してください）"
                        : "no employee has the code '%s' (did a spreadsheet drop leading zeros? "
                          "'%s' exists; edit the CSV in a text editor)",
                     a, b);
        else
            snprintf(out, outsz,
                     ja ? "打刻先アカウント「%s」の従業員はいません（勤革時連携で従業員を取り込んでから"
                          "紐づけてください）"
                        : "no employee has the code '%s' (sync employees from KING OF TIME first)",
                     a);
        break;
    case LCP_EMPLOYEE_DELETED:
        snprintf(out, outsz,
                 ja ? "従業員「%s」は勤革時から削除されています" : "employee '%s' was deleted from KING OF TIME",
                 a);
        break;
    case LCP_EMPLOYEE_TWICE:
        snprintf(out, outsz,
                 ja ? "従業員「%s」は %ld 行目にもあります（同じ連携種別で 1 行だけにしてください）"
                    : "employee '%s' is also on line %ld for the same kind; keep one row",
                 a, o);
        break;
    case LCP_ACCOUNT_EMPTY:
        snprintf(out, outsz,
                 ja ? "サービスアカウント（PC のユーザー名）が空です"
                    : "the service account (サービスアカウント, the PC user name) is empty");
        break;
    case LCP_ACCOUNT_BAD:
        snprintf(out, outsz,
                 ja ? "サービスアカウント「%.40s」が長すぎるか、制御文字を含みます"
                    : "the service account (サービスアカウント) '%.40s' is too long or contains "
                      "control characters",
                 a);
        break;
    case LCP_ACCOUNT_TWICE:
        if (ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は %ld 行目で従業員「%s」にも指定されています。"
                     "PC のユーザー名が重複していると、別の人のログで打刻されます（マニュアル"
                     "「PC のユーザー名が重複している」）",
                     a, o, b);
        else
            snprintf(out, outsz,
                     "service account '%s' is also given to employee '%s' on line %ld. A PC "
                     "user name must belong to one employee, or one person's logons punch for "
                     "another (manual: duplicate PC user names)",
                     a, b, o);
        break;
    case LCP_ACCOUNT_TAKEN:
        snprintf(out, outsz,
                 ja ? "サービスアカウント「%s」は既に従業員「%s」に紐づいています。PC のユーザー名"
                      "が重複しています（マニュアル「PC のユーザー名が重複している」）。PC のユーザー"
                      "名を変えるか、同じ CSV で「%s」に別のアカウントを指定してください"
                    : "service account '%s' is already linked to employee '%s'. That is the "
                      "duplicate PC user name trouble of the manual: change the PC user name, or "
                      "give '%s' another account in the same file",
                 a, b, b);
        break;
    case LCP_ACCOUNT_CASE:
        /* accounts match exactly (manual §3): a case-only difference is
         * almost always a typo, so it is said, not refused */
        if (o > 0 && ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は、%ld 行目の「%s」と大文字と小文字だけが違います。"
                     "アカウントは大文字・小文字まで完全に一致したときだけ紐づきます。入力ミスで"
                     "ないか確認してください",
                     a, o, b);
        else if (o > 0)
            snprintf(out, outsz,
                     "service account '%s' differs only in upper/lower case from '%s' on line "
                     "%ld. Accounts match exactly, case included: check that it is not a typo",
                     a, b, o);
        else if (ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は、従業員「%s」の「%s」と大文字と小文字だけが違い"
                     "ます。アカウントは大文字・小文字まで完全に一致したときだけ紐づきます。入力"
                     "ミスでないか確認してください",
                     a, e->owner, b);
        else
            snprintf(out, outsz,
                     "service account '%s' differs only in upper/lower case from '%s', which "
                     "employee %s has. Accounts match exactly, case included: check that it is "
                     "not a typo",
                     a, b, e->owner);
        break;
    default:
        snprintf(out, outsz, "?");
    }
}
