/*
 * secrets — sealing values at rest with libsodium's secretbox
 * (XSalsa20-Poly1305) under one 32-byte key.
 *
 * The key comes from LOGINREC_KEY (64 hex characters) or from a key file
 * next to the database ("<db>.key", mode 0600) that `loginrec init`
 * creates. A sealed value is text: "v1:" + base64(nonce || box). Opening
 * with the wrong key, or a tampered value, fails with LR_ECRYPTO.
 * Thread-safe after secrets_init(); needs sodium_init().
 */
#ifndef LR_STORE_SECRETS_H
#define LR_STORE_SECRETS_H

#include <stddef.h>

#include "util/status.h"

#define LR_KEY_BYTES 32

typedef struct lr_secrets {
    unsigned char key[LR_KEY_BYTES];
} lr_secrets;

/* LOGINREC_KEY_FILE if set, else "<db>.key" for a SQLite path, or
 * "loginrec.key" (in the working folder) for a PostgreSQL URL: instances
 * sharing a database must share the key (LOGINREC_KEY or the same file). */
void secrets_key_path(const char *db_path, char *out, size_t outsz);

/* Creates key_path with a fresh random key, mode 0600, unless it exists
 * (LR_OK either way; *created says which). */
lr_status secrets_key_create(const char *key_path, int *created, lr_error *err);

/* Loads the key: LOGINREC_KEY if set, else key_path. */
lr_status secrets_load(lr_secrets *s, const char *key_path, lr_error *err);

/* Seals plain into a NUL-terminated string the caller frees with free(). */
lr_status secrets_seal(const lr_secrets *s, const char *plain, char **sealed, lr_error *err);

/* Opens sealed into a string the caller frees with secrets_free_plain()
 * (which wipes it). */
lr_status secrets_open(const lr_secrets *s, const char *sealed, char **plain, lr_error *err);
void secrets_free_plain(char *plain);

#endif
