/*
 * kot_deliver — claims in batches, calls at send slots, finishes in
 * batches (see kot_deliver.h).
 */
#include "service/kot_deliver.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/kot_budget.h"
#include "service/kot_settings.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/vec.h"

#define BATCH_SECONDS 2 /* a batch is about this much of the company's rate */
#define BATCH_MAX 200
#define GROUP_MAX 40 /* employees whose day one read-back asks for */
#define LIST_MS 1000 /* the company list is read again this often */
#define TAKE_GAP_MS 20 /* kicks closer than this share one take (and its commit) */
#define TAKE_COMPANIES 32 /* a take's companies at most: a short transaction, so
                             that no call waits long past its slot behind it */
#define LOOKAHEAD_MS 1000 /* a company with more due takes its next batch
                             while this much of its current one is left */
#define FLUSH_GAP_MS 50 /* ended rows are written together, at most this late */
#define FLUSH_MAX 256

typedef struct lane lane;

/*
 * Two sides, which loginrecd runs on two threads so that no call waits
 * behind a commit (a take can wait hundreds of milliseconds for SQLite's
 * write lock while requests ingest):
 *   - the store side (list, take, flush) reads and writes the store;
 *   - the send side (start_due, the answers) owns the transport.
 * `mu` guards what both touch: the lanes array, each lane's queue (head,
 * tail_ms), in_flight and conn, the ended list, `open` and the live list.
 * A lane's settings (c), hungry and stats are the store side's alone; a
 * job in flight is the send side's alone.
 */

/* One row's attempt in the runner. */
typedef struct job {
    kd_row r;
    lane *l;
    int64_t due_ms;   /* its call may start then (its send slot) */
    int64_t spare_ms; /* a second slot (the POST after a read-back); 0: none */
    struct job *next; /* the lane's queue, by due_ms */
    struct job *follow; /* rows of the same day read back by this job's call */
    struct job *live_prev, *live_next; /* every job alive, for kot_deliver_free */
} job;

/* A company: its settings, its calls waiting for their slot. */
struct lane {
    lr_company c;
    int listed;    /* in the last company list */
    kot_conn *conn;
    int64_t conn_ms; /* when conn was made (settings are read again each LIST_MS) */
    job *head;     /* waiting for their slot, by due_ms */
    int64_t tail_ms; /* the last slot queued */
    int hungry;    /* its last take was a full batch: more may be due */
    size_t in_flight;
    dispatch_stats st; /* since its last log line */
    int64_t logged_ms;
    int warned;    /* its connection could not be made; said once */
};

struct kot_deliver {
    lr_store *s;
    lr_secrets sec;
    dispatch_cfg cfg;
    kot_transport *tp;
    pthread_mutex_t mu;
    pthread_cond_t store_cv; /* the store side waits on it: a kick, rows ended */
    lane **lanes;
    size_t nlanes, caplanes;
    int64_t only;
    int quiet; /* no log line a second (kot_deliver_drain: the caller reports) */
    int64_t now_ms;  /* the store side's pass in progress */
    int64_t send_ms; /* the send side's */
    int64_t listed_ms, recovered_ms, looked_ms;
    size_t last_take; /* rows the last take took */
    int more; /* the last take left due companies for the next */
    size_t take_from; /* where among the due companies the next take starts */
    atomic_int kicked;
    int store_wake; /* a kick or a first ended row since the store side last looked (mu) */
    job *live;   /* every job alive */
    job **ended; /* attempts over, to finish in the store */
    size_t nended, capended;
    int64_t ended_ms; /* when the oldest of them ended */
    int ended_apart; /* a take with them failed: written by flush alone until one succeeds */
    size_t open;
    dispatch_stats total;
};

lr_status kot_deliver_new(lr_store *s, const lr_secrets *sec, const dispatch_cfg *cfg,
                          kot_transport *tp, kot_deliver **out, lr_error *err)
{
    kot_deliver *dl = calloc(1, sizeof *dl);
    if (!dl)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    dl->s = s;
    dl->sec = *sec;
    dl->cfg = *cfg;
    dl->tp = tp;
    dl->listed_ms = dl->recovered_ms = dl->looked_ms = INT64_MIN / 2;
    atomic_init(&dl->kicked, 0);
    pthread_mutex_init(&dl->mu, NULL);
    pthread_cond_init(&dl->store_cv, NULL);
    *out = dl;
    return LR_OK;
}

