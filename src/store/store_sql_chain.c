/*
 * store_sql_chain — the events' hash chain (see store_chain.h): appended
 * at insert, the backlog of events stored before it sealed, purges'
 * gaps recorded, walked for verify. A company's events in id order come
 * from log_events_chain (company_id, id).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

enum { WALK_PAGE = 4096 };

#define STATEMENTS(X)                                                                              \
    X(C_HEAD, "SELECT chain_id, chain_head, chain_pending, chain_gap_next FROM companies WHERE "   \
              "id = ?1")                                                                           \
    X(C_COUNT, "SELECT count(*) FROM log_events WHERE company_id = ?1")                            \
    X(C_SET_HEAD, "UPDATE companies SET chain_id = ?2, chain_head = ?3, chain_pending = 0, "       \
                  "chain_gap_next = 0 WHERE id = ?1")                                              \
    X(C_SET_LINK, "UPDATE log_events SET chain = ?2 WHERE id = ?1")                                \
    /* a driver with arrays: the rows above in one statement */            \
    X(C_SET_LINKS, "UPDATE log_events SET chain = u.h FROM unnest(?1::bigint[], ?2::text[]) AS "    \
                   "u(id, h) WHERE log_events.id = u.id")                                          \
    X(C_WALK,                                                                                      \
      "SELECT id, source, account, host, op, ts_utc, ts_offset, version, received_at, raw, "       \
      "COALESCE(chain, '') FROM log_events WHERE company_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3") \
    X(C_GAPS, "SELECT event_id, prev FROM chain_gaps WHERE company_id = ?1 ORDER BY event_id")     \
    X(C_GAP_PUT,                                                                                   \
      "INSERT INTO chain_gaps (company_id, event_id, prev, made_at) VALUES (?1, ?2, ?3, ?4) ON "   \
      "CONFLICT (company_id, event_id) DO UPDATE SET prev = excluded.prev, made_at = "             \
      "excluded.made_at")                                                                          \
    /* a purge: the events it removes in id order with their links */      \
    X(C_PURGED, "SELECT id, COALESCE(chain, '') FROM log_events WHERE company_id = ?1 AND "        \
                "ts_utc < ?2 ORDER BY id")                                                         \
    X(C_NEXT, "SELECT id, ts_utc FROM log_events WHERE company_id = ?1 AND id > ?2 ORDER BY id "   \
              "LIMIT 1")                                                                           \
    X(C_GAPS_DROP, "DELETE FROM chain_gaps WHERE company_id = ?1 AND event_id IN (SELECT id FROM " \
                   "log_events WHERE company_id = ?1 AND ts_utc < ?2)")                            \
    X(C_GAP_NEXT, "UPDATE companies SET chain_gap_next = 1 WHERE id = ?1")

SQ_STATEMENTS(SQ_CHAIN_BASE, SQ_SLOTS);

static lr_status read_head(sql_store *s, int64_t company_id, lr_chain_head *h, lr_error *err)
{
    sql_stmt *st = stmt_with(s, C_HEAD, err, SQ_INT(company_id));
    int rc;
    memset(h, 0, sizeof *h);
    if (!st)
        return LR_ESTORE;
    if ((rc = sql_step(st)) == SQL_ROW) {
        h->id = sql_col_int64(st, 0);
        sq_copy_col(st, 1, h->link, sizeof h->link);
        h->pending = sql_col_int(st, 2);
        h->gap_next = sql_col_int(st, 3);
    }
    sql_reset(st);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "reading the chain's head");
}

static lr_status put_gap(sql_store *s, int64_t company_id, int64_t event_id, const char *prev,
                         lr_error *err)
{
    sql_stmt *st = stmt_with(s, C_GAP_PUT, err, SQ_INT(company_id), SQ_INT(event_id),
                             SQ_TEXT(prev), SQ_INT(clock_now()));
    return sq_run(s, st, err, "recording a gap in the chain");
}

/* Writes links[i] to ids[i] for i < n, then the head. */
static lr_status write_links(sql_store *s, int64_t company_id, const int64_t *ids,
                             char (*links)[CHAIN_HEX], size_t n, lr_error *err)
{
    sq_param *ps;
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(2 * n * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[2 * i] = SQ_INT(ids[i]);
        ps[2 * i + 1] = SQ_TEXT(links[i]);
    }
    st = sq_run_rows(s, rows_stmt(s, C_SET_LINK, C_SET_LINKS, err), ps, 2, n, NULL, 0, NULL, err,
                     "linking events");
    free(ps);
    if (st == LR_OK) {
        sql_stmt *t = stmt_with(s, C_SET_HEAD, err, SQ_INT(company_id), SQ_INT(ids[n - 1]),
                                SQ_TEXT(links[n - 1]));
        st = sq_run(s, t, err, "moving the chain's head");
    }
    return st;
}

/* The pending backlog: every event after the head, from the table, in
 * pages; h is moved along. */
