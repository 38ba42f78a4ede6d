/*
 * malion_poll — pulls a company's MaLion operation logs into events
 * (manual 000; DESIGN §5.2), and the background poller of loginrecd.
 *
 * A poll signs in with the admin and secret code, then reads pages from the
 * saved cursor on. Each page is one transaction: its events, the days they
 * re-derive and the cursor after it are committed together, so a crash
 * anywhere loses nothing and stores nothing twice (a page read again is
 * all duplicates). Logs of terminal agents without an 出退勤システム連携コード
 * are skipped; ログオン / ログオフ become logon / logoff; other operations
 * are stored as "other" for the log view and never punched. A token that
 * expires mid-way is renewed and the page asked again. The poll's end is
 * recorded per company: the last success, or the last error in plain words.
 */
#ifndef LR_SERVICE_MALION_POLL_H
#define LR_SERVICE_MALION_POLL_H

#include "service/rederive.h"
#include "store/secrets.h"
#include "store/store.h"

typedef struct malion_poll_stats {
    size_t pages, logs, events, duplicates, no_code, bad, reauths;
    rederive_stats punches;
} malion_poll_stats;

typedef struct malion_poll_cfg {
    long timeout_ms; /* per call */
    int page_size;
    int max_pages; /* per poll; the next poll goes on */
} malion_poll_cfg;

/* Defaults: 30 s, 500 logs a page, 200 pages; LOGINREC_MALION_TIMEOUT_MS and
 * LOGINREC_MALION_PAGE_SIZE override. */
void malion_poll_cfg_default(malion_poll_cfg *cfg);

/* One poll of company `code`. Records its end in the company's MaLion
 * state, and returns the failure (err in plain words) if any. */
lr_status malion_poll_company(lr_store *s, const char *code, const lr_secrets *sec,
                              const malion_poll_cfg *cfg, malion_poll_stats *st, lr_error *err);

/* Signs in only (loginrec malion test): LR_OK when MaLion accepts the codes. */
lr_status malion_poll_test(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                           lr_error *err);

/* The background poller: every interval_s per company with MaLion連携 on
 * (looking for due companies a tenth of the interval apart, 1-30 s), each
 * company on its own (one's failure does not stop another's). queued
 * (may be NULL) is called when punches were queued. */
typedef struct malion_poller malion_poller;
lr_status malion_poller_start(const char *db, const lr_secrets *sec, const malion_poll_cfg *cfg,
                              long interval_s, void (*queued)(void *), void *queued_ctx,
                              malion_poller **out, lr_error *err);
void malion_poller_stop(malion_poller *p);

#endif