void kot_deliver_only(kot_deliver *dl, int64_t company_id)
{
    dl->only = company_id;
}

void kot_deliver_kick(kot_deliver *dl)
{
    atomic_store(&dl->kicked, 1);
    pthread_mutex_lock(&dl->mu);
    dl->store_wake = 1;
    pthread_cond_signal(&dl->store_cv);
    pthread_mutex_unlock(&dl->mu);
    dl->tp->ops->wake(dl->tp);
}

size_t kot_deliver_open(kot_deliver *dl)
{
    size_t n;
    pthread_mutex_lock(&dl->mu);
    n = dl->open;
    pthread_mutex_unlock(&dl->mu);
    return n;
}

static void add_stats(dispatch_stats *to, const dispatch_stats *from)
{
    to->rows += from->rows;
    to->sent += from->sent;
    to->already_there += from->already_there;
    to->superseded += from->superseded;
    to->skipped += from->skipped;
    to->retried += from->retried;
    to->failed += from->failed;
    to->calls += from->calls;
    to->waiting += from->waiting;
}

void kot_deliver_stats(kot_deliver *dl, dispatch_stats *st)
{
    add_stats(st, &dl->total);
    memset(&dl->total, 0, sizeof dl->total);
}

/* ---- companies ---- */

static lane *lane_of(kot_deliver *dl, int64_t company_id)
{
    for (size_t i = 0; i < dl->nlanes; i++)
        if (dl->lanes[i]->c.id == company_id)
            return dl->lanes[i];
    return NULL;
}

/* Reads the companies (outside the lock), then makes their lanes. */
static void list_companies(kot_deliver *dl)
{
    lr_company *cs = NULL;
    size_t n = 0;
    lr_error err;
    dl->listed_ms = dl->now_ms;
    if (store_companies_all(dl->s, &cs, &n, &err) != LR_OK) {
        log_error("delivery: %s", err.message);
        return;
    }
    for (size_t i = 0; i < dl->nlanes; i++)
        dl->lanes[i]->listed = 0;
    pthread_mutex_lock(&dl->mu);
    for (size_t i = 0; i < n; i++) {
        lane *l = lane_of(dl, cs[i].id);
        if (dl->only && cs[i].id != dl->only)
            continue;
        if (!l) {
            if (!vec_room((void **)&dl->lanes, &dl->caplanes, dl->nlanes, sizeof *dl->lanes) ||
                !(l = calloc(1, sizeof *l)))
                break;
            dl->lanes[dl->nlanes++] = l;
        }
        l->c = cs[i];
        l->listed = 1;
    }
    pthread_mutex_unlock(&dl->mu);
    free(cs);
}

/* ---- taking due rows ---- */

typedef struct due_ids {
    lr_due_company *v;
    size_t n, cap;
} due_ids;

static int keep_due(void *ctx, const lr_due_company *c)
{
    due_ids *d = ctx;
    if (!vec_room((void **)&d->v, &d->cap, d->n, sizeof *d->v))
        return 1;
    d->v[d->n++] = *c;
    return 0;
}

static size_t batch_of(const lane *l)
{
    double n = l->c.kot_rate * BATCH_SECONDS; /* rounded up, at least one */
    return n < 1 ? 1 : n >= BATCH_MAX ? BATCH_MAX : (size_t)n + (n > (double)(size_t)n);
}

/* Inserts j into its lane's queue by due_ms. */
static void enqueue(job *j)
{
    job **p = &j->l->head;
    if (j->due_ms > j->l->tail_ms)
        j->l->tail_ms = j->due_ms;
    while (*p && (*p)->due_ms <= j->due_ms)
        p = &(*p)->next;
    j->next = *p;
    *p = j;
}

/* A job of the take in progress: the store side's until it is queued. */
static job *job_new(lane *l)
{
    job *j = calloc(1, sizeof *j);
    if (j)
        j->l = l;
    return j;
}

/* Makes a job of the runner's (under mu): counted open, freed with it. */
static void job_live(kot_deliver *dl, job *j)
{
    j->live_prev = NULL;
    j->live_next = dl->live;
    if (dl->live)
        dl->live->live_prev = j;
    dl->live = j;
    dl->open++;
}

/* Frees a job (a live one under mu). */
static void job_free(kot_deliver *dl, job *j)
{
    if (j->live_prev)
        j->live_prev->live_next = j->live_next;
    else if (dl->live == j)
        dl->live = j->live_next;
    if (j->live_next)
        j->live_next->live_prev = j->live_prev;
    kd_row_clear(&j->r);
    free(j);
}

