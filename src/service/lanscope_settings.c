/*
 * lanscope_settings — access tokens and the day-change alignment check
 * (see lanscope_settings.h).
 */
#include "service/lanscope_settings.h"

#include <stdio.h>
#include <string.h>

#include "service/admin.h"
#include "util/timefmt.h"

lr_status lanscope_token_issue(lr_store *s, const char *code, const char *actor,
                               char token[LR_LANSCOPE_TOKEN_LEN + 1], lr_error *err)
{
    lr_company c = {0};
    char hash[LR_TOKEN_HASH_LEN + 1];
    lr_status st;

    token_generate(token, LR_LANSCOPE_TOKEN_LEN);
    token_hash(token, hash);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK)
        st = store_company_lanscope_token(s, c.id, hash, err);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "lanscope.token",
                                c.has_lanscope_token ? "rotated" : "issued", err);
}

typedef struct align_ctx {
    const lr_company *c;
    lanscope_misaligned_cb cb;
    void *ctx;
    size_t n;
    int stop;
    int no_division; /* employees (not deleted) without a division */
} align_ctx;

static int check_division(void *ctx, const lr_division *d)
{
    align_ctx *a = ctx;
    lanscope_misaligned m = {d->code, d->name, d->day_change_min, a->c->lanscope_collect_min,
                             a->c->code};
    if (d->day_change_min == a->c->lanscope_collect_min)
        return 0;
    a->n++;
    a->stop = a->cb ? a->cb(a->ctx, &m) : 0;
    return a->stop;
}

static int count_no_division(void *ctx, const lr_employee *e)
{
    align_ctx *a = ctx;
    a->no_division += !e->deleted && e->division_id == 0;
    return 0;
}

lr_status lanscope_alignment(lr_store *s, const lr_company *c, lanscope_misaligned_cb cb,
                             void *ctx, size_t *n, lr_error *err)
{
    align_ctx a = {c, cb, ctx, 0, 0, 0};
    lr_status st = store_divisions_list(s, c->id, check_division, &a, err);
    if (st == LR_OK && !a.stop && c->lanscope_collect_min != 0)
        st = store_employees_list(s, c->id, count_no_division, &a, err);
    if (st == LR_OK && a.no_division > 0) {
        lanscope_misaligned m = {"", "", 0, c->lanscope_collect_min, c->code};
        a.n++;
        if (cb)
            cb(ctx, &m);
    }
    *n = a.n;
    return st;
}

void lanscope_misaligned_text(const lanscope_misaligned *m, char *out, size_t outsz)
{
    char dc[6], co[6];
    tf_format_hhmm(m->day_change_min, dc);
    tf_format_hhmm(m->collect_min, co);
    if (m->division_code[0])
        snprintf(out, outsz,
                 "division %s (%s) changes day at %s but LanScope collects at %s: its punches "
                 "may land on the wrong work day; set the 日付変更時間 loginrec uses to %s in "
                 "the admin UI's 所属設定 or with 'loginrec division set %s %s --day-change %s', "
                 "or the collection start to %s",
                 m->division_code, m->division_name, dc, co, co, m->company_code,
                 m->division_code, co, dc);
    else
        snprintf(out, outsz,
                 "employees without a division change day at 00:00 but LanScope collects at %s: "
                 "give them a division whose 日付変更時間 is %s",
                 co, co);
}
