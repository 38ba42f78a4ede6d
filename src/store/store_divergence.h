/*
 * store_divergence — 乖離 (issue 23): KING OF TIME's record read back per
 * employee and work day, both sides of the comparison read together, the
 * divergent days with what an administrator found, the company's reasons,
 * and the mode / limits / last-read settings. Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_DIVERGENCE_H
#define LR_STORE_STORE_DIVERGENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* One punch of KING OF TIME's record. */
typedef struct lr_kot_record {
    int64_t employee_id;
    char work_day[11];
    int seq; /* its place in KoT's answer for the day */
    punch_kind kind;
    int64_t utc;
    char division_code[64];
    char credential_code[32];
    char credential_name[128];
} lr_kot_record;

/* A punch of either side of the comparison (side 0: the ledger's active
 * punch, the PC; side 1: KoT's record), with whose it is. */
typedef struct lr_div_side {
    int64_t employee_id;
    char employee_code[64];
    int64_t division_id; /* 0: none */
    char work_day[11];
    int side;
    punch_kind kind;
    int64_t utc;
} lr_div_side;

/* A divergent day as kept, and what was found. */
typedef struct lr_divergence {
    int64_t employee_id;
    char employee_code[64], last_name[128], first_name[128];
    char work_day[11];
    char kind[16];
    int has_start_diff, has_end_diff;
    int start_diff_min, end_diff_min;
    char status[12]; /* open | confirmed | closed */
    char reason[64];
    char note[3072];
    char result[16]; /* "" | corrected | no_correction */
    char confirmed_by[128];
    int64_t confirmed_at, first_seen_at, updated_at, notified_at; /* 0: not yet */
} lr_divergence;

/* A reason an administrator picks (a company's own list). */
typedef struct lr_div_reason {
    char code[64];
    char label_ja[256];
    char label_en[256];
    int position;
} lr_div_reason;

typedef int (*store_div_side_cb)(void *ctx, const lr_div_side *r);
typedef int (*store_kot_record_cb)(void *ctx, const lr_kot_record *r);
typedef int (*store_divergence_cb)(void *ctx, const lr_divergence *d);
typedef int (*store_div_reason_cb)(void *ctx, const lr_div_reason *r);

/* Removes employee's records of the days from..to (YYYY-MM-DD). */
lr_status store_kot_records_clear(lr_store *s, int64_t company_id, int64_t employee_id, const char *from,
                                  const char *to, lr_error *err);
lr_status store_kot_record_insert(lr_store *s, int64_t company_id, const lr_kot_record *r,
                                  int64_t fetched_at, lr_error *err);
/* The employee's records of one work day, by time. */
lr_status store_kot_records_of_day(lr_store *s, int64_t employee_id, const char *work_day,
                                   store_kot_record_cb cb, void *ctx, lr_error *err);
/* How many records the company holds for the days from..to. */
lr_status store_kot_records_count(lr_store *s, int64_t company_id, const char *from,
                                  const char *to, int64_t *n, lr_error *err);

/* Both sides' clock-ins and clock-outs (and with breaks, the break
 * punches) of the company's days from..to, for employees with at least
 * one link (a PC user), by employee code, then day. */
lr_status store_div_sides(lr_store *s, int64_t company_id, const char *from, const char *to,
                          int breaks, store_div_side_cb cb, void *ctx, lr_error *err);

/* 36協定's warnings of a month (YYYY-MM) as kept. */
typedef struct lr_ot_warning {
    int64_t employee_id;
    char employee_code[64], last_name[128], first_name[128];
    char month[8];
    int pc_work_min, pc_over_min, projected_min, avg_min, rec_work_min, rec_over_min;
    int warning; /* OT_* bits (core/overtime.h) */
    int64_t computed_at;
} lr_ot_warning;
typedef int (*store_ot_warning_cb)(void *ctx, const lr_ot_warning *w);
/* Replaces the company's warnings of month with w[0..n) (inside the
 * caller's transaction). */
lr_status store_ot_warnings_replace(lr_store *s, int64_t company_id, const char *month,
                                    const lr_ot_warning *w, size_t n, lr_error *err);
/* The month's warnings, by employee code. */
lr_status store_ot_warnings_list(lr_store *s, int64_t company_id, const char *month,
                                 store_ot_warning_cb cb, void *ctx, lr_error *err);