/* The rows of one company taken in this pass. */
typedef struct taken {
    lane *l;
    job **calls; /* to claim, then queue */
    size_t ncalls;
    job **ends; /* ended without a call: finished in the same transaction */
    size_t nends;
} taken;

static lr_status finish_row(lr_store *s, const kd_row *r, lr_error *err)
{
    lr_status st = store_outbox_finish(s, r->d.id, r->end_state, r->reason,
                                       r->words[0] ? r->words : r->reason, r->uncertain,
                                       r->next_at, err);
    for (int i = 0; st == LR_OK && i < r->natt; i++) {
        const kd_attempt *t = &r->att[i];
        lr_attempt a = {r->d.id,    t->at,     t->http_status,  t->outcome,
                        t->request, t->answer, t->duration_ms};
        st = store_attempt_record(s, &a, err);
    }
    return st;
}

/* Read-backs of the same work day become one call asking for all their
 * employees (employeeKeys): after a crash a batch is uncertain as a whole,
 * and one call per day checks it. The followers get the leader's answer. */
static lr_status group_read_backs(taken *tk, size_t *leaders, lr_error *err)
{
    for (size_t i = 0; i < tk->ncalls; i++) {
        job *lead = tk->calls[i];
        const char *keys[GROUP_MAX];
        size_t nk = 0;
        kot_request q;
        lr_status st;
        if (!lead->r.reading_back)
            continue;
        (*leaders)++;
        keys[nk++] = lead->r.d.kot_key;
        for (size_t k = i + 1; k < tk->ncalls && nk < GROUP_MAX; k++) {
            job *f = tk->calls[k];
            if (!f->r.reading_back || strcmp(f->r.d.work_day, lead->r.d.work_day) != 0)
                continue;
            keys[nk++] = f->r.d.kot_key;
            f->follow = lead->follow;
            lead->follow = f;
            memmove(tk->calls + k, tk->calls + k + 1, (tk->ncalls - k - 1) * sizeof *tk->calls);
            tk->ncalls--;
            k--;
        }
        if (nk == 1)
            continue;
        st = kot_timerecords_get(lead->r.d.work_day, lead->r.d.work_day, keys, nk, &q, err);
        if (st != LR_OK)
            return st;
        kot_request_free(&lead->r.call);
        lead->r.call = q;
    }
    return LR_OK;
}

/* Claims j until its last call may have ended. */
static lr_status claim(kot_deliver *dl, job *j, int64_t lease_s, lr_error *err)
{
    lr_status st = store_outbox_claim(dl->s, j->r.d.id,
                                      (j->spare_ms ? j->spare_ms : j->due_ms) / 1000 + 1 + lease_s,
                                      err);
    /* the row was leased to this instance in this very transaction */
    return st == LR_EBUSY ? lr_fail(err, LR_EBUSY, "outbox row %lld changed hands mid-take",
                                     (long long)j->r.d.id)
                          : st;
}

/* Takes, begins, claims company tk->l's due rows, and takes the send slots
 * of their calls (inside the pass's transaction). */
