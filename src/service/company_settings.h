/*
 * company_settings — the 企業情報 form as one use case: every field checked
 * by the rule declared for it, then the whole form saved in one
 * transaction (the company, its KING OF TIME, 乖離 and MaLion settings
 * together, or nothing), audited as company.set, kot.set,
 * divergence.settings and malion.set.
 * The admin UI's page renders; this decides.
 */
#ifndef LR_SERVICE_COMPANY_SETTINGS_H
#define LR_SERVICE_COMPANY_SETTINGS_H

#include "store/secrets.h"
#include "store/store.h"

/* The form as sent: text as typed ("" for a secret field left empty,
 * which keeps the stored one), switches 0 or 1. */
typedef struct company_settings_form {
    const char *name, *kot_url, *kot_token, *collect;
    const char *malion_host, *malion_admin, *malion_secret;
    /* 乖離 (divergence_review): the mode (punch | record) and the start
     * and end limits in minutes (1-240); NULL or "": unchanged */
    const char *kot_mode, *div_start, *div_end;
    int delivery, breaks, malion_enabled;
} company_settings_form;

/* Checks every field of f against c (the company as stored); calls
 * bad(ctx, field) for each field with a problem, by the form's field name
 * ("name", "kot_url", "kot_token", "collect", "malion_host",
 * "malion_admin", "malion_secret", "malion_enabled", "kot_mode",
 * "div_start", "div_end"). Returns how many. */
int company_settings_check(lr_store *s, const lr_company *c, const company_settings_form *f,
                           void (*bad)(void *ctx, const char *field), void *ctx);

/* Saves f (checked) for company `code` in one transaction: all of it, or
 * nothing when any part fails. sec may be NULL when no secret is typed. */
lr_status company_settings_save(lr_store *s, const char *code, const company_settings_form *f,
                                const lr_secrets *sec, const char *actor, lr_error *err);

#endif
