/*
 * divergence_review — reasons, confirmation and settings (see
 * divergence_review.h).
 */
#include "service/divergence_review.h"

#include <stdio.h>
#include <string.h>

#include "core/divergence.h"
#include "service/admin.h"
#include "service/divergence_report.h"
#include "util/clock.h"
#include "util/encoding.h"

/* 業務外のPC利用 / 打刻忘れ / 持ち帰り残業 / 申請済み残業 / その他 */
static const lr_div_reason defaults[] = {
    {"non_work", "業務外のPC利用", "PC use outside work", 10},
    {"forgot", "打刻忘れ", "Forgot to punch", 20},
    {"work_at_home", "持ち帰り残業", "Work taken home", 30},
    {"approved_overtime", "申請済み残業", "Approved overtime", 40},
    {"other", "その他", "Other", 50},
};
#define NDEFAULTS (sizeof defaults / sizeof *defaults)

typedef struct reasons {
    lr_div_reason *out;
    size_t max, n;
} reasons;

static int keep_reason(void *ctx, const lr_div_reason *r)
{
    reasons *k = ctx;
    if (k->n < k->max)
        k->out[k->n++] = *r;
    return 0;
}

lr_status div_reasons(lr_store *s, const lr_company *c, lr_div_reason *out, size_t max,
                      size_t *n, lr_error *err)
{
    reasons k = {out, max, 0};
    lr_status st = store_div_reasons_list(s, c->id, keep_reason, &k, err);
    if (st == LR_OK && k.n == 0)
        for (size_t i = 0; i < NDEFAULTS && k.n < max; i++)
            out[k.n++] = defaults[i];
    *n = k.n;
    return st;
}

/* Text as typed: UTF-8, max bytes, no control character but, with
 * lines, line ends and tabs (a note may have several lines). */
static lr_status check_text(const char *field, const char *v, size_t max, int may_be_empty,
                            int lines, lr_error *err)
{
    size_t n = v ? strlen(v) : 0;
    if (may_be_empty && n == 0)
        return LR_OK;
    if (!v || !n)
        return lr_fail(err, LR_EINVAL, "%s is empty", field);
    if (!enc_utf8_valid(v, n, NULL))
        return lr_fail(err, LR_EINVAL, "%s is not UTF-8 text", field);
    if (n > max)
        return lr_fail(err, LR_EINVAL, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if ((ch < 0x20 || ch == 0x7f) && !(lines && (ch == '\n' || ch == '\r' || ch == '\t')))
            return lr_fail(err, LR_EINVAL, "%s contains a control character", field);
    }
    return LR_OK;
}

static lr_status check_code(const char *code, lr_error *err)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 63 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return lr_fail(err, LR_EINVAL,
                       "reason code '%s': expected 1-63 of a-z, 0-9, '_' and '-'",
                       code ? code : "");
    return LR_OK;
}

/* Begins the transaction of a reason list change: the company, and its
 * own list (the defaults copied in when it had none). */
static lr_status begin_reasons(lr_store *s, const char *company, lr_company *c, lr_error *err)
{
    lr_div_reason have[DIV_REASONS_MAX];
    reasons k = {have, DIV_REASONS_MAX, 0};
    lr_status st = store_begin(s, err);
    if (st != LR_OK)
        return st;
    if ((st = store_company_get(s, company, c, err)) == LR_OK)
        st = store_div_reasons_list(s, c->id, keep_reason, &k, err);
    for (size_t i = 0; st == LR_OK && k.n == 0 && i < NDEFAULTS; i++)
        st = store_div_reason_put(s, c->id, &defaults[i], err);
    if (st != LR_OK)
        store_rollback(s);
    return st;
}

lr_status div_reason_set(lr_store *s, const char *company, const lr_div_reason *r,
                         const char *actor, lr_error *err)
{
    lr_company c;
    char detail[400];
    lr_status st;
    if ((st = check_code(r->code, err)) != LR_OK ||
        (st = check_text("label_ja", r->label_ja, DIV_LABEL_MAX, 0, 0, err)) != LR_OK ||
        (st = check_text("label_en", r->label_en, DIV_LABEL_MAX, 0, 0, err)) != LR_OK)
        return st;
    if ((st = begin_reasons(s, company, &c, err)) != LR_OK)
        return st;
    {
        lr_div_reason have[DIV_REASONS_MAX + 1];
        reasons k = {have, DIV_REASONS_MAX + 1, 0};
        int known = 0;
        st = store_div_reasons_list(s, c.id, keep_reason, &k, err);
        for (size_t i = 0; i < k.n; i++)
            known |= strcmp(have[i].code, r->code) == 0;
        if (st == LR_OK && !known && k.n >= DIV_REASONS_MAX)
            st = lr_fail(err, LR_ELIMIT, "at most %d reasons: remove one first", DIV_REASONS_MAX);
    }
    if (st == LR_OK)
        st = store_div_reason_put(s, c.id, r, err);
    snprintf(detail, sizeof detail, "%s: %s / %s", r->code, r->label_ja, r->label_en);
    return admin_commit_audited(s, st, c.id, actor, "divergence.reason", detail, err);
}