static lr_status take_company(kot_deliver *dl, taken *tk, lr_delivery *rows, lr_error *err)
{
    lane *l = tk->l;
    kd_rules rules = {l->c.code, l->c.tz, l->c.break_punches,
                      strcmp(l->c.kot_mode, "record") == 0};
    size_t n = 0, max = batch_of(l), spares = 0, leaders = 0;
    int64_t first_us = 0, interval_us = kot_budget_interval_us(l->c.kot_rate);
    int64_t lease_s = (dl->cfg.timeout_ms + 999) / 1000 + 5, k;
    lr_status st = store_outbox_due(dl->s, l->c.id, dl->now_ms / 1000, dl->cfg.lease_s, rows, max,
                                    &n, err);

    dl->last_take += n;
    l->st.rows += n;
    l->hungry = n == max;
    if (st != LR_OK || n == 0)
        return st;
    tk->calls = calloc(n, sizeof *tk->calls);
    tk->ends = calloc(n, sizeof *tk->ends);
    if (!tk->calls || !tk->ends)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        job *j = job_new(l);
        if (!j)
            return lr_fail(err, LR_ENOMEM, "out of memory");
        if (kd_begin(&j->r, &rows[i], &rules, &dl->cfg, dl->now_ms) == KD_END) {
            tk->ends[tk->nends++] = j;
            if ((st = finish_row(dl->s, &j->r, err)) != LR_OK)
                return st;
            continue;
        }
        tk->calls[tk->ncalls++] = j;
        spares += (size_t)j->r.reading_back; /* a read-back may need its POST */
    }
    if (!tk->ncalls || (st = group_read_backs(tk, &leaders, err)) != LR_OK)
        return st;
    if ((st = kot_budget_take(dl->s, &l->c, (int)(tk->ncalls + spares), dl->now_ms * 1000,
                              &first_us, err)) != LR_OK)
        return st;
    /* the first calls in row order, then the POSTs after read-backs */
    k = (int64_t)tk->ncalls;
    for (size_t i = 0; st == LR_OK && i < tk->ncalls; i++) {
        job *j = tk->calls[i];
        j->due_ms = (first_us + (int64_t)i * interval_us) / 1000;
        for (job *f = j; st == LR_OK && f; f = f == j ? j->follow : f->follow) {
            f->spare_ms = f->r.reading_back ? (first_us + k++ * interval_us) / 1000 : 0;
            if (f != j)
                f->due_ms = j->due_ms;
            st = claim(dl, f, lease_s, err);
        }
    }
    return st;
}

static void taken_free(kot_deliver *dl, taken *tk, int keep)
{
    for (size_t i = 0; i < tk->ncalls && !keep; i++) {
        job *f = tk->calls[i]->follow;
        while (f) {
            job *next = f->follow;
            job_free(dl, f);
            f = next;
        }
        job_free(dl, tk->calls[i]);
    }
    for (size_t i = 0; i < tk->nends; i++)
        job_free(dl, tk->ends[i]);
    free(tk->calls);
    free(tk->ends);
}

/* A company ready for its next batch: nothing queued, or what is queued
 * goes within LOOKAHEAD_MS (its slots then run on without a gap). Under
 * mu. */
static int ready(const kot_deliver *dl, const lane *l)
{
    return !l->head || l->tail_ms - dl->now_ms < LOOKAHEAD_MS;
}

static void ended(kot_deliver *dl, job *j);
static void log_lane(kot_deliver *dl, lane *l, int idle);

/* The rows whose answers are in, taken out of the list (under mu) to be
 * written outside it: by a take's transaction, or by a flush of their own. */
typedef struct ended_batch {
    job **v;
    size_t n;
} ended_batch;

static ended_batch ended_take(kot_deliver *dl)
{
    ended_batch b;
    pthread_mutex_lock(&dl->mu);
    b.v = dl->ended;
    b.n = dl->nended;
    dl->ended = NULL;
    dl->nended = dl->capended = 0;
    pthread_mutex_unlock(&dl->mu);
    return b;
}

/* Their outcomes, in the transaction open on dl->s. */
static lr_status ended_write(kot_deliver *dl, const ended_batch *b, lr_error *err)
{
    lr_status st = LR_OK;
    for (size_t i = 0; st == LR_OK && i < b->n; i++)
        st = finish_row(dl->s, &b->v[i]->r, err);
    return st;
}

/* After the transaction: committed (st LR_OK), they are done and counted;
 * else they go back to the list, written a little later. */
static void ended_settle(kot_deliver *dl, ended_batch *b, lr_status st, const lr_error *err)
{
    if (!b->n) {
        free(b->v);
        return;
    }
    pthread_mutex_lock(&dl->mu);
    if (st != LR_OK) {
        for (size_t i = 0; i < b->n; i++)
            ended(dl, b->v[i]);
        dl->ended_ms = dl->now_ms;
        pthread_mutex_unlock(&dl->mu);
        log_error("delivery: recording what KING OF TIME answered: %s", err->message);
        free(b->v);
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        const kd_row *r = &b->v[i]->r;
        kd_tally(r, &b->v[i]->l->st);
        for (int k = 0; k < r->natt; k++)
            metrics_delivery(r->att[k].outcome);
        if (r->natt && strcmp(r->end_state, "done") == 0 &&
            (strcmp(r->reason, "sent") == 0 || strcmp(r->reason, "already_there") == 0))
            metrics_delivered((double)(r->att[r->natt - 1].at - r->d.created_at));
        job_free(dl, b->v[i]);
    }
    dl->open -= b->n;
    pthread_mutex_unlock(&dl->mu);
    free(b->v);
    for (size_t i = 0; i < dl->nlanes; i++) {
        lane *l = dl->lanes[i];
        int idle;
        pthread_mutex_lock(&dl->mu);
        idle = !l->head && !l->in_flight;
        pthread_mutex_unlock(&dl->mu);
        log_lane(dl, l, idle);
    }
}

