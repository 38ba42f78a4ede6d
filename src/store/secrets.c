/*
 * secrets — secretbox sealing of stored credentials (see secrets.h).
 */
#include "store/secrets.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "v1:"

void secrets_key_path(const char *db_path, char *out, size_t outsz)
{
    const char *file = getenv("LOGINREC_KEY_FILE");
    if (file && *file)
        snprintf(out, outsz, "%s", file);
    else if (store_is_pg(db_path))
        snprintf(out, outsz, "loginrec.key"); /* a URL has no folder to put it beside */
    else
        snprintf(out, outsz, "%s.key", db_path);
}

lr_status secrets_key_create(const char *key_path, int *created, lr_error *err)
{
    unsigned char key[LR_KEY_BYTES];
    char hex[LR_KEY_BYTES * 2 + 2], tmp[700];
    int fd, e;
    ssize_t w;

    *created = 0;
    if (access(key_path, F_OK) == 0)
        return LR_OK;
    /* written whole beside it, then linked into place (never over a key
     * that appeared meanwhile): a full disk or a crash leaves no half key */
    snprintf(tmp, sizeof tmp, "%s.part-%ld", key_path, (long)getpid());
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return lr_fail(err, errno == ENOSPC ? LR_EFULL : LR_EIO, "cannot create key file %s: %s",
                       key_path, strerror(errno));
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    sodium_memzero(key, sizeof key);
    hex[LR_KEY_BYTES * 2] = '\n';
    w = write(fd, hex, LR_KEY_BYTES * 2 + 1);
    e = errno;
    sodium_memzero(hex, sizeof hex);
    if (w == LR_KEY_BYTES * 2 + 1 && fsync(fd) != 0)
        e = errno;
    else if (w == LR_KEY_BYTES * 2 + 1)
        e = 0;
    if (close(fd) != 0 && w == LR_KEY_BYTES * 2 + 1 && !e)
        e = errno;
    if (w != LR_KEY_BYTES * 2 + 1 || e) {
        unlink(tmp);
        return lr_fail(err, e == ENOSPC ? LR_EFULL : LR_EIO, "cannot write key file %s: %s",
                       key_path, w < 0 || e ? strerror(e) : "short write");
    }
    if (link(tmp, key_path) != 0) {
        e = errno;
        unlink(tmp);
        if (e == EEXIST)
            return LR_OK;
        return lr_fail(err, e == ENOSPC ? LR_EFULL : LR_EIO, "cannot create key file %s: %s",
                       key_path, strerror(e));
    }
    unlink(tmp);
    *created = 1;
    return LR_OK;
}

static lr_status parse_key(lr_secrets *s, const char *hex, const char *where, lr_error *err)
{
    size_t n = 0;
    if (sodium_hex2bin(s->key, sizeof s->key, hex, strlen(hex), " \r\n", &n, NULL) != 0 ||
        n != sizeof s->key)
        return lr_fail(err, LR_ECRYPTO, "%s must hold 64 hexadecimal characters (a 32-byte key)",
                       where);
    return LR_OK;
}

lr_status secrets_load(lr_secrets *s, const char *key_path, lr_error *err)
{
    const char *env = getenv("LOGINREC_KEY");
    char buf[160];
    FILE *f;
    size_t n;
    struct stat stt;
    lr_status st;

    if (env && *env)
        return parse_key(s, env, "LOGINREC_KEY", err);
    f = fopen(key_path, "re");
    if (!f)
        return lr_fail(err, LR_ENOTFOUND,
                       "no key: set LOGINREC_KEY or run 'loginrec init' to create %s", key_path);
    if (fstat(fileno(f), &stt) == 0 && (stt.st_mode & 077))
        fprintf(stderr, "warning: key file %s is readable by others; chmod 600 it\n", key_path);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    st = parse_key(s, buf, key_path, err);
    sodium_memzero(buf, sizeof buf);
    return st;
}

lr_status secrets_seal(const lr_secrets *s, const char *plain, char **sealed, lr_error *err)
{
    size_t plen = strlen(plain);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen;
    unsigned char *box = malloc(blen);
    size_t b64len = sodium_base64_encoded_len(blen, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(sizeof PREFIX + b64len);

    *sealed = NULL;
    if (!box || !out) {
        free(box);
        free(out);
        return lr_fail(err, LR_ENOMEM, "out of memory sealing a secret");
    }
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, plen, box,
                          s->key);
    memcpy(out, PREFIX, sizeof PREFIX - 1);
    sodium_bin2base64(out + sizeof PREFIX - 1, b64len, box, blen, sodium_base64_VARIANT_ORIGINAL);
    free(box);
    *sealed = out;
    return LR_OK;
}

lr_status secrets_open(const lr_secrets *s, const char *sealed, char **plain, lr_error *err)
{
    size_t slen, blen = 0, plen;
    unsigned char *box;
    char *out;

    *plain = NULL;
    if (strncmp(sealed, PREFIX, sizeof PREFIX - 1) != 0)
        return lr_fail(err, LR_ECRYPTO, "stored secret is not in a known format");
    sealed += sizeof PREFIX - 1;
    slen = strlen(sealed);
    box = malloc(slen + 1);
    if (!box)
        return lr_fail(err, LR_ENOMEM, "out of memory opening a secret");
    if (sodium_base642bin(box, slen + 1, sealed, slen, NULL, &blen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        free(box);
        return lr_fail(err, LR_ECRYPTO, "stored secret is damaged");
    }
    plen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    out = malloc(plen + 1);
    if (!out) {
        free(box);
        return lr_fail(err, LR_ENOMEM, "out of memory opening a secret");
    }
    if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, box, s->key) != 0) {
        free(box);
        free(out);
        return lr_fail(err, LR_ECRYPTO,
                       "stored secret cannot be opened with this key (wrong LOGINREC_KEY or key "
                       "file?)");
    }
    free(box);
    out[plen] = '\0';
    *plain = out;
    return LR_OK;
}

void secrets_free_plain(char *plain)
{
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
}