static lr_status seal_backlog(sql_store *s, int64_t company_id, lr_chain_head *h, int64_t *linked,
                              lr_error *err)
{
    int64_t ids[WALK_PAGE];
    char(*links)[CHAIN_HEX] = malloc(WALK_PAGE * sizeof *links);
    lr_status st = LR_OK;
    if (!links)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if (!h->link[0])
        memcpy(h->link, chain_genesis, CHAIN_HEX);
    for (;;) {
        sql_stmt *t = stmt_with(s, C_WALK, err, SQ_INT(company_id), SQ_INT(h->id),
                                SQ_INT(WALK_PAGE));
        size_t n = 0;
        int rc;
        if (!t) {
            st = LR_ESTORE;
            break;
        }
        while ((rc = sql_step(t)) == SQL_ROW) {
            chain_event e = {company_id,          sql_col_int64(t, 0), sql_col_int64(t, 5),
                             sql_col_int64(t, 8), sql_col_int(t, 6),   sql_col_text(t, 1),
                             sql_col_text(t, 2),  sql_col_text(t, 3),  sql_col_text(t, 4),
                             sql_col_text(t, 7),  sql_col_text(t, 9)};
            ids[n] = e.id;
            chain_link(n ? links[n - 1] : h->link, &e, links[n]);
            n++;
        }
        sql_reset(t);
        if (rc != SQL_DONE) {
            st = sq_db_fail(s, err, "reading events to link");
            break;
        }
        if (n == 0)
            break;
        if ((st = write_links(s, company_id, ids, links, n, err)) != LR_OK)
            break;
        h->id = ids[n - 1];
        memcpy(h->link, links[n - 1], CHAIN_HEX);
        *linked += (int64_t)n;
        if (n < WALK_PAGE)
            break;
    }
    free(links);
    return st;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = (*(const lr_event *const *)a)->id, y = (*(const lr_event *const *)b)->id;
    return (x > y) - (x < y);
}

lr_status sq_chain_append(sql_store *s, int64_t company_id, const lr_event *events, size_t n,
                          lr_error *err)
{
    lr_chain_head h;
    const lr_event **v;
    int64_t *ids;
    char(*links)[CHAIN_HEX];
    size_t k = 0;
    int64_t linked = 0;
    lr_status st = read_head(s, company_id, &h, err);
    if (st != LR_OK)
        return st;
    /* events stored before the chain existed: linked first, from the table
     * (this batch's with them: they are stored already) */
    if (h.pending)
        return seal_backlog(s, company_id, &h, &linked, err);
    for (size_t i = 0; i < n; i++)
        k += events[i].id > 0;
    if (k == 0)
        return LR_OK;
    v = malloc(k * sizeof *v);
    ids = malloc(k * sizeof *ids);
    links = malloc(k * sizeof *links);
    if (!v || !ids || !links) {
        free(v);
        free(ids);
        free(links);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (events[i].id > 0)
            v[k++] = &events[i];
    qsort(v, k, sizeof *v, by_id);
    if (!h.link[0])
        memcpy(h.link, chain_genesis, CHAIN_HEX);
    /* a purge removed the head: the first event after it says what it follows */
    if (h.gap_next)
        st = put_gap(s, company_id, v[0]->id, h.link, err);
    for (size_t i = 0; st == LR_OK && i < k; i++) {
        const lr_event *e = v[i];
        chain_event c = {company_id, e->id,          e->utc,     e->received_at, e->offset_sec,
                         e->source,  e->account,     e->host,    e->op,          e->version,
                         e->raw ? e->raw : ""};
        ids[i] = e->id;
        chain_link(i ? links[i - 1] : h.link, &c, links[i]);
    }
    if (st == LR_OK)
        st = write_links(s, company_id, ids, links, k, err);
    free(v);
    free(ids);
    free(links);
    return st;
}

lr_status sq_chain_purge(sql_store *s, int64_t company_id, int64_t before_utc, lr_error *err)
{
    lr_chain_head h;
    sql_stmt *st;
    int64_t *ids = NULL;
    char(*links)[CHAIN_HEX] = NULL;
    size_t n = 0, cap = 0;
    int64_t linked = 0;
    lr_status r = read_head(s, company_id, &h, err);
    int rc;
    if (r == LR_OK && h.pending)
        r = seal_backlog(s, company_id, &h, &linked, err);
    if (r != LR_OK)
        return r;
    if (!(st = stmt_with(s, C_PURGED, err, SQ_INT(company_id), SQ_INT(before_utc))))
        return LR_ESTORE;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (n == cap) {
            size_t c2 = cap ? 2 * cap : 256;
            int64_t *ni = realloc(ids, c2 * sizeof *ids);
            char(*nl)[CHAIN_HEX] = ni ? realloc(links, c2 * sizeof *links) : NULL;
            if (ni)
                ids = ni;
            if (!ni || !nl) {
                sql_reset(st);
                free(ids);
                free(links);
                return lr_fail(err, LR_ENOMEM, "out of memory");
            }
            links = nl;
            cap = c2;
        }
        ids[n] = sql_col_int64(st, 0);
        sq_copy_col(st, 1, links[n], sizeof links[n]);
        n++;
    }
    sql_reset(st);
    if (rc != SQL_DONE)
        r = sq_db_fail(s, err, "reading the events to purge");
    /* each kept event right after a removed one follows that one's link */
    for (size_t i = 0; r == LR_OK && i < n; i++) {
        sql_stmt *nx;
        int64_t next = 0, next_utc = 0;
        if (i + 1 < n && ids[i + 1] <= ids[i]) /* (never: ordered by id) */
            continue;
        if (!(nx = stmt_with(s, C_NEXT, err, SQ_INT(company_id), SQ_INT(ids[i])))) {
            r = LR_ESTORE;
            break;
        }
        if ((rc = sql_step(nx)) == SQL_ROW) {
            next = sql_col_int64(nx, 0);
            next_utc = sql_col_int64(nx, 1);
        }
        sql_reset(nx);
        if (rc != SQL_ROW && rc != SQL_DONE)
            r = sq_db_fail(s, err, "reading the chain");
        else if (next && next_utc >= before_utc)
            r = put_gap(s, company_id, next, links[i], err);
        else if (!next && ids[i] == h.id) {
            sql_stmt *g = stmt_with(s, C_GAP_NEXT, err, SQ_INT(company_id));
            r = sq_run(s, g, err, "recording the purged head");
        }
    }
    if (r == LR_OK) {
        sql_stmt *d = stmt_with(s, C_GAPS_DROP, err, SQ_INT(company_id), SQ_INT(before_utc));
        r = sq_run(s, d, err, "dropping purged gaps");
    }
    free(ids);
    free(links);
    return r;
}

