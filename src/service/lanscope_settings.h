/*
 * lanscope_settings — the company's side of the LanScope integration
 * (manual 2.1, 2.2): the access token loginrec-agent sends with the
 * company code, and the check that every division's day-change time
 * (日付変更時間) matches LanScope's collection start, without which punches
 * land on the wrong work day (FAQ 5.2.1).
 */
#ifndef LR_SERVICE_LANSCOPE_SETTINGS_H
#define LR_SERVICE_LANSCOPE_SETTINGS_H

#include "store/store.h"
#include "util/token.h"

/* Issues a new access token for company `code`, replacing any earlier one
 * (which stops working at once). The token is written into token and shown
 * once; only its hash is stored. Audited as lanscope.token. */
lr_status lanscope_token_issue(lr_store *s, const char *code, const char *actor,
                               char token[LR_LANSCOPE_TOKEN_LEN + 1], lr_error *err);

/* A division (or, with code "", the employees without one, whose day
 * changes at 00:00) whose day-change time differs from the collection
 * start. */
typedef struct lanscope_misaligned {
    const char *division_code; /* "" for employees without a division */
    const char *division_name;
    int day_change_min;
    int collect_min;
    const char *company_code;
} lanscope_misaligned;

typedef int (*lanscope_misaligned_cb)(void *ctx, const lanscope_misaligned *m);

/* Calls cb for each misaligned division of c; *n gets how many. */
lr_status lanscope_alignment(lr_store *s, const lr_company *c, lanscope_misaligned_cb cb,
                             void *ctx, size_t *n, lr_error *err);

/* The warning in words, in English ("division HQ 本社 changes day at
 * 00:00 but LanScope collects at 05:00: ..."). */
void lanscope_misaligned_text(const lanscope_misaligned *m, char *out, size_t outsz);

#endif
