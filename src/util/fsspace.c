/*
 * fsspace — free space of a file's disk (see fsspace.h).
 */
#include "util/fsspace.h"

#include <sys/statvfs.h>

int64_t fs_free_bytes(const char *path)
{
    struct statvfs v;
    if (statvfs(path, &v) != 0)
        return -1;
    return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}
