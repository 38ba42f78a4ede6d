/*
 * malion_poll — MaLion operation logs to events, page by page (see
 * malion_poll.h).
 */
#include "service/malion_poll.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/event_parse.h"
#include "service/company_lease.h"
#include "service/ingest.h"
#include "service/malion_settings.h"
#include "sources/malion.h"
#include "util/clock.h"
#include "util/env.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"
#include "util/worker.h"

void malion_poll_cfg_default(malion_poll_cfg *cfg)
{
    cfg->timeout_ms = env_long("LOGINREC_MALION_TIMEOUT_MS", 30000, 100, 600000);
    cfg->page_size = (int)env_long("LOGINREC_MALION_PAGE_SIZE", 500, 1, MALION_PAGE_MAX);
    cfg->max_pages = 200;
}

/* The event of a log; 0 when the log is unusable (bad time, empty user). */
static int to_event(const lr_company *c, const malion_log *g, lr_event *e)
{
    int64_t wall;
    int has_offset;
    memset(e, 0, sizeof *e);
    snprintf(e->source, sizeof e->source, "malion");
    if (!text_trim_copy(g->user, e->account, sizeof e->account) || text_has_control(e->account) ||
        text_has_control(g->agent_name) || text_has_control(g->agent_version))
        return 0;
    event_account_normalise(e->account);
    if (!e->account[0])
        return 0;
    snprintf(e->host, sizeof e->host, "%s", g->agent_name);
    snprintf(e->op, sizeof e->op, "%s", malion_op(g->operation));
    snprintf(e->version, sizeof e->version, "%s", g->agent_version);
    if (tf_parse_datetime(g->time, &wall, &has_offset, &e->offset_sec, NULL) != LR_OK)
        return 0;
    if (has_offset)
        e->utc = wall - e->offset_sec;
    else
        tz_utc_of_wall(c->tz, wall, &e->utc, &e->offset_sec);
    e->raw = g->raw;
    return 1;
}

/* Stores one page and the cursor after it, in one transaction. */
static lr_status store_page(lr_store *s, const lr_company *c, const malion_page *pg,
                            malion_poll_stats *st, lr_error *err)
{
    ingest_run run;
    ingest_result res;
    lr_status rc = ingest_begin(&run, s, c, err);
    if (rc != LR_OK)
        return rc;
    for (size_t i = 0; i < pg->n && rc == LR_OK; i++) {
        const malion_log *g = &pg->logs[i];
        lr_event e;
        st->logs++;
        if (!g->attendance_code[0]) {
            st->no_code++; /* only agents with an 出退勤システム連携コード are collected */
            continue;
        }
        if (!to_event(c, g, &e)) {
            st->bad++;
            log_warn("malion %s: log %s skipped: unreadable time '%.40s' or user", c->code, g->id,
                     g->time);
            continue;
        }
        rc = ingest_add(&run, &e, err);
    }
    if (rc == LR_OK)
        rc = store_malion_cursor_set(s, c->id, pg->next_cursor, (int64_t)pg->n, err);
    if (rc != LR_OK) {
        ingest_abort(&run);
        return rc;
    }
    if ((rc = ingest_commit(&run, &res, err)) != LR_OK)
        return rc;
    st->events += res.accepted;
    st->duplicates += res.duplicates;
    st->punches.added += res.punches.added;
    st->punches.replaced += res.punches.replaced;
    st->punches.retracted += res.punches.retracted;
    return LR_OK;
}

/* Signs in with the company's codes. */
static lr_status sign_in(lr_store *s, const lr_company *c, const lr_secrets *sec,
                         malion_client *m, lr_error *err)
{
    char *secret = NULL;
    malion_failure why;
    lr_status st = malion_settings_secret(s, c, sec, &secret, err);
    if (st == LR_OK)
        st = malion_authenticate(m, c->malion_admin_code, secret, &why, err);
    secrets_free_plain(secret);
    return st;
}

