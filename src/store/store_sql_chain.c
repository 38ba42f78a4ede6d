/*
 * store_sql_chain — the events' hash chain (see store_chain.h): appended
 * at insert, the backlog of events stored before it linked, the places a
 * purge leaves recorded, walked for verify. A company's events in chain
 * order come from log_events_chain (company_id, chain_seq).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

enum { WALK_PAGE = 4096 };

#define EVENT_CHAIN_COLS "id, source, account, host, op, ts_utc, ts_offset, version, received_at, raw"
#define STATEMENTS(X)                                                                              \
    X(C_HEAD, "SELECT chain_id, chain_seq, chain_head, chain_pending FROM companies WHERE id = ?1") \
    X(C_COUNT, "SELECT count(*) FROM log_events WHERE company_id = ?1")                            \
    X(C_UNLINKED, "SELECT count(*), COALESCE(min(id), 0) FROM log_events WHERE company_id = ?1 "   \
                  "AND chain_seq IS NULL")                                                         \
    X(C_SET_HEAD, "UPDATE companies SET chain_id = ?2, chain_seq = ?3, chain_head = ?4, "          \
                  "chain_pending = 0 WHERE id = ?1")                                               \
    X(C_SET_LINK, "UPDATE log_events SET chain = ?2, chain_seq = ?3 WHERE id = ?1")                \
    /* a driver with arrays: the rows above in one statement */            \
    X(C_SET_LINKS, "UPDATE log_events SET chain = u.h, chain_seq = u.q FROM unnest(?1::bigint[], " \
                   "?2::text[], ?3::bigint[]) AS u(id, h, q) WHERE log_events.id = u.id")          \
    /* the backlog: events stored before the chain, in the order stored */ \
    X(C_PENDING, "SELECT " EVENT_CHAIN_COLS " FROM log_events WHERE company_id = ?1 AND "          \
                 "chain_seq IS NULL AND id > ?2 ORDER BY id LIMIT ?3")                             \
    X(C_WALK, "SELECT " EVENT_CHAIN_COLS ", COALESCE(chain, ''), chain_seq FROM log_events WHERE " \
              "company_id = ?1 AND chain_seq > ?2 ORDER BY chain_seq LIMIT ?3")                    \
    X(C_LINK_OF, "SELECT COALESCE(chain, '') FROM log_events WHERE id = ?1 AND company_id = ?2") \
    X(C_GAPS, "SELECT seq, prev, mac FROM chain_gaps WHERE company_id = ?1 ORDER BY seq")          \
    /* a place's predecessor never changes: a later purge keeps the record */ \
    X(C_GAP_PUT, "INSERT INTO chain_gaps (company_id, seq, prev, mac, made_at) VALUES (?1, ?2, "   \
                 "?3, ?4, ?5) ON CONFLICT (company_id, seq) DO NOTHING")                           \
    /* a purge: the events it removes in chain order with their links */   \
    X(C_PURGED, "SELECT chain_seq, COALESCE(chain, '') FROM log_events WHERE company_id = ?1 AND " \
                "ts_utc < ?2 ORDER BY chain_seq")                                                  \
    X(C_GAPS_DROP, "DELETE FROM chain_gaps WHERE company_id = ?1 AND seq IN (SELECT chain_seq "    \
                   "FROM log_events WHERE company_id = ?1 AND ts_utc < ?2)")

SQ_STATEMENTS(SQ_CHAIN_BASE, SQ_SLOTS);

/* The event of a row of EVENT_CHAIN_COLS, at place seq. */
static chain_event row_event(sql_stmt *t, int64_t company_id, int64_t seq)
{
    chain_event e = {company_id,          seq,                 sql_col_int64(t, 5),
                     sql_col_int64(t, 8), sql_col_int(t, 6),   sql_col_text(t, 1),
                     sql_col_text(t, 2),  sql_col_text(t, 3),  sql_col_text(t, 4),
                     sql_col_text(t, 7),  sql_col_text(t, 9),  sql_col_int64(t, 0)};
    return e;
}

static lr_status read_head(sql_store *s, int64_t company_id, lr_chain_head *h, lr_error *err)
{
    sql_stmt *st = stmt_with(s, C_HEAD, err, SQ_INT(company_id));
    int rc;
    memset(h, 0, sizeof *h);
    if (!st)
        return LR_ESTORE;
    if ((rc = sql_step(st)) == SQL_ROW) {
        h->id = sql_col_int64(st, 0);
        h->seq = sql_col_int64(st, 1);
        sq_copy_col(st, 2, h->link, sizeof h->link);
        h->pending = sql_col_int(st, 3);
    }
    sql_reset(st);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "reading the chain's head");
}

