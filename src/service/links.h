/*
 * links — the link CSV round trip of the manuals §3: export every
 * employee with their service account, import an edited file.
 *
 * Import is all or nothing. The file is decoded (CP932 or UTF-8), every
 * row is checked — on its own, against the other rows, and against the
 * employees and links stored — and only when no row has a problem are the
 * changed links written, in one transaction, with the days their events
 * touch re-derived (events that waited unlinked become punches). A dry run
 * checks and reports the same without writing. Applied and rejected
 * imports are written to the audit log.
 */
#ifndef LR_SERVICE_LINKS_H
#define LR_SERVICE_LINKS_H

#include "core/link_csv.h"
#include "service/rederive.h"
#include "store/store.h"
#include "util/encoding.h"
#include "util/lang.h"
#include "util/progress.h"

#define LINKS_CSV_MAX (32u * 1024 * 1024) /* bytes of a file to import */
#define LINKS_EXPORT_MAX (256u * 1024 * 1024)
#define LINKS_MAX_ERRORS 1000 /* listed in full; more are counted */

/* Kinds to export: a bit (1u << kind) per link_kind; 0 for "the kinds the
 * company has links for". */
typedef unsigned links_kinds;

typedef struct link_change {
    long line;
    link_csv_at at_account;           /* where the new account is */
    link_kind kind;
    char employee[64];
    char name[260];                   /* "last first" */
    char before[LR_ACCOUNT_MAX + 1];  /* "" when there was no link */
    char after[LR_ACCOUNT_MAX + 1];
} link_change;

/* A row that changes nothing: it says what is stored, or it is the
 * export's stand-in for "no link" (the employee code as the account of an
 * employee without a link), or it removes a link that is not there. */
typedef struct link_same {
    long line;
    link_kind kind;
    char employee[64];
    char name[260];
    char account[LR_ACCOUNT_MAX + 1]; /* "" for an employee without a link */
} link_same;

typedef struct links_report {
    text_encoding encoding;
    int dry_run;
    size_t rows;      /* data rows read */
    size_t unchanged; /* rows that change nothing (unchanged_rows lists them) */
    link_same *unchanged_rows;
    link_change *changes; /* after "" removes the link */
    size_t nchanges;  /* = accounts updated (or to be, in a dry run) */
    size_t nremoved;  /* of which links removed */
    link_csv_errors errors;
    link_csv_errors warnings; /* accepted, but said: upper/lower-case twins */
    rederive_stats punches;
} links_report;

/* Appends the company's link CSV to out in enc (ENC_CP932: what Notepad
 * and Excel open). Deleted employees are left out; an employee without a
 * link shows their employee code as the service account (manual §3). */
lr_status links_export(lr_store *s, const char *code, links_kinds kinds, text_encoding enc,
                       lr_buf *out, lr_error *err);

/* Imports data[0..n) named file for company code. A row whose account is
 * the employee's own code, for an employee without a link of its kind, is
 * what the export writes for "no link" and changes nothing; an account of
 * "-" removes the link. An account that differs from a stored one or one in
 * the file only in upper/lower case is accepted with a warning. Returns LR_OK when
 * applied (or, with dry_run, when it would apply); LR_EINVAL when the file
 * has problems (rep->errors lists them, nothing changed); another status
 * when the store failed. rep is filled in every case; free it with
 * links_report_free(). */
lr_status links_import(lr_store *s, const char *code, const char *file, const char *data,
                       size_t n, int dry_run, const char *actor, const progress_hook *progress,
                       links_report *rep, lr_error *err);
void links_report_free(links_report *rep);

/* A checked file kept between the admin UI's [送信] and [実行], for the
 * administrator who sent it, for LINKS_UPLOAD_TTL seconds (older ones are
 * dropped when a new one is kept). */
#define LINKS_UPLOAD_TTL 3600
lr_status links_upload_keep(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                            const char *name, const char *data, size_t len, lr_error *err);
/* The kept file id of that company and user: LR_ENOTFOUND when there is
 * none (or it expired); LR_EEXIST with name and *applied_at when it was
 * applied already. */
lr_status links_upload_take(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                            lr_buf *data, char *name, size_t namesz, int64_t *applied_at,
                            lr_error *err);
/* Marks it applied now (a reload then says so instead of applying twice). */
lr_status links_upload_applied(lr_store *s, const char *id, lr_error *err);

/* "3件のアカウントを更新" / "3 accounts updated" (or the dry-run or
 * refusal sentence), into out. */
void links_report_summary(const links_report *rep, lr_lang lang, char *out, size_t outsz);

#endif