/* One transaction of the store side: the batches of tks[0..ntk) claimed and
 * the answers of eb (NULL: none) written; a flush is one without claims. */
static lr_status write_tx(kot_deliver *dl, taken *tks, size_t ntk, lr_delivery *rows,
                         const ended_batch *eb, lr_error *err)
{
    lr_status st = store_begin(dl->s, err);
    if (st != LR_OK)
        return st;
    for (size_t i = 0; st == LR_OK && i < ntk; i++)
        st = take_company(dl, &tks[i], rows, err);
    if (st == LR_OK && eb)
        st = ended_write(dl, eb, err);
    st = st == LR_OK ? store_commit(dl->s, err) : st;
    if (st != LR_OK)
        store_rollback(dl->s);
    return st;
}

/* Writes the ended rows in a transaction of their own. */
static void flush(kot_deliver *dl)
{
    ended_batch b = ended_take(dl);
    lr_error err;
    lr_status st;
    if (!b.n) {
        free(b.v);
        return;
    }
    if ((st = write_tx(dl, NULL, 0, NULL, &b, &err)) == LR_OK)
        dl->ended_apart = 0; /* they go with takes again */
    ended_settle(dl, &b, st, &err);
}

/* Makes the lane's connection for this batch; 0 when it cannot be (no
 * token, the key): its rows stay pending. */
static int connect_lane(kot_deliver *dl, lane *l)
{
    lr_error err;
    kot_conn *c = NULL, *old;
    if (l->conn && dl->now_ms - l->conn_ms < LIST_MS)
        return 1;
    if (kot_settings_conn(dl->s, &l->c, &dl->sec, dl->cfg.timeout_ms, &c, &err) != LR_OK) {
        if (!l->warned)
            log_error("delivery: company %s: %s", l->c.code, err.message);
        l->warned = 1;
        return 0;
    }
    pthread_mutex_lock(&dl->mu);
    old = l->conn;
    l->conn = c;
    pthread_mutex_unlock(&dl->mu);
    kot_conn_free(old); /* calls in flight made their own copy */
    l->conn_ms = dl->now_ms;
    l->warned = 0;
    return 1;
}