static lr_status put_gap(sql_store *s, int64_t company_id, int64_t seq, const char *prev,
                         const unsigned char *gap_key, lr_error *err)
{
    char mac[CHAIN_HEX];
    sql_stmt *st;
    chain_gap_mac(gap_key, company_id, seq, prev, mac);
    st = stmt_with(s, C_GAP_PUT, err, SQ_INT(company_id), SQ_INT(seq), SQ_TEXT(prev),
                   SQ_TEXT(mac), SQ_INT(clock_now()));
    return sq_run(s, st, err, "recording where the chain resumes");
}

/* Writes links[i] at place first_seq + i to ids[i] for i < n, then the
 * head. */
static lr_status write_links(sql_store *s, int64_t company_id, const int64_t *ids,
                             char (*links)[CHAIN_HEX], int64_t first_seq, size_t n, lr_error *err)
{
    sq_param *ps;
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(3 * n * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[3 * i] = SQ_INT(ids[i]);
        ps[3 * i + 1] = SQ_TEXT(links[i]);
        ps[3 * i + 2] = SQ_INT(first_seq + (int64_t)i);
    }
    st = sq_run_rows(s, rows_stmt(s, C_SET_LINK, C_SET_LINKS, err), ps, 3, n, NULL, 0, NULL, err,
                     "linking events");
    free(ps);
    if (st == LR_OK) {
        sql_stmt *t = stmt_with(s, C_SET_HEAD, err, SQ_INT(company_id), SQ_INT(ids[n - 1]),
                                SQ_INT(first_seq + (int64_t)n - 1), SQ_TEXT(links[n - 1]));
        st = sq_run(s, t, err, "moving the chain's head");
    }
    return st;
}

/* The pending backlog: every event without a place, from the table, in
 * the order stored, in pages; h is moved along. */
