/*
 * store_backup — a consistent copy of a SQLite database while loginrecd
 * runs and writes (SQLite's online backup API, under one read snapshot),
 * and its way back. PostgreSQL has its own tools (pg_dump, pg_restore):
 * both functions refuse a PostgreSQL URL and say which to use.
 */
#ifndef LR_STORE_STORE_BACKUP_H
#define LR_STORE_STORE_BACKUP_H

#include <stdint.h>

#include "util/progress.h"
#include "util/status.h"

typedef struct store_copy_info {
    int64_t bytes;  /* the copy's size */
    int schema;     /* its schema version */
    int64_t events; /* its log events */
} store_copy_info;

/* Copies db to dest, consistent at one moment (writers go on meanwhile):
 * written to a temporary file beside dest, checked (quick_check), synced,
 * then renamed to dest, which must not exist; on any failure nothing is
 * left at dest. The copy is one file (rollback journal mode). progress
 * (may be NULL) hears PROGRESS_COPY in bytes. */
lr_status store_backup(const char *db, const char *dest, const progress_hook *progress,
                       store_copy_info *info, lr_error *err);

/* Puts the backup file back as db, whole or not at all. Refuses a backup
 * that is not a sound loginrec database or is newer than this program's
 * schema; refuses db while another connection has it open (loginrecd
 * running: LR_EBUSY), and an existing db unless replace. */
lr_status store_restore(const char *backup, const char *db, int replace, store_copy_info *info,
                        lr_error *err);

#endif
