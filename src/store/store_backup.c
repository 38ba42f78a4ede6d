/*
 * store_backup — SQLite's online backup, and restore (see store_backup.h).
 */
#include "store/store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/store.h"
#include "util/fsspace.h"

enum { COPY_PAGES = 2048 }; /* a step's pages: 8 MiB at 4 KiB, a progress report each */

static lr_status refuse_pg(const char *what, lr_error *err)
{
    return lr_fail(err, LR_EINVAL,
                   "a PostgreSQL database is %s with PostgreSQL's own tools: pg_dump -Fc -f FILE "
                   "URL, and pg_restore -d URL FILE (README, \"Running it in production\")",
                   what);
}

static lr_status sq_fail(sqlite3 *db, lr_status code, lr_error *err, const char *doing,
                         const char *path)
{
    return lr_fail(err, code, "%s %s: %s", doing, path, db ? sqlite3_errmsg(db) : "out of memory");
}

/* One integer a query gives, or -1. */
static int64_t one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* PRAGMA quick_check said "ok", and it is a loginrec database: info
 * filled. */
static lr_status check_copy(sqlite3 *db, const char *path, store_copy_info *info, lr_error *err)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    if (!ok)
        return lr_fail(err, LR_ESTORE, "%s is damaged (PRAGMA quick_check: not ok)", path);
    info->schema = (int)one_int(db, "SELECT MAX(version) FROM schema_migrations");
    if (info->schema <= 0)
        return lr_fail(err, LR_EINVAL, "%s is not a loginrec database (no schema_migrations)",
                       path);
    info->events = one_int(db, "SELECT count(*) FROM log_events");
    info->bytes = one_int(db, "PRAGMA page_count") * one_int(db, "PRAGMA page_size");
    return LR_OK;
}

/* Copies every page of src's main into dst's, in steps of pages (-1: one
 * step), reporting progress. SQLITE_BUSY/LOCKED are waited out. */
static int copy_pages(sqlite3 *dst, sqlite3 *src, int pages, const progress_hook *progress)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int rc, page_size = (int)one_int(src, "PRAGMA page_size");
    if (!b)
        return sqlite3_errcode(dst);
    do {
        rc = sqlite3_backup_step(b, pages);
        progress_report(progress, PROGRESS_COPY,
                        (uint64_t)(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b)) *
                            (uint64_t)page_size,
                        (uint64_t)sqlite3_backup_pagecount(b) * (uint64_t)page_size, 0);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

lr_status store_backup(const char *db, const char *dest, const progress_hook *progress,
                       store_copy_info *info, lr_error *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    char tmp[1100], journal[1120], wal[1120], shm[1120], dir[1100];
    struct stat stt;
    lr_status st = LR_OK;
    int rc;

    memset(info, 0, sizeof *info);
    if (store_is_pg(db))
        return refuse_pg("backed up", err);
    if (stat(db, &stt) != 0)
        return lr_fail(err, LR_ENOTFOUND, "database %s: %s", db, strerror(errno));
    if (stat(dest, &stt) == 0 || errno != ENOENT)
        return lr_fail(err, LR_EEXIST, "%s exists: a backup is never written over a file",
                       dest);
    snprintf(tmp, sizeof tmp, "%s.part-%ld", dest, (long)getpid());
    snprintf(journal, sizeof journal, "%s-journal", tmp);
    snprintf(wal, sizeof wal, "%s-wal", tmp);
    snprintf(shm, sizeof shm, "%s-shm", tmp);
    if (sqlite3_open_v2(db, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) { /* reads only */
        st = sq_fail(src, LR_ESTORE, err, "opening", db);
        goto out;
    }
    sqlite3_busy_timeout(src, 10000);
    /* one read snapshot for the whole copy: the backup's steps read in it,
     * so writers committing meanwhile neither restart it nor show in it */
    if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) !=
        SQLITE_OK) {
        st = sq_fail(src, LR_ESTORE, err, "reading", db);
        goto out;
    }
    unlink(tmp); /* a leftover of a process that had this pid */
    unlink(journal);
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        st = sq_fail(dst, LR_EIO, err, "creating", tmp);
        goto out;
    }
    if ((rc = copy_pages(dst, src, COPY_PAGES, progress)) != SQLITE_OK) {
        st = lr_fail(err, rc == SQLITE_FULL ? LR_EIO : LR_ESTORE, "copying %s to %s: %s", db,
                     tmp, sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    /* one file, whatever the live database's journal */
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        st = sq_fail(dst, LR_ESTORE, err, "finishing", tmp);
        goto out;
    }
    if ((st = check_copy(dst, tmp, info, err)) != LR_OK)
        goto out;
    sqlite3_close(dst);
    dst = NULL;
    snprintf(dir, sizeof dir, "%s", dest);
    if (fs_sync(tmp, 0) != 0 || rename(tmp, dest) != 0 || fs_sync(dirname(dir), 1) != 0)
        st = lr_fail(err, LR_EIO, "writing %s: %s", dest, strerror(errno));
out:
    if (dst)
        sqlite3_close(dst);
    if (src)
        sqlite3_close(src);
    if (st != LR_OK) { /* nothing left: the copy is in WAL mode until it is finished */
        unlink(tmp);
        unlink(journal);
        unlink(wal);
        unlink(shm);
    }
    return st;
}