static lr_status seal_backlog(sql_store *s, int64_t company_id, lr_chain_head *h, int64_t *linked,
                              lr_error *err)
{
    int64_t ids[WALK_PAGE], after = 0;
    char(*links)[CHAIN_HEX] = malloc(WALK_PAGE * sizeof *links);
    lr_status st = LR_OK;
    if (!links)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if (!h->link[0])
        memcpy(h->link, chain_genesis, CHAIN_HEX);
    for (;;) {
        sql_stmt *t = stmt_with(s, C_PENDING, err, SQ_INT(company_id), SQ_INT(after),
                                SQ_INT(WALK_PAGE));
        size_t n = 0;
        int rc;
        if (!t) {
            st = LR_ESTORE;
            break;
        }
        while ((rc = sql_step(t)) == SQL_ROW) {
            chain_event e = row_event(t, company_id, h->seq + (int64_t)n + 1);
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
        if ((st = write_links(s, company_id, ids, links, h->seq + 1, n, err)) != LR_OK)
            break;
        after = h->id = ids[n - 1];
        h->seq += (int64_t)n;
        memcpy(h->link, links[n - 1], CHAIN_HEX);
        *linked += (int64_t)n;
        if (n < WALK_PAGE)
            break;
    }
    free(links);
    return st;
}

void sq_chain_plan_free(chain_plan *p)
{
    free(p->links);
    p->links = NULL;
}

static chain_event event_at(int64_t company_id, const lr_event *e, int64_t seq)
{
    chain_event c = {company_id, seq,       e->utc,  e->received_at, e->offset_sec,
                     e->source,  e->account, e->host, e->op,          e->version,
                     e->raw ? e->raw : "",   e->id};
    return c;
}

lr_status sq_chain_plan(sql_store *s, int64_t company_id, const lr_event *events, size_t n,
                        chain_plan *p, lr_error *err)
{
    lr_status st;
    memset(p, 0, sizeof *p);
    if ((st = read_head(s, company_id, &p->head, err)) != LR_OK)
        return st;
    /* events stored before the chain existed are linked first, after the
     * insert: this batch's go with them */
    if (p->head.pending || n == 0)
        return LR_OK;
    if (!(p->links = malloc(n * sizeof *p->links)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if (!p->head.link[0])
        memcpy(p->head.link, chain_genesis, CHAIN_HEX);
    for (size_t i = 0; i < n; i++) {
        chain_event c = event_at(company_id, &events[i], p->head.seq + (int64_t)i + 1);
        chain_link(i ? p->links[i - 1] : p->head.link, &c, p->links[i]);
    }
    p->planned = 1;
    return LR_OK;
}

lr_status sq_chain_settle(sql_store *s, int64_t company_id, const lr_event *events, size_t n,
                          chain_plan *p, lr_error *err)
{
    int64_t *ids, linked = 0;
    char(*links)[CHAIN_HEX];
    size_t k = 0, stored = 0;
    lr_status st;
    sql_stmt *t;
    if (!p->planned)
        return p->head.pending ? seal_backlog(s, company_id, &p->head, &linked, err) : LR_OK;
    for (size_t i = 0; i < n; i++)
        stored += events[i].id > 0;
    if (stored == 0)
        return LR_OK;
    /* the usual case: every event stored, each at the place planned */
    if (stored == n) {
        t = stmt_with(s, C_SET_HEAD, err, SQ_INT(company_id), SQ_INT(events[n - 1].id),
                      SQ_INT(p->head.seq + (int64_t)n), SQ_TEXT(p->links[n - 1]));
        return sq_run(s, t, err, "moving the chain's head");
    }
    /* a duplicate took no place: the stored ones are linked again, in
     * order, at the places that follow each other */
    ids = malloc(stored * sizeof *ids);
    links = malloc(stored * sizeof *links);
    if (!ids || !links) {
        free(ids);
        free(links);
        return lr_fail(err, LR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        chain_event c;
        if (events[i].id <= 0)
            continue;
        c = event_at(company_id, &events[i], p->head.seq + (int64_t)k + 1);
        ids[k] = events[i].id;
        chain_link(k ? links[k - 1] : p->head.link, &c, links[k]);
        k++;
    }
    st = write_links(s, company_id, ids, links, p->head.seq + 1, k, err);
    free(ids);
    free(links);
    return st;
}

lr_status sq_chain_purge(sql_store *s, int64_t company_id, int64_t before_utc,
                         const unsigned char *gap_key, lr_error *err)
{
    lr_chain_head h;
    sql_stmt *st;
    int64_t linked = 0, last = -1;
    char last_link[CHAIN_HEX] = "";
    lr_status r = read_head(s, company_id, &h, err);
    int rc;
    if (r == LR_OK && h.pending)
        r = seal_backlog(s, company_id, &h, &linked, err);
    if (r != LR_OK)
        return r;
    if (!(st = stmt_with(s, C_PURGED, err, SQ_INT(company_id), SQ_INT(before_utc))))
        return LR_ESTORE;
    /* the place after each run of removed places follows the run's last
     * link: recorded (the head's next place too, for the event to come) */
    while (r == LR_OK && (rc = sql_step(st)) == SQL_ROW) {
        int64_t seq = sql_col_int64(st, 0);
        if (last >= 0 && seq != last + 1)
            r = put_gap(s, company_id, last + 1, last_link, gap_key, err);
        last = seq;
        sq_copy_col(st, 1, last_link, sizeof last_link);
    }
    sql_reset(st);
    if (r == LR_OK && rc != SQL_DONE)
        r = sq_db_fail(s, err, "reading the events to purge");
    if (r == LR_OK && last >= 0)
        r = put_gap(s, company_id, last + 1, last_link, gap_key, err);
    if (r == LR_OK) {
        sql_stmt *d = stmt_with(s, C_GAPS_DROP, err, SQ_INT(company_id), SQ_INT(before_utc));
        r = sq_run(s, d, err, "dropping the records of removed places");
    }
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
    if (rc != SQL_ROW)
        return sq_db_fail(s, err, "counting events");
    if (!(t = stmt_with(s, C_UNLINKED, err, SQ_INT(company_id))))
        return LR_ESTORE;
    if ((rc = sql_step(t)) == SQL_ROW) {
        h->unlinked = sql_col_int64(t, 0);
        h->first_unlinked = sql_col_int64(t, 1);
    }
    sql_reset(t);
    return rc == SQL_ROW ? LR_OK : sq_db_fail(s, err, "counting unlinked events");
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
            lr_chain_row r = {row_event(t, company_id, sql_col_int64(t, 11)),
                              sql_col_int64(t, 11), sql_col_text(t, 10)};
            after = r.seq;
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

lr_status store_chain_link_of(lr_store *base, int64_t company_id, int64_t id,
                              char link[CHAIN_HEX], int *found, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *t = stmt_with(s, C_LINK_OF, err, SQ_INT(id), SQ_INT(company_id));
    int rc;
    *found = 0;
    link[0] = '\0';
    if (!t)
        return LR_ESTORE;
    if ((rc = sql_step(t)) == SQL_ROW) {
        sq_copy_col(t, 0, link, CHAIN_HEX);
        *found = 1;
    }
    sql_reset(t);
    return rc == SQL_ROW || rc == SQL_DONE ? LR_OK : sq_db_fail(s, err, "reading a link");
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
        if (cb(ctx, sql_col_int64(t, 0), sql_col_text(t, 1), sql_col_text(t, 2))) {
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
