/*
 * cmd_backup — loginrec backup FILE [--with-key] and loginrec restore
 * FILE [--with-key] [--replace]: the database (SQLite's online backup,
 * store/store_backup.h) and, on request, its secrets key beside it as
 * FILE.key. Neither opens the database as a store: a backup only reads,
 * and a restore must find the database unused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "store/secrets.h"
#include "store/store_backup.h"

/* The whole of path (at most max bytes) into out; its length, or -1. */
static long read_small(const char *path, char *out, size_t max)
{
    FILE *f = fopen(path, "rbe");
    size_t n;
    if (!f)
        return -1;
    n = fread(out, 1, max, f);
    fclose(f);
    return (long)n;
}

/* Copies the key file from to to (mode 0600), through a synced temporary
 * file; to must not exist. */
static lr_status copy_key(const char *from, const char *to, lr_error *err)
{
    char buf[512], tmp[1100];
    long n = read_small(from, buf, sizeof buf);
    int fd, ok, e;
    struct stat st;
    if (n < 0)
        return lr_fail(err, LR_EIO, "reading the key %s: %s", from, strerror(errno));
    if (stat(to, &st) == 0)
        return lr_fail(err, LR_EEXIST, "%s exists: a key is never written over", to);
    snprintf(tmp, sizeof tmp, "%s.part-%ld", to, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return lr_fail(err, LR_EIO, "writing the key %s: %s", to, strerror(errno));
    ok = write(fd, buf, (size_t)n) == n && fsync(fd) == 0;
    e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    /* linked into place: never over a key that appeared meanwhile */
    if (ok && link(tmp, to) != 0) {
        ok = 0;
        e = errno;
    }
    unlink(tmp);
    if (!ok)
        return lr_fail(err, e == EEXIST ? LR_EEXIST : LR_EIO, "writing the key %s: %s", to,
                       strerror(e));
    return LR_OK;
}

int cmd_backup(const char *db, cli_args *a)
{
    int with_key = cli_take_flag(a, "--with-key"), rc;
    char key_path[600], key_copy[1100];
    store_copy_info info;
    cli_progress line;
    lr_error err;
    lr_status st;
    if ((rc = cli_check_rest(a, 1, "backup FILE")))
        return rc;
    secrets_key_path(db, key_path, sizeof key_path);
    snprintf(key_copy, sizeof key_copy, "%s.key", a->v[0]);
    lr_error_clear(&err);
    st = store_backup(db, a->v[0], cli_progress_start(&line), &info, &err);
    cli_progress_end(&line);
    if (st != LR_OK)
        return cli_fail(&err);
    printf("backup %s: %.1f MB, schema %d, %lld events, consistent at one moment of %s\n",
           a->v[0], (double)info.bytes / 1e6, info.schema, (long long)info.events, db);
    if (getenv("LOGINREC_KEY") && *getenv("LOGINREC_KEY"))
        printf("the secrets key is LOGINREC_KEY's: keep it with the backup; without it the "
               "KING OF TIME tokens, MaLion codes and SMTP password in it cannot be read\n");
    else if (!with_key)
        printf("the secrets key is not in the backup: keep a copy of %s with it (or add "
               "--with-key); without it the KING OF TIME tokens, MaLion codes and SMTP password "
               "in it cannot be read\n",
               key_path);
    else if (access(key_path, R_OK) != 0)
        printf("no key file %s to copy: nothing is sealed yet\n", key_path);
    else if (copy_key(key_path, key_copy, &err) != LR_OK)
        return cli_fail(&err);
    else
        printf("the secrets key: %s (mode 0600; keep it as safe as the key itself)\n", key_copy);
    return 0;
}

int cmd_restore(const char *db, cli_args *a)
{
    int with_key = cli_take_flag(a, "--with-key"), replace = cli_take_flag(a, "--replace"), rc;
    char key_path[600], key_copy[1100], have[512], want[512];
    long nh, nw = 0;
    store_copy_info info;
    lr_error err;
    if ((rc = cli_check_rest(a, 1, "restore FILE")))
        return rc;
    secrets_key_path(db, key_path, sizeof key_path);
    snprintf(key_copy, sizeof key_copy, "%s.key", a->v[0]);
    lr_error_clear(&err);
    /* the keys compared first, before the database is touched: a database
     * restored beside a key that cannot open it would be worse than none
     * (the key is copied once the database is in place) */
    if (with_key) {
        if ((nw = read_small(key_copy, want, sizeof want)) < 0) {
            lr_fail(&err, LR_ENOTFOUND, "--with-key: no key %s beside the backup", key_copy);
            return cli_fail(&err);
        }
        nh = read_small(key_path, have, sizeof have);
        if (nh >= 0 && (nh != nw || memcmp(have, want, (size_t)nw) != 0)) {
            lr_fail(&err, LR_EEXIST,
                    "the key %s differs from the backup's %s: move it away first (it may be "
                    "the only key of another database)",
                    key_path, key_copy);
            return cli_fail(&err);
        }
    }
    if (store_restore(a->v[0], db, replace, &info, &err) != LR_OK)
        return cli_fail(&err);
    printf("restored %s to %s: schema %d, %lld events\n", a->v[0], db, info.schema,
           (long long)info.events);
    if (with_key && access(key_path, F_OK) != 0) {
        if (copy_key(key_copy, key_path, &err) != LR_OK)
            return cli_fail(&err);
        printf("the secrets key: %s\n", key_path);
    } else if (!with_key) {
        printf("the secrets key is not restored: %s must be the one the backup was taken "
               "with (--with-key puts FILE.key there)\n",
               key_path);
    }
    return 0;
}
