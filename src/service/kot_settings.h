/*
 * kot_settings — a company's KING OF TIME connection (勤革時連携 / 打刻連携):
 * base URL, token (sealed with the secrets key, never shown again),
 * punch delivery on/off and request rate; and a client built from them.
 */
#ifndef LR_SERVICE_KOT_SETTINGS_H
#define LR_SERVICE_KOT_SETTINGS_H

#include "sinks/kot_client.h"
#include "store/secrets.h"
#include "store/store.h"

#define KOT_SECRET_NAME "kot_token"
#define KOT_RATE_MAX 100.0

typedef struct kot_changes {
    const char *base_url; /* NULL: unchanged */
    const char *token;    /* NULL: unchanged */
    int delivery;         /* -1 unchanged, 0 off, 1 on */
    double rate;          /* < 0: unchanged */
} kot_changes;

/* Validates and applies ch in one audited transaction. */
lr_status kot_settings_set(lr_store *s, const char *code, const kot_changes *ch,
                           const lr_secrets *sec, const char *actor, lr_error *err);

/* A token as KoT issues it: 1-512 characters without spaces. */
lr_status kot_check_token(const char *token, lr_error *err);

/* Removes the company's token (the 🗑 of 勤革時連携); delivery and sync stop
 * until a new one is set. Audited as kot.clear. */
lr_status kot_settings_clear_token(lr_store *s, const char *code, const char *actor,
                                   lr_error *err);

/* Non-zero when company c has a KING OF TIME token set. */
int kot_settings_configured(lr_store *s, const lr_company *c);

/* A connection to company c's KING OF TIME (its token opened with sec);
 * the caller frees it with kot_conn_free. LR_ENOTFOUND when no token is
 * set. */
lr_status kot_settings_conn(lr_store *s, const lr_company *c, const lr_secrets *sec,
                            long timeout_ms, kot_conn **out, lr_error *err);

#endif
