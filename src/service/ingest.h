/*
 * ingest — stores a batch of validated events for one company and
 * re-derives every work day they can touch, in one transaction: when it
 * returns LR_OK the events, the ledger and the outbox are committed
 * together; on any error nothing of the batch is stored.
 *
 * Re-sending a batch is a no-op (duplicates are counted, not stored).
 * Events whose account is not linked are stored and re-evaluated when a
 * link is set (admin_link_set).
 */
#ifndef LR_SERVICE_INGEST_H
#define LR_SERVICE_INGEST_H

#include "core/event.h"
#include "core/event_parse.h"
#include "service/rederive.h"
#include "store/store.h"
#include "util/progress.h"

typedef struct ingest_result {
    size_t accepted;
    size_t duplicates;
    size_t unlinked; /* accepted events no employee is linked to yet */
    rederive_stats punches;
} ingest_result;

lr_status ingest_events(lr_store *s, const lr_company *c, lr_event *events, size_t n,
                        ingest_result *res, lr_error *err);

/* A set of (employee, day range) to re-derive; shared with admin. */
typedef struct span_set {
    day_span *v;
    size_t n, cap;
    size_t *slots; /* open-addressing index into v by employee id */
    size_t nslots;
} span_set;

void span_set_init(span_set *ss);
void span_set_free(span_set *ss);
lr_status span_set_add(span_set *ss, int64_t employee_id, int64_t d0, int64_t d1);

/* Days an event at utc can influence for an employee (its pairing window). */
void ingest_event_days(const lr_company *c, const lr_employee *e, int64_t utc, int64_t *d0,
                       int64_t *d1);

/* Adds to ss the days that the events of `account` (from sources of kind,
 * or generic) can influence for employee e: what a link to or from that
 * account re-derives. */
lr_status ingest_account_spans(lr_store *s, const lr_company *c, const lr_employee *e,
                               link_kind kind, const char *account, span_set *ss, lr_error *err);

/* How many events of one source and version a run stored. */
typedef struct ingest_version {
    char source[16];
    char version[LR_VERSION_MAX + 1];
    int64_t n, last_utc;
} ingest_version;

#define INGEST_VERSIONS 8
/* Events ingest_add stores at once (a round trip each on PostgreSQL). */
#define INGEST_PENDING 512

/* ingest_events one event at a time, for readers that stream (a LanScope
 * file of a million rows): ingest_begin opens the transaction, ingest_add
 * stores an event (e is not kept), ingest_commit re-derives and commits,
 * and ingest_abort (after any failure, the caller's own included) rolls
 * back so nothing of the run is stored. */
typedef struct ingest_run {
    lr_store *s;
    const lr_company *c;
    int64_t now;
    ingest_result res;
    span_set ss;          /* days to re-derive at commit */
    struct account_cache *accounts; /* account -> linked employees, for the run */
    ingest_version vers[INGEST_VERSIONS]; /* counted, then stored at commit */
    size_t nvers;
    const progress_hook *progress; /* NULL, or told how far storing and re-deriving are */
    lr_event *pending; /* events handed to ingest_add, stored INGEST_PENDING at a time */
    size_t npending;
    size_t added;    /* records of a PC's own log handed to the run so far */
    size_t expected; /* how many the file holds, when its reader can tell (0: unknown) */
} ingest_run;

lr_status ingest_begin(ingest_run *run, lr_store *s, const lr_company *c, lr_error *err);
/* The lines of bytes[0..n), for a run's expected count (0 for a JSON array,
 * one line). */
size_t ingest_lines(const char *bytes, size_t n);
lr_status ingest_add(ingest_run *run, lr_event *e, lr_error *err);
lr_status ingest_commit(ingest_run *run, ingest_result *res, lr_error *err);
/* ingest_add for a Windows record (service/ingest_windows.c): e is the
 * event the log view shows (source "windows"), r the record with its
 * fields. The second record of a linked logon shares the first's event
 * row; a record stored already (its host, channel and number) is a
 * duplicate. A host's own record (no account) re-derives the days of every
 * account seen on that host around it. */
lr_status ingest_add_windows(ingest_run *run, lr_event *e, lr_win_row *r, lr_error *err);
/* The same for a Linux login record (service/ingest_linux.c). */
lr_status ingest_add_linux(ingest_run *run, lr_event *e, lr_unix_row *r, lr_error *err);
void ingest_abort(ingest_run *run);

/* One file through one ingest run, whole or not at all: parse gets the
 * run and stores each record with ingest_add (or ingest_add_windows,
 * ingest_add_linux); any failure, the parser's own included, rolls the run
 * back. Noted on 連携状況 as source. */
typedef lr_status (*ingest_parse_fn)(ingest_run *run, void *ctx, lr_error *err);
lr_status ingest_whole_file(lr_store *s, const lr_company *c, const char *source,
                      const progress_hook *progress, ingest_parse_fn parse, void *ctx,
                      ingest_result *res, lr_error *err);

/* Records on the 連携状況 page that a file or batch of source was stored
 * (problem NULL) or refused (problem says why; its file, line and column
 * are kept with the words). A failure to record is logged, not returned. */
void ingest_note(lr_store *s, const lr_company *c, const char *source, const lr_error *problem);

/* A JSON batch (DESIGN §5.4) of the generic API or `loginrec ingest`,
 * parsed into *b, which the caller always frees with event_batch_free.
 * The batch is whole or nothing: when any event is rejected nothing is
 * stored and LR_EINVAL comes back with b->rejects saying why, unless
 * `partial` asks to keep the valid events (the rejects are then in *b
 * beside LR_OK). Noted as source "api" on the 連携状況 page. */
lr_status ingest_json(lr_store *s, const lr_company *c, const char *what, const char *body,
                      size_t len, int partial, const progress_hook *progress, lr_event_batch *b,
                      ingest_result *res, lr_error *err);

/* Re-derives every span of ss (inside the caller's transaction), telling
 * progress (may be NULL) how many are done. */
lr_status ingest_rederive_spans(lr_store *s, const lr_company *c, const span_set *ss,
                                const progress_hook *progress, rederive_stats *stats,
                                lr_error *err);

#endif