static void take(kot_deliver *dl)
{
    due_ids due = {0};
    taken *tks = NULL;
    size_t ntk = 0;
    lr_delivery *rows = NULL;
    ended_batch eb;
    lr_error err;
    lr_status st;

    dl->looked_ms = dl->now_ms;
    dl->last_take = 0;
    dl->more = 0;
    if (store_outbox_due_companies(dl->s, dl->now_ms / 1000, keep_due, &due, &err) != LR_OK) {
        log_error("delivery: %s", err.message);
        return;
    }
    tks = calloc(due.n ? due.n : 1, sizeof *tks);
    rows = calloc(BATCH_MAX, sizeof *rows);
    if (!tks || !rows)
        goto out;
    /* a company with nothing due is not hungry any more */
    for (size_t i = 0; i < dl->nlanes; i++) {
        int is_due = 0;
        for (size_t k = 0; k < due.n && !is_due; k++)
            is_due = due.v[k].id == dl->lanes[i]->c.id;
        if (!is_due)
            dl->lanes[i]->hungry = 0;
    }
    /* from where the last take stopped, so that every company gets its turn */
    for (size_t k = 0; k < due.n; k++) {
        size_t i = (dl->take_from + k) % due.n;
        lane *l = lane_of(dl, due.v[i].id);
        int go;
        if (!l && (!dl->only || due.v[i].id == dl->only))
            dl->listed_ms = INT64_MIN / 2; /* a company new since the list: read it again */
        if (!l || !l->listed)
            continue;
        pthread_mutex_lock(&dl->mu);
        go = ready(dl, l);
        pthread_mutex_unlock(&dl->mu);
        if (!go)
            continue;
        if (ntk == TAKE_COMPANIES) {
            dl->more = 1;
            dl->take_from = i;
            break;
        }
        /* what decides this batch, as it is now (the rest: as of the list) */
        l->c.break_punches = due.v[i].break_punches;
        l->c.kot_rate = due.v[i].kot_rate;
        snprintf(l->c.kot_mode, sizeof l->c.kot_mode, "%s",
                 due.v[i].record_mode ? "record" : "punch");
        /* record mode makes no call: no connection, no token needed */
        if (due.v[i].record_mode || connect_lane(dl, l))
            tks[ntk++].l = l;
    }
    if (!ntk)
        goto out;
    /* the answers in since the last write go in the same commit: at load
     * one commit a take, not a take and a flush (bench/latency.sh counts
     * the fsyncs) */
    eb = dl->ended_apart ? (ended_batch){NULL, 0} : ended_take(dl);
    st = write_tx(dl, tks, ntk, rows, &eb, &err);
    if (st != LR_OK && eb.n) {
        /* what failed may be an answer the store refuses: it must not stop
         * every company's take. The answers go back, to be written on their
         * own (flush), and the take runs again without them. */
        ended_settle(dl, &eb, st, &err);
        eb = (ended_batch){NULL, 0};
        dl->ended_apart = 1;
        for (size_t i = 0; i < ntk; i++) {
            lane *l = tks[i].l;
            taken_free(dl, &tks[i], 0);
            tks[i] = (taken){.l = l};
        }
        st = write_tx(dl, tks, ntk, rows, NULL, &err);
    }
    ended_settle(dl, &eb, st, &err);
    if (st != LR_OK) {
        if (st != LR_EBUSY)
            log_error("delivery: taking due punches: %s", err.message);
        for (size_t i = 0; i < ntk; i++)
            taken_free(dl, &tks[i], 0);
        goto out;
    }
    pthread_mutex_lock(&dl->mu);
    for (size_t i = 0; i < ntk; i++) {
        for (size_t k = 0; k < tks[i].ncalls; k++) {
            enqueue(tks[i].calls[k]);
            for (job *f = tks[i].calls[k]; f; f = f->follow)
                job_live(dl, f);
        }
    }
    pthread_mutex_unlock(&dl->mu);
    dl->tp->ops->wake(dl->tp); /* the send side: new slots to keep */
    for (size_t i = 0; i < ntk; i++) {
        for (size_t k = 0; k < tks[i].nends; k++)
            kd_tally(&tks[i].ends[k]->r, &tks[i].l->st);
        taken_free(dl, &tks[i], 1);
    }
out:
    free(due.v);
    free(tks);
    free(rows);
}

/* ---- the send side: calls and answers ---- */

/* An attempt is over: to be finished by the store side (under mu). */
static void ended(kot_deliver *dl, job *j)
{
    if (vec_room((void **)&dl->ended, &dl->capended, dl->nended, sizeof *dl->ended)) {
        if (!dl->nended) {
            dl->ended_ms = dl->send_ms;
            dl->store_wake = 1;
            pthread_cond_signal(&dl->store_cv);
        }
        dl->ended[dl->nended++] = j;
        return;
    }
    /* cannot remember it: it stays 'sending', recovered as uncertain */
    log_error("delivery: out of memory: outbox row %lld left to recovery", (long long)j->r.d.id);
    dl->open--;
    job_free(dl, j);
}

/* One job's answer: its end, or its next call (the POST after a
 * read-back) queued at its spare slot. Under mu. */
static void answered(kot_deliver *dl, job *j, const kot_reply *r)
{
    j->follow = NULL;
    if (kd_answer(&j->r, r, &dl->cfg, dl->send_ms) == KD_END) {
        ended(dl, j);
        return;
    }
    j->due_ms = j->spare_ms ? j->spare_ms : dl->send_ms;
    j->spare_ms = 0;
    enqueue(j);
}

static void on_answer(void *ctx, void *tag, const kot_reply *r)
{
    kot_deliver *dl = ctx;
    job *j = tag, *f = j->follow;
    pthread_mutex_lock(&dl->mu);
    dl->send_ms = dl->cfg.clock_ms(); /* it came now, maybe well into a wait */
    j->l->in_flight--;
    answered(dl, j, r);
    while (f) { /* the same day's read-back answers them too */
        job *next = f->follow;
        answered(dl, f, r);
        f = next;
    }
    pthread_mutex_unlock(&dl->mu);
}

