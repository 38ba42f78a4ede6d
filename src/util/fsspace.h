/*
 * fsspace — a file's disk: how much room it has left (statvfs), for the
 * headroom loginrecd keeps before it takes in more (ingest_min_free_mb),
 * and making what was written there durable (a backup, an archive).
 */
#ifndef LR_UTIL_FSSPACE_H
#define LR_UTIL_FSSPACE_H

#include <stdint.h>

/* Bytes an unprivileged writer may still use on the disk that holds path
 * (a file or a folder); -1 when it cannot be told. */
int64_t fs_free_bytes(const char *path);

/* fsync of path, a file (dir 0) or a folder (dir 1, so that a name made
 * or changed in it lasts): 0, or -1 with errno. */
int fs_sync(const char *path, int dir);

#endif
