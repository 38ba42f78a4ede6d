/*
 * malion_settings — a company's MaLion連携 (manual 000 §2): ホスト名,
 * 管理者コード and シークレットコード, each settable and clearable on its own
 * (the 🗑 buttons), and polling on or off. The secret code is sealed with
 * the secrets key, never shown back, never logged, never audited.
 */
#ifndef LR_SERVICE_MALION_SETTINGS_H
#define LR_SERVICE_MALION_SETTINGS_H

#include "sources/malion.h"
#include "store/secrets.h"
#include "store/store.h"

#define MALION_SECRET_NAME "malion_secret"

typedef struct malion_changes {
    const char *host;        /* NULL: unchanged */
    const char *admin_code;  /* NULL: unchanged */
    const char *secret_code; /* NULL: unchanged */
    int enabled;             /* -1 unchanged, 0 off, 1 on */
} malion_changes;

enum { MALION_FIELD_HOST = 1, MALION_FIELD_ADMIN_CODE = 2, MALION_FIELD_SECRET_CODE = 4 };

/* An admin or secret code as MaLion generates it: 1-128 printable ASCII
 * characters, no spaces. `what` names the field in the message. */
lr_status malion_check_code(const char *what, const char *v, lr_error *err);

/* Validates and applies ch in one audited transaction. Turning polling on
 * needs all three fields. */
lr_status malion_settings_set(lr_store *s, const char *code, const malion_changes *ch,
                              const lr_secrets *sec, const char *actor, lr_error *err);

/* Clears the fields of the mask (MALION_FIELD_*) and turns polling off
 * (MaLion連携 cannot poll without them; the admin UI says so). */
lr_status malion_settings_clear(lr_store *s, const char *code, unsigned fields, const char *actor,
                                lr_error *err);

/* "host" / "admin-code" / "secret-code" -> MALION_FIELD_*; 0 when unknown. */
unsigned malion_field_parse(const char *name);

/* Non-zero when the secret code is set. */
int malion_settings_has_secret(lr_store *s, const lr_company *c);

/* What is missing for polling ("" when nothing): "the host name, the secret code". */
void malion_settings_missing(lr_store *s, const lr_company *c, char *out, size_t outsz);

/* The secret code in clear (secrets_free_plain it). */
lr_status malion_settings_secret(lr_store *s, const lr_company *c, const lr_secrets *sec,
                                 char **plain, lr_error *err);

#endif