/* A company's 36協定 limits (minutes). */
lr_status store_company_ot_limits_set(lr_store *s, int64_t company_id, int month_min,
                                      int avg_min, lr_error *err);

/* The kept divergent days of the days from..to, by employee code, then
 * day (closed ones too). */
lr_status store_divergences_list(lr_store *s, int64_t company_id, const char *from,
                                 const char *to, store_divergence_cb cb, void *ctx,
                                 lr_error *err);
/* One kept day; LR_ENOTFOUND when it never diverged. */
lr_status store_divergence_get(lr_store *s, int64_t employee_id, const char *work_day,
                               lr_divergence *out, lr_error *err);
/* Keeps d's kind and differences: a new day comes in open (first seen
 * now); a closed one opens again as new (first seen now, not mailed), and
 * one whose kind changed opens again; either way what was found before is
 * cleared. A confirmed day whose differences change within its kind stays
 * confirmed. */
lr_status store_divergence_put(lr_store *s, int64_t company_id, const lr_divergence *d,
                               int64_t now, lr_error *err);
/* The day's divergence is gone: closed. */
lr_status store_divergence_close(lr_store *s, int64_t company_id, int64_t employee_id, const char *work_day,
                                 int64_t now, lr_error *err);
/* Records what was found (d's reason, note, result, confirmed_by,
 * confirmed_at): status confirmed. LR_ENOTFOUND unless the
 * day is open or confirmed. */
lr_status store_divergence_confirm(lr_store *s, int64_t company_id, const lr_divergence *d, int64_t now,
                                   lr_error *err);

/* The company's own reasons, by position then code (none: the defaults
 * apply, service/divergence_reasons.c). */
lr_status store_div_reasons_list(lr_store *s, int64_t company_id, store_div_reason_cb cb,
                                 void *ctx, lr_error *err);
lr_status store_div_reason_put(lr_store *s, int64_t company_id, const lr_div_reason *r,
                               lr_error *err);
lr_status store_div_reason_delete(lr_store *s, int64_t company_id, const char *code,
                                  lr_error *err);

/* The company's mode (punch | record) and limits. */
lr_status store_company_divergence_set(lr_store *s, int64_t company_id, const char *mode,
                                       int start_min, int end_min, lr_error *err);
/* A division's own limits (0, 0: the company's). */
lr_status store_division_limits_set(lr_store *s, int64_t company_id, int64_t division_id, int start_min, int end_min,
                                    lr_error *err);
/* Every open kept day of the company, by employee code, then day. */
lr_status store_divergences_open(lr_store *s, int64_t company_id, store_divergence_cb cb,
                                 void *ctx, lr_error *err);
/* A summary mail named the day. */
lr_status store_divergence_notified(lr_store *s, int64_t company_id, int64_t employee_id, const char *work_day,
                                    int64_t at, lr_error *err);

/* The daily summary's addresses and its "still open after" days. */
lr_status store_company_div_mail_set(lr_store *s, int64_t company_id, const char *to,
                                     int open_days, lr_error *err);
/* Claims the summary of `day` (company-local YYYY-MM-DD) for the caller:
 * LR_EBUSY when it was claimed already (sent, or being sent). */
lr_status store_company_div_mail_claim(lr_store *s, int64_t company_id, const char *day,
                                       lr_error *err);
/* Gives a claim back (the mail did not go): the day's mark returns to
 * before, if it is still day. */
lr_status store_company_div_mail_release(lr_store *s, int64_t company_id, const char *day,
                                         const char *before, lr_error *err);

/* The one SMTP server (no row: all ""). */
typedef struct lr_mail_settings {
    char smtp_url[512];
    char mail_from[256];
    char smtp_user[256];
    char password_sealed[512];
    char ca_file[512]; /* "" for the system's CA certificates */
} lr_mail_settings;
lr_status store_mail_settings_get(lr_store *s, lr_mail_settings *out, lr_error *err);
lr_status store_mail_settings_put(lr_store *s, const lr_mail_settings *m, lr_error *err);

/* Records a read of KING OF TIME's record: when, and its summary or
 * "failed: why". */
lr_status store_company_div_fetch_result(lr_store *s, int64_t company_id, int64_t at,
                                         const char *result, lr_error *err);

#endif
