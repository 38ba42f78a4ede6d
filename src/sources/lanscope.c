/*
 * lanscope — LanScope Cat CSV to events (see lanscope.h).
 */
#include "sources/lanscope.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/event_parse.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/tz.h"

enum {
    COL_RECORDED,   /* 日時 */
    COL_EVENT_TIME, /* イベント日時 */
    COL_USER,       /* ログオンユーザ名 */
    COL_KIND,       /* ログ種類 */
    COL_HOST,       /* コンピュータ名 */
    COL_DATE,       /* 日付 */
    COL_START,      /* 開始日時 */
    COL_END,        /* 終了日時 */
    NCOLS
};

static const char *const col_names[NCOLS] = {
    "日時", "イベント日時", "ログオンユーザ名", "ログ種類", "コンピュータ名", "日付", "開始日時", "終了日時",
};

static const int events_need[] = {COL_EVENT_TIME, COL_USER, COL_KIND};
static const int days_need[] = {COL_USER, COL_START, COL_END};

const char *lanscope_layout_name(lanscope_layout l)
{
    return l == LANSCOPE_DAYS ? "days" : "events";
}

typedef struct parser {
    const lanscope_opts *o;
    lanscope_event_fn fn;
    void *ctx;
    lanscope_stats *stats;
    int col[NCOLS];
    size_t nfields;
    lr_buf raw;
    /* the zone's offset on the last wall-clock day asked, when it holds
     * all day (ZONE_CHANGES: a change that day, ask per row) */
    int64_t zone_day;
    int zone_offset;
    lr_event ev;
} parser;

/* Finds the columns in the header record and picks the layout. */
static lr_status read_header(parser *p, const csv_reader *r, lr_error *err)
{
    const char *what = p->o->what;
    long line = r->fields[0].line;
    const int *need;
    size_t nneed;
    char name[64];

    for (int c = 0; c < NCOLS; c++)
        p->col[c] = -1;
    p->nfields = r->nfields;
    for (size_t i = 0; i < r->nfields; i++) {
        const csv_field *f = &r->fields[i];
        if (!text_trim_copy(f->s, name, sizeof name))
            continue; /* longer than any name we look for */
        for (int c = 0; c < NCOLS; c++) {
            if (strcmp(name, col_names[c]) != 0)
                continue;
            if (p->col[c] >= 0)
                return lr_fail_at(err, LR_EINVAL, what, f->line, f->column,
                                  "field %zu: the column '%s' appears twice in the header (also "
                                  "field %d)",
                                  i + 1, name, p->col[c] + 1);
            p->col[c] = (int)i;
        }
    }
    if (p->col[COL_EVENT_TIME] >= 0 || p->col[COL_KIND] >= 0) {
        p->stats->layout = LANSCOPE_EVENTS;
        need = events_need;
        nneed = sizeof events_need / sizeof events_need[0];
    } else if (p->col[COL_START] >= 0 || p->col[COL_END] >= 0) {
        p->stats->layout = LANSCOPE_DAYS;
        need = days_need;
        nneed = sizeof days_need / sizeof days_need[0];
    } else {
        return lr_fail_at(err, LR_EINVAL, what, line, 1,
                          "not a LanScope log: expected a header with イベント日時, ログオンユーザ名 "
                          "and ログ種類 (one row per event) or ログオンユーザ名, 開始日時 and "
                          "終了日時 (one row per user and day)");
    }
    for (size_t i = 0; i < nneed; i++)
        if (p->col[need[i]] < 0)
            return lr_fail_at(err, LR_EINVAL, what, line, 1,
                              "the header has no column '%s' (needed for a log with one row per %s)",
                              col_names[need[i]],
                              p->stats->layout == LANSCOPE_EVENTS ? "event" : "user and day");
    return LR_OK;
}

#define ZONE_CHANGES INT32_MIN

/* The instant of a date-time field. Asking the zone costs more than the
 * rest of a row (glibc re-reads the zone's rule each time), so its offset
 * is kept per wall-clock day: when the offsets 18 hours either side of the
 * day agree, no change falls in it. */
