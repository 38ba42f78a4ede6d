/*
 * kot_settings — KING OF TIME connection settings (see kot_settings.h).
 */
#include "service/kot_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/admin.h"

lr_status kot_check_token(const char *token, lr_error *err)
{
    size_t n = strlen(token);
    if (n == 0 || n > 512 || strpbrk(token, " \t\r\n"))
        return lr_fail(err, LR_EINVAL, "the token must be 1-512 characters without spaces");
    return LR_OK;
}

typedef struct kot_edit {
    const kot_changes *ch;
    const char *sealed; /* the new token, sealed; NULL: unchanged */
} kot_edit;

static lr_status apply_kot(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    const kot_edit *k = ctx;
    if (k->ch->base_url)
        snprintf(c->kot_base_url, sizeof c->kot_base_url, "%s", k->ch->base_url);
    if (k->ch->delivery >= 0)
        c->punch_delivery = k->ch->delivery;
    if (k->ch->rate >= 0)
        c->kot_rate = k->ch->rate;
    return k->sealed ? store_secret_put(s, c->id, KOT_SECRET_NAME, k->sealed, err) : LR_OK;
}

lr_status kot_settings_set(lr_store *s, const char *code, const kot_changes *ch,
                           const lr_secrets *sec, const char *actor, lr_error *err)
{
    char *sealed = NULL, detail[300], rate[32];
    kot_edit k = {ch, NULL};
    lr_status st;

    if (ch->base_url && (st = kot_check_base_url(ch->base_url, err)) != LR_OK)
        return st;
    if (ch->rate >= 0 && (ch->rate < 0.1 || ch->rate > KOT_RATE_MAX))
        return lr_fail(err, LR_EINVAL, "rate is %g; expected 0.1 to %g requests per second",
                       ch->rate, KOT_RATE_MAX);
    if (ch->token && ((st = kot_check_token(ch->token, err)) != LR_OK ||
                      (st = secrets_seal(sec, ch->token, &sealed, err)) != LR_OK))
        return st;
    k.sealed = sealed;
    /* the audit says what changed, never the token */
    if (ch->rate < 0)
        snprintf(rate, sizeof rate, "(same)");
    else
        snprintf(rate, sizeof rate, "%g", ch->rate);
    snprintf(detail, sizeof detail, "base_url=%s token=%s delivery=%s rate=%s",
             ch->base_url ? ch->base_url : "(same)", ch->token ? "(replaced)" : "(same)",
             ch->delivery < 0 ? "(same)" : ch->delivery ? "on" : "off", rate);
    st = admin_company_edit(s, code, apply_kot, &k, actor, "kot.set", detail, err);
    free(sealed);
    return st;
}

static lr_status drop_token(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    (void)ctx;
    return store_secret_delete(s, c->id, KOT_SECRET_NAME, err);
}

lr_status kot_settings_clear_token(lr_store *s, const char *code, const char *actor,
                                   lr_error *err)
{
    return admin_company_edit(s, code, drop_token, NULL, actor, "kot.clear", "token", err);
}

int kot_settings_configured(lr_store *s, const lr_company *c)
{
    char sealed[2048];
    return store_secret_get(s, c->id, KOT_SECRET_NAME, sealed, sizeof sealed, NULL) == LR_OK;
}

lr_status kot_settings_conn(lr_store *s, const lr_company *c, const lr_secrets *sec,
                            long timeout_ms, kot_conn **out, lr_error *err)
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
    st = kot_conn_new(c->kot_base_url, token, timeout_ms, out, err);
    secrets_free_plain(token);
    return st;
}