lr_status store_restore(const char *backup, const char *db, int replace, store_copy_info *info,
                        lr_error *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    struct stat stt;
    lr_status st = LR_OK;
    int rc, newest = lr_sqlite_migrations[lr_sqlite_migration_count - 1].version;

    memset(info, 0, sizeof *info);
    if (store_is_pg(db))
        return refuse_pg("restored", err);
    if (stat(backup, &stt) != 0)
        return lr_fail(err, LR_ENOTFOUND, "backup %s: %s", backup, strerror(errno));
    if (stat(db, &stt) == 0 && !replace)
        return lr_fail(err, LR_EEXIST,
                       "%s exists: restore puts the backup in its place only with --replace", db);
    if (sqlite3_open_v2(backup, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        st = sq_fail(src, LR_ESTORE, err, "opening", backup);
        goto out;
    }
    if ((st = check_copy(src, backup, info, err)) != LR_OK)
        goto out;
    if (info->schema > newest) {
        st = lr_fail(err, LR_EINVAL,
                     "%s has schema %d, newer than this loginrec's %d: restore it with the "
                     "loginrec that made it",
                     backup, info->schema, newest);
        goto out;
    }
    if (sqlite3_open_v2(db, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        st = sq_fail(dst, LR_ESTORE, err, "opening", db);
        goto out;
    }
    /* the database to itself, or not at all: an exclusive lock kept to the
     * end (locking_mode), which any other connection (a running loginrecd
     * holds one while it runs) makes impossible */
    sqlite3_busy_timeout(dst, 0);
    if (sqlite3_exec(dst, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT", NULL, NULL,
                     NULL) != SQLITE_OK) {
        rc = sqlite3_errcode(dst);
        st = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                 ? lr_fail(err, LR_EBUSY,
                           "%s is in use (is loginrecd running on it?): stop it first; a live "
                           "database is never restored over",
                           db)
                 : sq_fail(dst, LR_ESTORE, err, "locking", db);
        goto out;
    }
    /* one step: the pages go in as one transaction, whole or not at all */
    if ((rc = copy_pages(dst, src, -1, NULL)) != SQLITE_OK) {
        st = lr_fail(err, LR_ESTORE, "restoring %s to %s: %s", backup, db, sqlite3_errstr(rc));
        goto out;
    }
    if (sqlite3_exec(dst, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
        st = sq_fail(dst, LR_ESTORE, err, "finishing", db);
out:
    if (dst)
        sqlite3_close(dst);
    if (src)
        sqlite3_close(src);
    return st;
}