/* Reads pages until the end (or max_pages). */
static lr_status read_pages(lr_store *s, const lr_company *c, const lr_secrets *sec,
                            const malion_poll_cfg *cfg, malion_client *m, malion_poll_stats *st,
                            lr_error *err)
{
    lr_status rc = sign_in(s, c, sec, m, err);
    int fresh = 1; /* signed in since the last page */
    for (int pages = 0; rc == LR_OK && pages < cfg->max_pages;) {
        lr_malion_state ms;
        malion_page pg;
        malion_failure why;
        int more;
        if ((rc = store_malion_state_get(s, c->id, &ms, err)) != LR_OK)
            break;
        rc = malion_fetch(m, ms.cursor, cfg->page_size, &pg, &why, err);
        if (rc != LR_OK) {
            if (why == MALION_EXPIRED && !fresh) {
                st->reauths++; /* the token expired mid-way: sign in again, same page */
                rc = sign_in(s, c, sec, m, err);
                fresh = 1;
            }
            continue;
        }
        fresh = 0;
        pages++;
        st->pages++;
        rc = store_page(s, c, &pg, st, err);
        more = pg.has_more;
        if (rc == LR_OK && more && strcmp(pg.next_cursor, ms.cursor) == 0)
            rc = lr_fail(err, LR_EIO, "MaLion says there is more but its cursor did not move (%s)",
                         ms.cursor);
        malion_page_free(&pg);
        if (!more)
            break;
    }
    return rc;
}

lr_status malion_poll_company(lr_store *s, const char *code, const lr_secrets *sec,
                              const malion_poll_cfg *cfg, malion_poll_stats *st, lr_error *err)
{
    lr_company c;
    malion_client *m = NULL;
    char missing[300];
    lr_status rc;
    lr_error rec;
    /* the attempt is dated by its start, when it read the settings: a
     * change during it is newer, so the poll is due again and its error is
     * shown as from before the change */
    int64_t started = clock_now();

    memset(st, 0, sizeof *st);
    if ((rc = store_company_get(s, code, &c, err)) != LR_OK)
        return rc;
    malion_settings_missing(s, &c, missing, sizeof missing);
    if (missing[0])
        rc = lr_fail(err, LR_ENOTFOUND, "MaLion連携 is missing %s", missing);
    else if ((rc = malion_client_new(c.malion_host, cfg->timeout_ms, &m, err)) == LR_OK)
        rc = read_pages(s, &c, sec, cfg, m, st, err);
    malion_client_free(m);
    if (store_malion_result(s, c.id, started, lr_status_code(rc),
                            rc == LR_OK ? "" : err->message, &rec) != LR_OK)
        log_error("malion %s: %s", code, rec.message);
    return rc;
}

lr_status malion_poll_test(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                           lr_error *err)
{
    lr_company c;
    malion_client *m = NULL;
    char missing[300];
    lr_status rc;

    if ((rc = store_company_get(s, code, &c, err)) != LR_OK)
        return rc;
    malion_settings_missing(s, &c, missing, sizeof missing);
    if (missing[0])
        return lr_fail(err, LR_ENOTFOUND, "MaLion連携 is missing %s", missing);
    if ((rc = malion_client_new(c.malion_host, timeout_ms, &m, err)) == LR_OK)
        rc = sign_in(s, &c, sec, m, err);
    malion_client_free(m);
    return rc;
}

/* ---- the background thread ---- */

struct malion_poller {
    worker *w;
    lr_store *s;
    lr_secrets sec;
    malion_poll_cfg cfg;
    long interval_s;
    void (*queued)(void *);
    void *queued_ctx;
};

typedef struct due_company {
    int64_t id;
    char code[8];
} due_company;

typedef struct due_list {
    due_company *v;
    size_t n, cap;
    lr_store *s;
    long interval_s;
} due_list;

/* The company's poll is due: interval_s after its last attempt, or at
 * once after its settings changed (a fix is tried without waiting). */
