/*
 * divergence_review — what an administrator does about a divergent day
 * (issue 23): picks a reason from the company's list (ja/en labels;
 * defaults until the company sets its own), records the investigation's
 * result (補正済み corrected / 補正不要 no_correction) and a note, and the
 * day becomes confirmed; who and when is kept and audited. Also the
 * company's 乖離 settings: the mode (punch: punches are delivered;
 * record, 客観記録のみ: nothing is delivered) and the limits, per company
 * and per division.
 */
#ifndef LR_SERVICE_DIVERGENCE_REVIEW_H
#define LR_SERVICE_DIVERGENCE_REVIEW_H

#include "store/store.h"

#define DIV_REASONS_MAX 32
#define DIV_NOTE_MAX 3000 /* bytes: 1,000 Japanese characters */
#define DIV_LABEL_MAX 240 /* bytes: 80 Japanese characters */

/* The company's reasons (the defaults when it set none), in order. */
lr_status div_reasons(lr_store *s, const lr_company *c, lr_div_reason *out, size_t max,
                      size_t *n, lr_error *err);
/* Adds or changes a reason (code: 1-63 of a-z 0-9 _ -; labels 1 to
 * DIV_LABEL_MAX bytes); the first change copies the defaults in, so the
 * list goes on from them; LR_ELIMIT past DIV_REASONS_MAX. Audited. */
lr_status div_reason_set(lr_store *s, const char *company, const lr_div_reason *r,
                         const char *actor, lr_error *err);
lr_status div_reason_remove(lr_store *s, const char *company, const char *code,
                            const char *actor, lr_error *err);

/* What an administrator found about one day. */
typedef struct div_finding {
    const char *employee; /* code */
    const char *date;     /* the work day */
    const char *reason;   /* a code of the company's reasons */
    const char *result;   /* corrected | no_correction */
    const char *note;     /* free text, lines allowed, may be "" (up to DIV_NOTE_MAX bytes) */
} div_finding;

/* Confirms the day (it must diverge now): LR_ENOTFOUND when it does not,
 * LR_EINVAL (with the field) for a reason not in the list, a result
 * other than the two, or a note that is not text. Audited as
 * divergence.confirm. */
lr_status div_confirm(lr_store *s, const char *company, const div_finding *f, const char *actor,
                      lr_error *err);

/* A change of the 乖離 settings (NULL / -1: unchanged). With a division,
 * only the limits, for that division (0: the company's). */
typedef struct div_settings {
    const char *mode; /* punch | record */
    int start_min, end_min;
    const char *division;
} div_settings;

lr_status div_settings_set(lr_store *s, const char *company, const div_settings *ch,
                           const char *actor, lr_error *err);

#endif
