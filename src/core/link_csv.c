/*
 * link_csv — the link CSV format and its problems (see link_csv.h).
 */
#include "core/link_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_parse.h"
#include "util/encoding.h"
#include "util/text.h"

static const char *const header_names[LC_NCOLS] = {
    "連携種別", "種別コード", "打刻先アカウント", "姓・名", "サービスアカウント",
};

const char *link_csv_column_name(int lc)
{
    return lc >= 0 && lc < LC_NCOLS ? header_names[lc] : NULL;
}

const char *link_kind_label(link_kind k)
{
    switch (k) {
    case LINK_SMARTON: return "SmartOn ID連携";
    case LINK_LANSCOPE: return "LanScope連携";
    case LINK_MALION: return "MaLion連携";
    case LINK_WINDOWS: return "Windows連携";
    case LINK_LINUX: return "Linux連携";
    default: return NULL;
    }
}

link_kind link_kind_of_label(const char *s)
{
    for (int k = LINK_SMARTON; k <= LINK_KIND_LAST; k++)
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

static void note(link_csv_errors *es, link_csv_problem what, link_csv_at at, int detail,
                 const char *a, const char *b, long other)
{
    link_csv_error e = {what, at.line, at.column, at.field, at.lc, detail, other, "", "", ""};
    snprintf(e.a, sizeof e.a, "%s", a ? a : "");
    snprintf(e.b, sizeof e.b, "%s", b ? b : "");
    (void)link_csv_errors_add(es, &e); /* a problem not kept is still counted */
}

void link_csv_note(link_csv_errors *es, link_csv_problem what, link_csv_at at, const char *a,
                   const char *b, long other)
{
    note(es, what, at, 0, a, b, other);
}

void link_csv_note_detail(link_csv_errors *es, link_csv_problem what, link_csv_at at, int detail,
                          const char *a)
{
    note(es, what, at, detail, a, NULL, 0);
}

/* Where field i (from 0) of the current record is; lc, the column it is. */
static link_csv_at at_field(const csv_reader *r, size_t i, int lc)
{
    return (link_csv_at){r->fields[i].line, (int)i + 1, lc, r->fields[i].column};
}

/* Where the row's field of column lc is. */
static link_csv_at at_col(const csv_reader *r, const link_csv_layout *lay, int lc)
{
    return at_field(r, (size_t)lay->col[lc], lc);
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
            link_csv_note(es, LCP_HEADER_UNKNOWN, at_field(r, i, -1), name, NULL, 0);
        else if (lay->col[c] >= 0)
            link_csv_note(es, LCP_HEADER_TWICE, at_field(r, i, c), name, NULL, 0);
        else
            lay->col[c] = (int)i;
    }
    for (int c = 0; c < LC_NCOLS; c++)
        if (lay->col[c] < 0)
            link_csv_note(es, LCP_HEADER_MISSING, LINK_CSV_LINE(r->fields[0].line), header_names[c],
                          NULL, 0);
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
        link_csv_note(es, LCP_FIELDS, LINK_CSV_LINE(line), a, b, 0);
        return 0;
    }
    label = &r->fields[lay->col[LC_KIND_LABEL]];
    code = &r->fields[lay->col[LC_KIND_CODE]];
    emp = &r->fields[lay->col[LC_EMPLOYEE]];
    acc = &r->fields[lay->col[LC_ACCOUNT]];
    row->at_employee = at_col(r, lay, LC_EMPLOYEE);
    row->at_account = at_col(r, lay, LC_ACCOUNT);

    if (!text_trim_copy(label->s, tmp, sizeof tmp) || (row->kind = link_kind_of_label(tmp)) == LINK_NONE) {
        link_csv_note(es, LCP_KIND_LABEL, at_col(r, lay, LC_KIND_LABEL), tmp, NULL, 0);
    } else {
        char want[2] = {(char)('0' + row->kind), '\0'};
        if (!text_trim_copy(code->s, tmp, sizeof tmp) || strcmp(tmp, want) != 0)
            link_csv_note(es, LCP_KIND_CODE, at_col(r, lay, LC_KIND_CODE), tmp,
                          link_kind_label(row->kind), 0);
    }

    if (!text_trim_copy(emp->s, row->employee, sizeof row->employee) || text_has_control(row->employee))
        link_csv_note(es, LCP_EMPLOYEE_BAD, row->at_employee, emp->s, NULL, 0);
    else if (row->employee[0] == '\0')
        link_csv_note(es, LCP_EMPLOYEE_EMPTY, row->at_employee, NULL, NULL, 0);

    /* Manual §3: exact, case-sensitive PC user names; the part after the
     * domain's "\" (or "¥") is the user name. */
    if (!text_trim_copy(acc->s, row->account, sizeof row->account) || text_has_control(row->account)) {
        link_csv_note(es, LCP_ACCOUNT_BAD, row->at_account, acc->s, NULL, 0);
    } else if (strcmp(row->account, LINK_CSV_REMOVE) == 0) {
        row->remove = 1;
        row->account[0] = '\0';
    } else {
        event_account_normalise(row->account);
        if (row->account[0] == '\0')
            link_csv_note(es, LCP_ACCOUNT_EMPTY, row->at_account, NULL, NULL, 0);
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

/* at, on the row's line (a row made by hand may not say where it is). */
static link_csv_at on_line(link_csv_at at, long line)
{
    at.line = line;
    return at;
}

lr_status link_csv_find_repeats(link_csv_row *rows, size_t n, link_csv_errors *es)
{
    if (n < 2)
        return LR_OK;
    qsort(rows, n, sizeof *rows, by_kind_employee);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind &&
            strcmp(rows[i].employee, rows[i - 1].employee) == 0)
            link_csv_note(es, LCP_EMPLOYEE_TWICE, on_line(rows[i].at_employee, rows[i].line),
                          rows[i].employee, NULL, rows[i - 1].line);
    /* Manual FAQ "PC のユーザー名が重複している": one PC user name, one employee. */
    qsort(rows, n, sizeof *rows, by_kind_account);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind && !rows[i].remove &&
            strcmp(rows[i].account, rows[i - 1].account) == 0 &&
            strcmp(rows[i].employee, rows[i - 1].employee) != 0)
            link_csv_note(es, LCP_ACCOUNT_TWICE, on_line(rows[i].at_account, rows[i].line),
                          rows[i].account,
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
        [LCP_ENCODING] = "encoding",
    };
    if ((size_t)p < sizeof names / sizeof names[0] && names[p])
        return names[p];
    return "unknown";
}