static int poll_is_due(lr_store *s, int64_t company_id, long interval_s)
{
    lr_malion_state ms;
    return store_malion_state_get(s, company_id, &ms, NULL) == LR_OK &&
           (clock_now() - ms.attempt_at >= interval_s || ms.settings_at >= ms.attempt_at);
}

static int keep_due(void *ctx, const lr_company *c)
{
    due_list *d = ctx;
    if (!c->malion_enabled || !poll_is_due(d->s, c->id, d->interval_s))
        return 0;
    if (!vec_room((void **)&d->v, &d->cap, d->n, sizeof *d->v))
        return 1;
    d->v[d->n].id = c->id;
    memcpy(d->v[d->n++].code, c->code, sizeof c->code);
    return 0;
}

/* One round: every company whose poll is due. */
static int poll_due(void *arg)
{
    malion_poller *p = arg;
    due_list due = {NULL, 0, 0, p->s, p->interval_s};
    lr_error err;
    if (store_companies_list(p->s, keep_due, &due, &err) != LR_OK)
        log_error("malion poller: %s", err.message);
    for (size_t i = 0; i < due.n; i++) {
        const due_company *c = &due.v[i];
        malion_poll_stats st = {0};
        /* instances sharing the database: one polls a company at a time,
         * and looks again whether the poll is due once it holds the lease */
        if (!company_lease_take(p->s, "malion", c->id))
            continue;
        lr_error_clear(&err);
        if (poll_is_due(p->s, c->id, p->interval_s)) {
            lr_status rc = malion_poll_company(p->s, c->code, &p->sec, &p->cfg, &st, &err);
            metrics_malion_poll(rc == LR_OK ? "ok" : "error");
            /* what pages committed counts, even when a later page failed */
            metrics_ingest("malion", st.events, st.duplicates, st.bad, rederive_queued(&st.punches));
            if (rc != LR_OK)
                log_warn("malion %s: %s", c->code, err.message);
        }
        company_lease_drop(p->s, "malion", c->id);
        if (st.pages)
            log_info("malion %s: %zu page(s), %zu logs, %zu new events, %zu duplicates, %zu "
                     "without attendance code, punches +%zu ~%zu -%zu",
                     c->code, st.pages, st.logs, st.events, st.duplicates, st.no_code,
                     st.punches.added, st.punches.replaced, st.punches.retracted);
        if (p->queued && rederive_queued(&st.punches))
            p->queued(p->queued_ctx);
    }
    free(due.v);
    return 0;
}

lr_status malion_poller_start(const char *db, const lr_secrets *sec, const malion_poll_cfg *cfg,
                              long interval_s, void (*queued)(void *), void *queued_ctx,
                              malion_poller **out, lr_error *err)
{
    malion_poller *p = calloc(1, sizeof *p);
    long tick_ms;
    lr_status st;
    if (!p)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    if ((st = store_open(db, &p->s, err)) != LR_OK) {
        free(p);
        return st;
    }
    p->sec = *sec;
    p->cfg = *cfg;
    p->interval_s = interval_s;
    p->queued = queued;
    p->queued_ctx = queued_ctx;
    /* Looking for due companies lists them all: do it a tenth of an interval
     * apart (1 s to 30 s), not every second whatever the interval. */
    tick_ms = interval_s * 100;
    tick_ms = tick_ms < 1000 ? 1000 : tick_ms > 30000 ? 30000 : tick_ms;
    if ((st = worker_start("MaLion poller", poll_due, p, tick_ms, &p->w, err)) != LR_OK) {
        store_close(p->s);
        sodium_memzero(&p->sec, sizeof p->sec);
        free(p);
        return st;
    }
    *out = p;
    return LR_OK;
}

void malion_poller_stop(malion_poller *p)
{
    if (!p)
        return;
    worker_stop(p->w);
    store_close(p->s);
    sodium_memzero(&p->sec, sizeof p->sec);
    free(p);
}