static lr_status field_time(parser *p, const csv_reader *r, int col, int64_t *utc, int *offset,
                            lr_error *err)
{
    const csv_field *f = &r->fields[p->col[col]];
    char s[64];
    int64_t wall, day;
    int has_offset;
    lr_error why;

    if (!text_trim_copy(f->s, s, sizeof s) ||
        tf_parse_datetime(s, &wall, &has_offset, offset, &why) != LR_OK)
        return lr_fail_at(err, LR_EINVAL, p->o->what, f->line, f->column,
                          "field %d (%s) '%.40s' is not a date-time (expected YYYY/MM/DD "
                          "HH:MM:SS)",
                          p->col[col] + 1, col_names[col], f->s);
    if (has_offset) {
        *utc = wall - *offset;
        return LR_OK;
    }
    day = tf_floor_div(wall, 86400);
    if (day != p->zone_day) {
        int before = tz_offset_at(p->o->zone, day * 86400 - 18 * 3600 - 86400);
        int after = tz_offset_at(p->o->zone, day * 86400 + 86400 + 18 * 3600 + 86400);
        p->zone_day = day;
        p->zone_offset = before == after ? before : ZONE_CHANGES;
    }
    if (p->zone_offset == ZONE_CHANGES) {
        tz_utc_of_wall(p->o->zone, wall, utc, offset);
        return LR_OK;
    }
    *offset = p->zone_offset;
    *utc = wall - *offset;
    return LR_OK;
}

static lr_status emit(parser *p, const char *op, const csv_reader *r, int col, lr_error *err)
{
    lr_status st = field_time(p, r, col, &p->ev.utc, &p->ev.offset_sec, err);
    if (st != LR_OK)
        return st;
    snprintf(p->ev.op, sizeof p->ev.op, "%s", op);
    p->stats->events++;
    return p->fn(p->ctx, &p->ev, err);
}

/* Fills the account and host of p->ev from the row; 1 when the row is the
 * user SYSTEM (skipped). */
static lr_status row_account(parser *p, const csv_reader *r, int *skip, lr_error *err)
{
    const csv_field *u = &r->fields[p->col[COL_USER]];
    char user[LR_ACCOUNT_MAX + 1];

    *skip = 0;
    if (!text_trim_copy(u->s, user, sizeof user) || text_has_control(user))
        return lr_fail_at(err, LR_EINVAL, p->o->what, u->line, u->column,
                          "field %d (ログオンユーザ名) is longer than %d bytes or holds control "
                          "characters",
                          p->col[COL_USER] + 1, LR_ACCOUNT_MAX);
    event_account_normalise(user);
    if (user[0] == '\0')
        return lr_fail_at(err, LR_EINVAL, p->o->what, u->line, u->column,
                          "field %d (ログオンユーザ名) is empty", p->col[COL_USER] + 1);
    if (strcasecmp(user, "SYSTEM") == 0) {
        p->stats->ignored_system++;
        *skip = 1;
        return LR_OK;
    }
    memcpy(p->ev.account, user, strlen(user) + 1);
    p->ev.host[0] = '\0';
    if (p->col[COL_HOST] >= 0) {
        const csv_field *h = &r->fields[p->col[COL_HOST]];
        if (!text_trim_copy(h->s, p->ev.host, sizeof p->ev.host) || text_has_control(p->ev.host))
            return lr_fail_at(err, LR_EINVAL, p->o->what, h->line, h->column,
                              "field %d (コンピュータ名) is longer than %d bytes or holds "
                              "control characters",
                              p->col[COL_HOST] + 1, LR_HOST_MAX);
    }
    return LR_OK;
}

/* ログ種類: 1 logon, 2 logoff, another number 0 (ignored), else -1. */
static int log_kind(const char *s)
{
    char t[16];
    long v = 0;
    if (!text_trim_copy(s, t, sizeof t) || !t[0])
        return -1;
    for (const char *q = t; *q; q++) {
        if (*q < '0' || *q > '9' || v > 100000)
            return -1;
        v = v * 10 + (*q - '0');
    }
    return v == 1 || v == 2 ? (int)v : 0;
}

static int field_empty(const csv_reader *r, int i)
{
    char t[4];
    return text_trim_copy(r->fields[i].s, t, sizeof t) && t[0] == '\0';
}