lr_status div_reason_remove(lr_store *s, const char *company, const char *code,
                            const char *actor, lr_error *err)
{
    lr_company c;
    lr_status st;
    if ((st = begin_reasons(s, company, &c, err)) != LR_OK)
        return st;
    st = store_div_reason_delete(s, c.id, code, err);
    return admin_commit_audited(s, st, c.id, actor, "divergence.reason.remove", code, err);
}

lr_status div_confirm(lr_store *s, const char *company, const div_finding *f, const char *actor,
                      lr_error *err)
{
    lr_company c;
    lr_div_reason list[DIV_REASONS_MAX];
    size_t n = 0;
    int known = 0;
    struct {
        lr_divergence kept;
        int found;
    } k = {0};
    div_row row;
    lr_divergence stored;
    char detail[300];
    int64_t now = clock_now();
    lr_status st;

    if (!f->employee || !f->employee[0])
        return lr_fail(err, LR_EINVAL, "employee: missing");
    if (!f->result || (strcmp(f->result, "corrected") && strcmp(f->result, "no_correction")))
        return lr_fail(err, LR_EINVAL, "result '%s': expected corrected (補正済み) or "
                                       "no_correction (補正不要)", f->result ? f->result : "");
    if ((st = check_text("note", f->note, DIV_NOTE_MAX, 1, 1, err)) != LR_OK)
        return st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, company, &c, err);
    if (st == LR_OK)
        st = div_reasons(s, &c, list, DIV_REASONS_MAX, &n, err);
    for (size_t i = 0; st == LR_OK && i < n; i++)
        known |= f->reason && strcmp(list[i].code, f->reason) == 0;
    if (st == LR_OK && !known)
        st = lr_fail(err, LR_EINVAL, "reason '%s' is not in the company's list (loginrec "
                                     "divergence reasons %s)", f->reason ? f->reason : "",
                     c.code);
    if (st == LR_OK)
        st = div_report_day(s, &c, f->employee, f->date, &row, &stored, &k.found, err);
    if (st == LR_OK && k.found)
        div_row_kept(&row, &k.kept);
    if (st == LR_OK && !k.found)
        st = lr_fail(err, LR_ENOTFOUND, "employee %s's %s does not diverge", f->employee,
                     f->date);
    /* the day as judged now is what is confirmed */
    if (st == LR_OK)
        st = store_divergence_put(s, c.id, &k.kept, now, err);
    if (st == LR_OK) {
        snprintf(k.kept.reason, sizeof k.kept.reason, "%s", f->reason);
        snprintf(k.kept.note, sizeof k.kept.note, "%s", f->note ? f->note : "");
        snprintf(k.kept.result, sizeof k.kept.result, "%s", f->result);
        snprintf(k.kept.confirmed_by, sizeof k.kept.confirmed_by, "%s", actor);
        k.kept.confirmed_at = now;
        st = store_divergence_confirm(s, c.id, &k.kept, now, err);
    }
    snprintf(detail, sizeof detail, "%s %s %s: %s, %s", f->employee, f->date, k.kept.kind,
             f->reason ? f->reason : "", f->result);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "divergence.confirm",
                                detail, err);
}


lr_status div_settings_set(lr_store *s, const char *company, const div_settings *ch,
                           const char *actor, lr_error *err)
{
    lr_company c;
    lr_division d = {0};
    char detail[200];
    lr_status st;
    const int lo = ch->division && ch->division[0] ? 0 : DIV_LIMIT_MIN;

    if (ch->mode && strcmp(ch->mode, "punch") && strcmp(ch->mode, "record"))
        return lr_fail(err, LR_EINVAL, "mode '%s': expected punch or record", ch->mode);
    if ((ch->start_min != -1 && (ch->start_min < lo || ch->start_min > DIV_LIMIT_MAX)) ||
        (ch->end_min != -1 && (ch->end_min < lo || ch->end_min > DIV_LIMIT_MAX)))
        return lr_fail(err, LR_EINVAL, "a limit is %d..%d minutes%s", lo, DIV_LIMIT_MAX,
                       lo ? "" : " (0: the company's)");
    if (ch->mode && ch->division && ch->division[0])
        return lr_fail(err, LR_EINVAL, "the mode is the company's, not a division's");
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, company, &c, err);
    if (st == LR_OK && ch->division && ch->division[0]) {
        st = store_division_get(s, c.id, ch->division, &d, err);
        if (st == LR_OK)
            st = store_division_limits_set(s, c.id, d.id,
                                           ch->start_min >= 0 ? ch->start_min : d.div_start_min,
                                           ch->end_min >= 0 ? ch->end_min : d.div_end_min, err);
        snprintf(detail, sizeof detail, "division %s: limits %d/%d", ch->division,
                 ch->start_min >= 0 ? ch->start_min : d.div_start_min,
                 ch->end_min >= 0 ? ch->end_min : d.div_end_min);
    } else if (st == LR_OK) {
        if (ch->mode)
            snprintf(c.kot_mode, sizeof c.kot_mode, "%s", ch->mode);
        if (ch->start_min >= 0)
            c.div_start_min = ch->start_min;
        if (ch->end_min >= 0)
            c.div_end_min = ch->end_min;
        st = store_company_divergence_set(s, c.id, c.kot_mode, c.div_start_min, c.div_end_min,
                                          err);
        snprintf(detail, sizeof detail, "mode %s, limits %d/%d", c.kot_mode, c.div_start_min,
                 c.div_end_min);
    }
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "divergence.settings",
                                detail, err);
}
