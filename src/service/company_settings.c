/*
 * company_settings — the 企業情報 form checked and saved as one (see
 * company_settings.h).
 */
#include "service/company_settings.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/divergence.h"
#include "service/divergence_review.h"

#include "service/admin.h"
#include "service/kot_settings.h"
#include "service/malion_settings.h"
#include "sinks/kot_client.h"
#include "sources/malion.h"
#include "util/timefmt.h"

typedef lr_status (*field_rule)(const char *v, lr_error *err);

/* A number the rules let through. */
static int atoi_checked(const char *v)
{
    return (int)strtol(v, NULL, 10);
}

static lr_status rule_name(const char *v, lr_error *err)
{
    return admin_check_text("company name", v, 255, err);
}

static lr_status rule_collect(const char *v, lr_error *err)
{
    int minutes;
    return tf_parse_hhmm(v, &minutes, err);
}

static lr_status rule_malion_code(const char *v, lr_error *err)
{
    return malion_check_code("code", v, err);
}

static lr_status rule_mode(const char *v, lr_error *err)
{
    if (strcmp(v, "punch") && strcmp(v, "record"))
        return lr_fail(err, LR_EINVAL, "mode '%s': expected punch or record", v);
    return LR_OK;
}

/* A divergence limit as typed: whole minutes, 1-240. */
static lr_status rule_limit(const char *v, lr_error *err)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < DIV_LIMIT_MIN || n > DIV_LIMIT_MAX)
        return lr_fail(err, LR_EINVAL, "limit '%s': expected %d-%d minutes", v, DIV_LIMIT_MIN,
                       DIV_LIMIT_MAX);
    return LR_OK;
}

/* One rule per text field; an optional one is checked only when typed. */
static const struct {
    const char *field;
    size_t offset;
    field_rule rule;
    int optional;
} rules[] = {
    {"name", offsetof(company_settings_form, name), rule_name, 0},
    {"kot_url", offsetof(company_settings_form, kot_url), kot_check_base_url, 0},
    {"kot_token", offsetof(company_settings_form, kot_token), kot_check_token, 1},
    {"collect", offsetof(company_settings_form, collect), rule_collect, 0},
    {"malion_host", offsetof(company_settings_form, malion_host), malion_check_host, 1},
    {"malion_admin", offsetof(company_settings_form, malion_admin), rule_malion_code, 1},
    {"malion_secret", offsetof(company_settings_form, malion_secret), rule_malion_code, 1},
    {"kot_mode", offsetof(company_settings_form, kot_mode), rule_mode, 1},
    {"div_start", offsetof(company_settings_form, div_start), rule_limit, 1},
    {"div_end", offsetof(company_settings_form, div_end), rule_limit, 1},
};

static const char *text_of(const company_settings_form *f, size_t offset)
{
    const char *v = *(const char *const *)((const char *)f + offset);
    return v ? v : "";
}

/* v when something was typed into it, else NULL. */
static const char *typed(const char *v)
{
    return v && *v ? v : NULL;
}

int company_settings_check(lr_store *s, const lr_company *c, const company_settings_form *f,
                           void (*bad)(void *ctx, const char *field), void *ctx)
{
    int n = 0;
    lr_error err;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const char *v = text_of(f, rules[i].offset);
        if ((*v || !rules[i].optional) && rules[i].rule(v, &err) != LR_OK) {
            bad(ctx, rules[i].field);
            n++;
        }
    }
    /* MaLion連携 on needs all three codes, the secret typed or stored */
    if (f->malion_enabled == 1 &&
        (!typed(f->malion_host) || !typed(f->malion_admin) ||
         (!typed(f->malion_secret) && !malion_settings_has_secret(s, c)))) {
        bad(ctx, "malion_enabled");
        n++;
    }
    return n;
}

lr_status company_settings_save(lr_store *s, const char *code, const company_settings_form *f,
                                const lr_secrets *sec, const char *actor, lr_error *err)
{
    company_changes cc = {f->name, NULL, f->breaks, f->collect, NULL};
    kot_changes kc = {f->kot_url, typed(f->kot_token), f->delivery, -1};
    malion_changes mc = {typed(f->malion_host), typed(f->malion_admin), typed(f->malion_secret),
                         f->malion_enabled};
    lr_status st;

    if (!sec && (typed(f->kot_token) || typed(f->malion_secret)))
        return lr_fail(err, LR_ECRYPTO, "no secrets key: credentials cannot be stored");
    /* the three parts nest in one transaction: each part's commit is the
     * outer one's to make, and any part's failure rolls all of it back */
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = admin_company_set(s, code, &cc, actor, err);
    if (st == LR_OK && sec)
        st = kot_settings_set(s, code, &kc, sec, actor, err);
    if (st == LR_OK && sec)
        st = malion_settings_set(s, code, &mc, sec, actor, err);
    if (st == LR_OK && (typed(f->kot_mode) || typed(f->div_start) || typed(f->div_end))) {
        div_settings ds = {typed(f->kot_mode), typed(f->div_start) ? atoi_checked(f->div_start) : -1,
                           typed(f->div_end) ? atoi_checked(f->div_end) : -1, NULL};
        st = div_settings_set(s, code, &ds, actor, err);
    }
    if (st != LR_OK) {
        store_rollback(s);
        return st;
    }
    return store_commit(s, err);
}
