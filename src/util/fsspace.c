/*
 * fsspace — a file's disk: free space, fsync (see fsspace.h).
 */
#include "util/fsspace.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

int64_t fs_free_bytes(const char *path)
{
    struct statvfs v;
    if (statvfs(path, &v) != 0)
        return -1;
    return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}

int fs_sync(const char *path, int dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC), rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}