lr_status store_chain_head(lr_store *base, int64_t company_id, lr_chain_head *h, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = read_head(s, company_id, h, err);
    sql_stmt *t;
    int rc;
    if (st != LR_OK)
        return st;
    if (!(t = stmt_with(s, C_COUNT, err, SQ_INT(company_id))))
        return LR_ESTORE;
    if ((rc = sql_step(t)) == SQL_ROW)
        h->events = sql_col_int64(t, 0);
    sql_reset(t);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "counting events");
}

lr_status store_chain_walk(lr_store *base, int64_t company_id, store_chain_cb cb, void *ctx,
                           lr_error *err)
{
    sql_store *s = S(base);
    int64_t after = 0;
    for (;;) {
        sql_stmt *t = stmt_with(s, C_WALK, err, SQ_INT(company_id), SQ_INT(after),
                                SQ_INT(WALK_PAGE));
        size_t n = 0;
        int rc, stop = 0;
        if (!t)
            return LR_ESTORE;
        while (!stop && (rc = sql_step(t)) == SQL_ROW) {
            lr_chain_row r = {{company_id, sql_col_int64(t, 0), sql_col_int64(t, 5),
                               sql_col_int64(t, 8), sql_col_int(t, 6), sql_col_text(t, 1),
                               sql_col_text(t, 2), sql_col_text(t, 3), sql_col_text(t, 4),
                               sql_col_text(t, 7), sql_col_text(t, 9)},
                              sql_col_text(t, 10)};
            after = r.e.id;
            n++;
            stop = cb(ctx, &r);
        }
        sql_reset(t);
        if (stop)
            return LR_OK;
        if (rc != SQL_DONE)
            return sq_db_fail(s, err, "reading the chain");
        if (n < WALK_PAGE)
            return LR_OK;
    }
}

lr_status store_chain_gaps(lr_store *base, int64_t company_id, store_gap_cb cb, void *ctx,
                           lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *t = stmt_with(s, C_GAPS, err, SQ_INT(company_id));
    int rc;
    if (!t)
        return LR_ESTORE;
    while ((rc = sql_step(t)) == SQL_ROW)
        if (cb(ctx, sql_col_int64(t, 0), sql_col_text(t, 1))) {
            rc = SQL_DONE;
            break;
        }
    sql_reset(t);
    return rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, "reading the chain's gaps");
}

lr_status store_chain_seal(lr_store *base, int64_t company_id, int64_t *linked, lr_error *err)
{
    sql_store *s = S(base);
    lr_chain_head h;
    lr_status st;
    *linked = 0;
    if ((st = store_begin(base, err)) != LR_OK)
        return st;
    if ((st = store_lock_company(base, company_id, err)) == LR_OK &&
        (st = read_head(s, company_id, &h, err)) == LR_OK && h.pending)
        st = seal_backlog(s, company_id, &h, linked, err);
    if (st == LR_OK)
        return store_commit(base, err);
    store_rollback(base);
    return st;
}