/* Starts every call whose slot has come; returns the next slot (under mu). */
static int64_t start_due(kot_deliver *dl)
{
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < dl->nlanes; i++) {
        lane *l = dl->lanes[i];
        job *j;
        while ((j = l->head) && j->due_ms <= dl->send_ms) {
            lr_error err;
            l->head = j->next;
            j->next = NULL;
            l->in_flight++;
            if (dl->tp->ops->start(dl->tp, l->conn, &j->r.call, j, &err) != LR_OK) {
                /* not sent: the row waits for its next attempt */
                kot_reply r = {0};
                job *f = j->follow;
                r.outcome = KOT_RETRY;
                snprintf(r.reason, sizeof r.reason, "the call was not made: %s", err.message);
                snprintf(r.request, sizeof r.request, "%s %s", j->r.call.method, j->r.call.path);
                l->in_flight--;
                answered(dl, j, &r);
                for (; f; f = j) {
                    j = f->follow;
                    answered(dl, f, &r);
                }
            }
        }
        if (l->head && l->head->due_ms < next)
            next = l->head->due_ms;
    }
    return next;
}

int64_t kot_deliver_send_step(kot_deliver *dl)
{
    int64_t next;
    pthread_mutex_lock(&dl->mu);
    dl->send_ms = dl->cfg.clock_ms();
    next = start_due(dl);
    pthread_mutex_unlock(&dl->mu);
    return next;
}

void kot_deliver_wait(kot_deliver *dl, int64_t until_ms)
{
    int64_t now_ms = dl->cfg.clock_ms();
    dl->tp->ops->poll(dl->tp, until_ms > now_ms ? (long)(until_ms - now_ms) : 0, on_answer, dl);
}

/* ---- the store side: finishing ---- */

static void log_lane(kot_deliver *dl, lane *l, int force)
{
    dispatch_stats *s = &l->st;
    if (!s->calls && !s->failed)
        return;
    if (!force && dl->now_ms - l->logged_ms < 1000)
        return;
    if (!dl->quiet)
        log_info("delivery: company %s: %zu sent, %zu already there, %zu to retry, %zu waiting for "
             "the restricted hours' end, %zu failed",
             l->c.code, s->sent, s->already_there, s->retried, s->waiting, s->failed);
    add_stats(&dl->total, s);
    memset(s, 0, sizeof *s);
    l->logged_ms = dl->now_ms;
}

/* ---- the store side: passes ---- */

/* A take is wanted before the idle poll: the last left companies for the
 * next, or a company with more due is about to run out of queued calls
 * (under mu). */
static int want_take(const kot_deliver *dl)
{
    if (dl->more)
        return 1;
    for (size_t i = 0; i < dl->nlanes; i++)
        if (dl->lanes[i]->hungry && ready(dl, dl->lanes[i]))
            return 1;
    return 0;
}

int64_t kot_deliver_store_step(kot_deliver *dl)
{
    int kicked = atomic_exchange(&dl->kicked, 0), wanted, flush_now;
    int64_t next, now_ms = dl->cfg.clock_ms();
    lr_error err;

    dl->now_ms = now_ms;
    if (now_ms - dl->listed_ms >= LIST_MS)
        list_companies(dl);
    if (store_shared(dl->s) && now_ms - dl->recovered_ms >= 1000) {
        size_t n = 0;
        dl->recovered_ms = now_ms;
        if (store_outbox_recover(dl->s, now_ms / 1000, &n, &err) != LR_OK)
            log_error("delivery: %s", err.message);
        else if (n)
            log_warn("delivery: %zu punch(es) were being sent by an instance that stopped; they "
                     "will be checked in KING OF TIME before any is sent again",
                     n);
    }
    pthread_mutex_lock(&dl->mu);
    wanted = want_take(dl);
    pthread_mutex_unlock(&dl->mu);
    if (((kicked || wanted) && now_ms - dl->looked_ms >= TAKE_GAP_MS) ||
        now_ms - dl->looked_ms >= dl->cfg.poll_ms)
        take(dl);
    else if (kicked)
        atomic_store(&dl->kicked, 1); /* too soon after the last: the next pass */
    /* not on any punch's way to KoT (the answer is in): one commit for
     * many, unless nothing else is going on */
    pthread_mutex_lock(&dl->mu);
    flush_now = dl->nended && (dl->nended >= FLUSH_MAX || now_ms - dl->ended_ms >= FLUSH_GAP_MS ||
                               dl->nended == dl->open);
    pthread_mutex_unlock(&dl->mu);
    if (flush_now)
        flush(dl);

    pthread_mutex_lock(&dl->mu);
    next = dl->looked_ms + (atomic_load(&dl->kicked) || want_take(dl) ? TAKE_GAP_MS
                                                                        : dl->cfg.poll_ms);
    for (size_t i = 0; i < dl->nlanes; i++) {
        lane *l = dl->lanes[i];
        /* a hungry company's next batch, before its queue runs dry */
        if (l->hungry && l->head && l->tail_ms - LOOKAHEAD_MS < next)
            next = l->tail_ms - LOOKAHEAD_MS > dl->looked_ms + TAKE_GAP_MS
                       ? l->tail_ms - LOOKAHEAD_MS
                       : dl->looked_ms + TAKE_GAP_MS;
    }
    if (dl->nended && dl->ended_ms + FLUSH_GAP_MS < next)
        next = dl->ended_ms + FLUSH_GAP_MS;
    if (next > now_ms + LIST_MS)
        next = now_ms + LIST_MS;
    pthread_mutex_unlock(&dl->mu);
    return next;
}

