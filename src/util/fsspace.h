/*
 * fsspace — how much room a file's disk has left (statvfs), for the
 * headroom loginrecd keeps before it takes in more (ingest_min_free_mb).
 */
#ifndef LR_UTIL_FSSPACE_H
#define LR_UTIL_FSSPACE_H

#include <stdint.h>

/* Bytes an unprivileged writer may still use on the disk that holds path
 * (a file or a folder); -1 when it cannot be told. */
int64_t fs_free_bytes(const char *path);

#endif