static lr_status read_row(parser *p, const csv_reader *r, lr_error *err)
{
    const char *what = p->o->what;
    long line = r->fields[0].line;
    const char *fields[CSV_MAX_FIELDS];
    int skip;
    lr_status st;

    if (r->nfields != p->nfields)
        return lr_fail_at(err, LR_EINVAL, what, line, 1,
                          "this row has %zu fields but the header has %zu", r->nfields,
                          p->nfields);
    p->stats->rows++;
    if ((st = row_account(p, r, &skip, err)) != LR_OK || skip)
        return st;
    buf_reset(&p->raw);
    for (size_t i = 0; i < r->nfields; i++)
        fields[i] = r->fields[i].s;
    if (csv_write_row(&p->raw, fields, r->nfields, 0, "") != LR_OK)
        return lr_fail(err, LR_ENOMEM, "out of memory reading %s", what);
    p->ev.raw = (char *)buf_str(&p->raw);

    if (p->stats->layout == LANSCOPE_EVENTS) {
        const csv_field *k = &r->fields[p->col[COL_KIND]];
        int kind = log_kind(k->s);
        if (kind < 0)
            return lr_fail_at(err, LR_EINVAL, what, k->line, k->column,
                              "field %d (ログ種類) '%.20s' is not a log kind (1 logon, 2 "
                              "logoff; other numbers are skipped)",
                              p->col[COL_KIND] + 1, k->s);
        if (kind == 0) {
            int64_t utc;
            int off;
            p->stats->ignored_kind++;
            return field_time(p, r, COL_EVENT_TIME, &utc, &off, err); /* a bad date is still an error */
        }
        return emit(p, kind == 1 ? "logon" : "logoff", r, COL_EVENT_TIME, err);
    }
    /* either time may be empty: no logon (or logoff) that day */
    if (!field_empty(r, p->col[COL_START]) && (st = emit(p, "logon", r, COL_START, err)) != LR_OK)
        return st;
    if (!field_empty(r, p->col[COL_END]))
        return emit(p, "logoff", r, COL_END, err);
    return LR_OK;
}

lr_status lanscope_parse(const lanscope_opts *o, const char *bytes, size_t n, lanscope_event_fn fn,
                         void *ctx, lanscope_stats *stats, lr_error *err)
{
    lr_buf text;
    csv_reader r;
    parser p;
    lr_status st;
    int have_header = 0;

    memset(stats, 0, sizeof *stats);
    memset(&p, 0, sizeof p);
    p.o = o;
    p.fn = fn;
    p.ctx = ctx;
    p.stats = stats;
    p.zone_day = INT64_MIN;
    snprintf(p.ev.source, sizeof p.ev.source, "lanscope");
    snprintf(p.ev.version, sizeof p.ev.version, "%s", o->version ? o->version : "");
    buf_init(&p.raw, (size_t)CSV_MAX_FIELDS * CSV_MAX_FIELD_LEN);
    buf_init(&text, n * 2 + 64);
    if ((st = enc_decode(o->what, bytes, n, &text, &stats->encoding, NULL, err)) != LR_OK) {
        buf_free(&text);
        buf_free(&p.raw);
        return st;
    }
    csv_reader_init(&r, o->what, buf_str(&text), text.len);
    while ((st = csv_reader_next(&r, err)) == LR_OK) {
        if (csv_record_blank(&r))
            continue;
        if (!have_header) {
            st = read_header(&p, &r, err);
            have_header = 1;
        } else {
            st = read_row(&p, &r, err);
        }
        if (st != LR_OK)
            break;
        if ((stats->rows & 4095) == 0)
            progress_report(o->progress, PROGRESS_READ, (uint64_t)(r.p - buf_str(&text)),
                            text.len, stats->rows);
    }
    if (st == LR_ENOTFOUND)
        progress_report(o->progress, PROGRESS_READ, text.len, text.len, stats->rows);
    if (st == LR_ENOTFOUND)
        st = have_header ? LR_OK
                         : lr_fail_at(err, LR_EINVAL, o->what, 1, 1,
                                      "the file is empty: expected a LanScope log with a header row");
    csv_reader_free(&r);
    buf_free(&text);
    buf_free(&p.raw);
    return st;
}
