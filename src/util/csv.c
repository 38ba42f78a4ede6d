/*
 * csv — an RFC 4180 reader with positions, and a row writer (see csv.h).
 */
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

void csv_reader_init(csv_reader *r, const char *what, const char *text, size_t n)
{
    memset(r, 0, sizeof *r);
    r->what = what;
    r->p = text;
    r->end = text + n;
    r->line = 1;
    r->line_start = text;
    buf_init(&r->text, (size_t)CSV_MAX_FIELDS * CSV_MAX_FIELD_LEN);
}

void csv_reader_free(csv_reader *r)
{
    buf_free(&r->text);
    free(r->fields);
    free(r->offs);
    memset(r, 0, sizeof *r);
}

const char *csv_problem_name(csv_problem p)
{
    switch (p) {
    case CSV_FINE: return "fine";
    case CSV_TOO_MANY_FIELDS: return "too_many_fields";
    case CSV_FIELD_TOO_LONG: return "field_too_long";
    case CSV_QUOTE_NOT_CLOSED: return "quote_not_closed";
    case CSV_AFTER_QUOTE: return "text_after_quote";
    case CSV_QUOTE_IN_FIELD: return "quote_in_field";
    }
    return "?";
}

/* Column in characters (UTF-8 lead bytes) of p on the current line. */
static long column_of(const csv_reader *r, const char *p)
{
    long col = 1;
    for (const char *q = r->line_start; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

static lr_status fail_here(csv_reader *r, const char *p, csv_problem why, lr_status st,
                           const char *msg, lr_error *err)
{
    r->problem = why;
    /* the field being read is counted already, but for the one too many */
    r->problem_field = r->nfields + (why == CSV_TOO_MANY_FIELDS);
    return lr_fail_at(err, st, r->what, r->line, column_of(r, p), "%s", msg);
}

/* Consumes a line end at r->p if there is one; returns non-zero if so. */
static int eat_newline(csv_reader *r)
{
    if (r->p < r->end && (*r->p == '\r' || *r->p == '\n')) {
        if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
            r->p++;
        r->p++;
        r->line++;
        r->line_start = r->p;
        return 1;
    }
    return 0;
}

static lr_status new_field(csv_reader *r, int quoted, lr_error *err)
{
    if (r->nfields == CSV_MAX_FIELDS)
        return fail_here(r, r->p, CSV_TOO_MANY_FIELDS, LR_ETOOBIG, "more than 1024 fields in one record", err);
    if (r->nfields == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        csv_field *f = realloc(r->fields, cap * sizeof *f);
        size_t *o = f ? realloc(r->offs, cap * sizeof *o) : NULL;
        if (f)
            r->fields = f;
        if (!o)
            return lr_fail(err, LR_ENOMEM, "out of memory reading %s", r->what);
        r->offs = o;
        r->cap = cap;
    }
    r->fields[r->nfields] = (csv_field){NULL, 0, quoted, r->line, column_of(r, r->p)};
    r->offs[r->nfields] = r->text.len;
    r->nfields++;
    return LR_OK;
}

/* Appends p[0..n) to the current field, minding its length limit. */
static lr_status field_put(csv_reader *r, const char *p, size_t n, lr_error *err)
{
    size_t have = r->text.len - r->offs[r->nfields - 1];
    if (have + n > CSV_MAX_FIELD_LEN)
        return fail_here(r, p, CSV_FIELD_TOO_LONG, LR_ETOOBIG, "a field is longer than 65536 bytes", err);
    if (buf_append(&r->text, p, n) != LR_OK)
        return lr_fail(err, LR_ENOMEM, "out of memory reading %s", r->what);
    return LR_OK;
}

static lr_status read_quoted(csv_reader *r, lr_error *err)
{
    const char *open = r->p;
    long open_line = r->line;
    const char *open_ls = r->line_start;
    lr_status st;

    r->p++;
    for (;;) {
        const char *q = r->p;
        while (q < r->end && *q != '"' && *q != '\r' && *q != '\n')
            q++;
        if ((st = field_put(r, r->p, (size_t)(q - r->p), err)) != LR_OK)
            return st;
        r->p = q;
        if (q == r->end) {
            /* report where the quote was opened: that is what to fix */
            r->line = open_line;
            r->line_start = open_ls;
            return fail_here(r, open, CSV_QUOTE_NOT_CLOSED, LR_EINVAL,
                             "a quoted field is not closed (a '\"' is missing)", err);
        }
        if (*q == '"') {
            if (q + 1 < r->end && q[1] == '"') {
                if ((st = field_put(r, "\"", 1, err)) != LR_OK)
                    return st;
                r->p = q + 2;
                continue;
            }
            r->p = q + 1;
            break;
        }
        /* a line break inside quotes belongs to the field, as written */
        const char *nl = r->p;
        eat_newline(r);
        if ((st = field_put(r, nl, (size_t)(r->p - nl), err)) != LR_OK)
            return st;
    }
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
        r->p++;
    if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n')
        return fail_here(r, r->p, CSV_AFTER_QUOTE, LR_EINVAL,
                         "unexpected text after a closing quote; expected ',' or the end of "
                         "the line",
                         err);
    return LR_OK;
}

static lr_status read_plain(csv_reader *r, lr_error *err)
{
    const char *q = r->p;
    while (q < r->end && *q != ',' && *q != '\r' && *q != '\n') {
        if (*q == '"')
            return fail_here(r, q, CSV_QUOTE_IN_FIELD, LR_EINVAL,
                             "a quote inside an unquoted field; quote the whole field and "
                             "double the quote (\"\")",
                             err);
        q++;
    }
    lr_status st = field_put(r, r->p, (size_t)(q - r->p), err);
    r->p = q;
    return st;
}

lr_status csv_reader_next(csv_reader *r, lr_error *err)
{
    lr_status st;

    r->nfields = 0;
    buf_reset(&r->text);
    if (r->p >= r->end)
        return LR_ENOTFOUND;
    for (;;) {
        int quoted = r->p < r->end && *r->p == '"';
        if ((st = new_field(r, quoted, err)) != LR_OK)
            return st;
        st = quoted ? read_quoted(r, err) : read_plain(r, err);
        if (st != LR_OK)
            return st;
        /* each field ends with its NUL so callers get C strings */
        if (buf_append(&r->text, "", 1) != LR_OK)
            return lr_fail(err, LR_ENOMEM, "out of memory reading %s", r->what);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        eat_newline(r);
        break;
    }
    for (size_t i = 0; i < r->nfields; i++) {
        size_t next = i + 1 < r->nfields ? r->offs[i + 1] : r->text.len;
        r->fields[i].s = r->text.data + r->offs[i];
        r->fields[i].len = next - r->offs[i] - 1;
    }
    return LR_OK;
}

int csv_record_blank(const csv_reader *r)
{
    return r->nfields == 1 && !r->fields[0].quoted && r->fields[0].len == 0;
}

static int needs_quotes(const char *s)
{
    return s[strcspn(s, ",\"\r\n")] != '\0' || s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ');
}

lr_status csv_write_row(lr_buf *b, const char *const *fields, size_t n, int always_quote,
                        const char *eol)
{
    lr_status st = LR_OK;
    for (size_t i = 0; i < n && st == LR_OK; i++) {
        const char *s = fields[i] ? fields[i] : "";
        int q = always_quote || needs_quotes(s);
        if (i > 0)
            st = buf_append(b, ",", 1);
        if (st == LR_OK && q)
            st = buf_append(b, "\"", 1);
        while (st == LR_OK && *s) {
            size_t k = q ? strcspn(s, "\"") : strlen(s);
            st = buf_append(b, s, k);
            s += k;
            if (st == LR_OK && *s == '"') {
                st = buf_append(b, "\"\"", 2);
                s++;
            }
        }
        if (st == LR_OK && q)
            st = buf_append(b, "\"", 1);
    }
    return st == LR_OK ? buf_puts(b, eol) : st;
}
