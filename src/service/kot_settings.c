/*
 * kot_settings — KING OF TIME connection settings (see kot_settings.h).
 */
#include "service/kot_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/admin.h"

lr_status kot_settings_set(lr_store *s, const char *code, const kot_changes *ch,
                           const lr_secrets *sec, const char *actor, lr_error *err)
{
    lr_company c;
    char *sealed = NULL, detail[300], rate[32];
    lr_status st;

    if (ch->base_url && (st = kot_check_base_url(ch->base_url, err)) != LR_OK)
        return st;
    if (ch->rate >= 0 && (ch->rate < 0.1 || ch->rate > KOT_RATE_MAX))
        return lr_fail(err, LR_EINVAL, "rate is %g; expected 0.1 to %g requests per second",
                       ch->rate, KOT_RATE_MAX);
    if (ch->token) {
        size_t n = strlen(ch->token);
        if (n == 0 || n > 512 || strpbrk(ch->token, " \t\r\n"))
            return lr_fail(err, LR_EINVAL, "the token must be 1-512 characters without spaces");
        if ((st = secrets_seal(sec, ch->token, &sealed, err)) != LR_OK)
            return st;
    }
    if ((st = store_begin(s, err)) != LR_OK) {
        free(sealed);
        return st;
    }
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK) {
        if (ch->base_url)
            snprintf(c.kot_base_url, sizeof c.kot_base_url, "%s", ch->base_url);
        if (ch->delivery >= 0)
            c.punch_delivery = ch->delivery;
        if (ch->rate >= 0)
            c.kot_rate = ch->rate;
        st = store_company_update(s, &c, err);
    }
    if (st == LR_OK && sealed)
        st = store_secret_put(s, c.id, KOT_SECRET_NAME, sealed, err);
    free(sealed);
    /* the audit says what changed, never the token */
    if (ch->rate < 0)
        snprintf(rate, sizeof rate, "(same)");
    else
        snprintf(rate, sizeof rate, "%g", ch->rate);
    snprintf(detail, sizeof detail, "base_url=%s token=%s delivery=%s rate=%s",
             ch->base_url ? ch->base_url : "(same)", ch->token ? "(replaced)" : "(same)",
             ch->delivery < 0 ? "(same)" : ch->delivery ? "on" : "off", rate);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "kot.set", detail, err);
}

int kot_settings_configured(lr_store *s, const lr_company *c)
{
    char sealed[2048];
    return store_secret_get(s, c->id, KOT_SECRET_NAME, sealed, sizeof sealed, NULL) == LR_OK;
}

lr_status kot_settings_client(lr_store *s, const lr_company *c, const lr_secrets *sec,
                              long timeout_ms, kot_client **out, lr_error *err)
{
    char sealed[2048], *token = NULL;
    lr_status st = store_secret_get(s, c->id, KOT_SECRET_NAME, sealed, sizeof sealed, err);
    if (st == LR_ENOTFOUND)
        return lr_fail(err, LR_ENOTFOUND,
                       "company %s has no KING OF TIME token; set it with 'loginrec kot set %s "
                       "--token -'",
                       c->code, c->code);
    if (st != LR_OK || (st = secrets_open(sec, sealed, &token, err)) != LR_OK)
        return st;
    st = kot_client_new(c->id, c->kot_base_url, token, c->kot_rate, timeout_ms, out, err);
    secrets_free_plain(token);
    return st;
}
