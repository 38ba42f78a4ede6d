/*
 * admin_companies — companies: adding one, editing its settings in one
 * audited transaction, and queueing its failed punches again (see admin.h).
 */
#include "service/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/day.h"
#include "core/event_parse.h"
#include "service/ingest.h"
#include "util/clock.h"
#include "util/company_code.h"
#include "util/timefmt.h"
#include "util/tz.h"

lr_status admin_outbox_retry(lr_store *s, const char *code, const char *actor, size_t *n,
                             lr_error *err)
{
    lr_company c;
    char detail[32];
    lr_status st = store_company_get(s, code, &c, err);
    *n = 0;
    if (st != LR_OK || (st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_outbox_retry(s, c.id, clock_now(), n, err);
    snprintf(detail, sizeof detail, "%zu", *n);
    return admin_commit_audited(s, st, c.id, actor, "outbox.retry", detail, err);
}

lr_status admin_company_add(lr_store *s, const char *code, const char *name, const char *tz,
                            int breaks, const char *actor, char token[LR_TOKEN_LEN + 1],
                            lr_error *err)
{
    lr_company c = {0};
    char hash[LR_TOKEN_HASH_LEN + 1];
    lr_status st;

    if ((st = company_code_check(code, err)) != LR_OK ||
        (st = admin_check_text("company name", name, 255, err)) != LR_OK ||
        (st = tz_validate(tz ? tz : "Asia/Tokyo", err)) != LR_OK)
        return st;
    /* KING OF TIME's company ID, in any case at login: kept in upper case */
    for (size_t i = 0; i < sizeof c.code - 1 && code[i]; i++)
        c.code[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 'a' + 'A' : code[i]);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.tz, sizeof c.tz, "%s", tz ? tz : "Asia/Tokyo");
    c.break_punches = breaks;
    c.min_break_sec = 60;
    c.max_shift_sec = 20 * 3600;
    token_generate(token, LR_TOKEN_LEN);
    token_hash(token, hash);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_insert(s, &c, hash, err);
    return admin_commit_audited(s, st, c.id, actor, "company.add", c.code, err);
}

lr_status admin_company_edit(lr_store *s, const char *code, admin_company_edit_fn edit, void *ctx,
                             const char *actor, const char *action, const char *detail,
                             lr_error *err)
{
    lr_company c;
    lr_status st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK)
        st = edit(s, &c, ctx, err);
    if (st == LR_OK)
        st = store_company_update(s, &c, err);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, action, detail, err);
}

typedef struct general_edit {
    const company_changes *ch;
    int collect;    /* minutes, -1: unchanged */
    int idle_break; /* minutes, -1: unchanged */
} general_edit;

static lr_status apply_general(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    const general_edit *g = ctx;
    (void)s;
    (void)err;
    if (g->ch->name)
        snprintf(c->name, sizeof c->name, "%s", g->ch->name);
    if (g->ch->tz)
        snprintf(c->tz, sizeof c->tz, "%s", g->ch->tz);
    if (g->ch->breaks >= 0)
        c->break_punches = g->ch->breaks;
    if (g->collect >= 0)
        c->lanscope_collect_min = g->collect;
    if (g->idle_break >= 0)
        c->idle_break_min = g->idle_break;
    return LR_OK;
}

lr_status admin_company_set(lr_store *s, const char *code, const company_changes *ch,
                            const char *actor, lr_error *err)
{
    general_edit g = {ch, -1, -1};
    lr_status st;
    char *end;

    if (ch->name && (st = admin_check_text("company name", ch->name, 255, err)) != LR_OK)
        return st;
    if (ch->lanscope_collect &&
        (st = tf_parse_hhmm(ch->lanscope_collect, &g.collect, err)) != LR_OK)
        return st;
    if (ch->tz && (st = tz_validate(ch->tz, err)) != LR_OK)
        return st;
    if (ch->idle_break) {
        long v = strtol(ch->idle_break, &end, 10);
        if (!ch->idle_break[0] || *end || v < 1 || v > 240)
            return lr_fail(err, LR_EINVAL,
                           "--idle-break is '%s'; expected minutes from 1 to 240 (default 15)",
                           ch->idle_break);
        g.idle_break = (int)v;
    }
    return admin_company_edit(s, code, apply_general, &g, actor, "company.set", code, err);
}