void kot_deliver_store_wait(kot_deliver *dl, int64_t until_ms)
{
    int64_t wait = until_ms - dl->cfg.clock_ms();
    struct timespec ts;
    if (wait <= 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(wait / 1000);
    ts.tv_nsec += (long)(wait % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&dl->mu);
    /* a kick or a first ended row (now or since the pass) ends the wait */
    if (!dl->store_wake)
        pthread_cond_timedwait(&dl->store_cv, &dl->mu, &ts);
    dl->store_wake = 0;
    pthread_mutex_unlock(&dl->mu);
}

int64_t kot_deliver_step(kot_deliver *dl)
{
    int64_t a = kot_deliver_store_step(dl), b = kot_deliver_send_step(dl);
    return a < b ? a : b;
}

lr_status kot_deliver_drain(kot_deliver *dl, int64_t company_id, lr_error *err)
{
    kot_deliver_only(dl, company_id);
    dl->quiet = 1;
    for (;;) {
        int64_t next;
        kot_deliver_kick(dl);
        next = kot_deliver_step(dl);
        if (!dl->last_take && !kot_deliver_open(dl))
            break;
        while (kot_deliver_open(dl)) {
            kot_deliver_wait(dl, next);
            next = kot_deliver_step(dl);
        }
    }
    for (size_t i = 0; i < dl->nlanes; i++)
        log_lane(dl, dl->lanes[i], 1);
    (void)err;
    return LR_OK;
}

/* Calls not started go back to pending (both sides stopped). */
static void abandon_queued(kot_deliver *dl)
{
    pthread_mutex_lock(&dl->mu);
    dl->send_ms = dl->cfg.clock_ms();
    for (size_t i = 0; i < dl->nlanes; i++) {
        job *j;
        while ((j = dl->lanes[i]->head)) {
            job *f = j->follow;
            dl->lanes[i]->head = j->next;
            kd_abandon(&j->r, "loginrecd stopped before it was sent", dl->send_ms);
            ended(dl, j);
            for (; f; f = j) {
                j = f->follow;
                kd_abandon(&f->r, "loginrecd stopped before it was checked", dl->send_ms);
                ended(dl, f);
            }
        }
    }
    pthread_mutex_unlock(&dl->mu);
}

void kot_deliver_stop(kot_deliver *dl)
{
    int64_t until = dl->cfg.clock_ms() + dl->cfg.timeout_ms + 1000;
    abandon_queued(dl);
    while (dl->tp->ops->in_flight(dl->tp) && dl->cfg.clock_ms() < until)
        kot_deliver_wait(dl, dl->cfg.clock_ms() + 100);
    dl->now_ms = dl->cfg.clock_ms();
    flush(dl);
}

void kot_deliver_free(kot_deliver *dl)
{
    if (!dl)
        return;
    /* jobs waiting, ended or in flight: their rows stay 'sending' for
     * recovery (in-flight answers never come once the transport is gone) */
    while (dl->live)
        job_free(dl, dl->live);
    for (size_t i = 0; i < dl->nlanes; i++) {
        kot_conn_free(dl->lanes[i]->conn);
        free(dl->lanes[i]);
    }
    free(dl->ended);
    free(dl->lanes);
    pthread_cond_destroy(&dl->store_cv);
    pthread_mutex_destroy(&dl->mu);
    sodium_memzero(&dl->sec, sizeof dl->sec);
    free(dl);
}
