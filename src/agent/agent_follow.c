/*
 * agent_follow — a growing record file followed across rotations (see
 * agent_follow.h).
 */
#include "agent/agent_follow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

static lr_status save(const agent_follow *f, lr_error *err)
{
    char tmp[AGENT_PATH_MAX + 40], line[96];
    int fd, n = snprintf(line, sizeof line, "%llu %lld\n", f->ino, f->offset);
    snprintf(tmp, sizeof tmp, "%s.tmp", f->state_path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, line, (size_t)n) != n || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return lr_fail(err, LR_EIO, "cannot write %s: %s", tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, f->state_path) != 0)
        return lr_fail(err, LR_EIO, "cannot write %s: %s", f->state_path, strerror(errno));
    return LR_OK;
}

lr_status agent_follow_open(agent_follow *f, const char *path, const char *state_dir,
                            size_t record, lr_error *err)
{
    FILE *in;
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    snprintf(f->state_path, sizeof f->state_path, "%s/follow.state", state_dir);
    f->record = record;
    if (!(in = fopen(f->state_path, "r")))
        return errno == ENOENT ? LR_OK
                               : lr_fail(err, LR_EIO, "cannot read %s: %s", f->state_path,
                                         strerror(errno));
    if (fscanf(in, "%llu %lld", &f->ino, &f->offset) != 2 || f->offset < 0) {
        fclose(in);
        return lr_fail(err, LR_EINVAL, "%s is damaged: expected 'inode offset'; remove it to send "
                                       "the whole file again (the server drops what it has)",
                       f->state_path);
    }
    fclose(in);
    return LR_OK;
}

/* The file beside f->path whose inode is ino, into out (its name). */
static int find_rotated(const agent_follow *f, unsigned long long ino, char *out, size_t outsz,
                        char *name, size_t namesz)
{
    char copy[AGENT_PATH_MAX], dir[AGENT_PATH_MAX];
    DIR *d;
    struct dirent *de;
    int found = 0;
    snprintf(copy, sizeof copy, "%s", f->path);
    snprintf(dir, sizeof dir, "%s", dirname(copy)); /* dirname writes into copy */
    if (!(d = opendir(dir)))
        return 0;
    while (!found && (de = readdir(d))) {
        struct stat sb;
        char p[AGENT_PATH_MAX + 260];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (unsigned long long)sb.st_ino == ino) {
            snprintf(out, outsz, "%s", p);
            snprintf(name, namesz, "%s", de->d_name);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

/* Reads [from, whole records up to max) of path into out. */
static lr_status read_span(const char *path, long long from, long long size, size_t record,
                           size_t max, lr_buf *out, long long *to, lr_error *err)
{
    long long end = from + (long long)(((size - from) / (long long)record) * (long long)record);
    FILE *in;
    size_t want;
    if (end - from > (long long)max)
        end = from + (long long)((max / record) * record);
    want = (size_t)(end - from);
    buf_reset(out);
    if (want == 0) {
        *to = from;
        return LR_OK;
    }
    if (!(in = fopen(path, "rb")) || fseeko(in, from, SEEK_SET) != 0) {
        if (in)
            fclose(in);
        return lr_fail(err, LR_EIO, "cannot read %s: %s", path, strerror(errno));
    }
    if (buf_reserve(out, want) != LR_OK || fread(out->data, 1, want, in) != want) {
        fclose(in);
        return lr_fail(err, LR_EIO, "cannot read %s", path);
    }
    out->len = want;
    fclose(in);
    *to = end;
    return LR_OK;
}

lr_status agent_follow_next(agent_follow *f, lr_buf *out, size_t max, agent_chunk *ch,
                            lr_error *err)
{
    struct stat sb;
    lr_status st;
    char *base, pathcopy[AGENT_PATH_MAX];
    if (stat(f->path, &sb) != 0)
        return errno == ENOENT ? LR_ENOTFOUND
                               : lr_fail(err, LR_EIO, "cannot follow %s: %s", f->path,
                                         strerror(errno));
    if (f->ino && f->ino != (unsigned long long)sb.st_ino) {
        /* rotated: finish the old file first */
        char old[AGENT_PATH_MAX + 260], name[260];
        struct stat ob;
        if (find_rotated(f, f->ino, old, sizeof old, name, sizeof name) && stat(old, &ob) == 0 &&
            ob.st_size - f->offset >= (long long)f->record) {
            ch->ino = f->ino;
            ch->from = f->offset;
            snprintf(ch->name, sizeof ch->name, "%s", name);
            if ((st = read_span(old, f->offset, ob.st_size, f->record, max, out, &ch->to, err)) != LR_OK)
                return st;
            return LR_OK;
        }
        if (!find_rotated(f, f->ino, old, sizeof old, name, sizeof name))
            log_warn("%s was rotated and its old file is gone: what it held after byte %lld "
                     "was not sent",
                     f->path, f->offset);
        f->ino = (unsigned long long)sb.st_ino;
        f->offset = 0;
        if ((st = save(f, err)) != LR_OK)
            return st;
    }
    if (!f->ino)
        f->ino = (unsigned long long)sb.st_ino;
    if (sb.st_size < f->offset) {
        log_warn("%s shrank (truncated): reading it again from the start", f->path);
        f->offset = 0;
    }
    if (sb.st_size - f->offset < (long long)f->record)
        return LR_ENOTFOUND;
    snprintf(pathcopy, sizeof pathcopy, "%s", f->path);
    base = basename(pathcopy);
    snprintf(ch->name, sizeof ch->name, "%s", base);
    ch->ino = f->ino;
    ch->from = f->offset;
    return read_span(f->path, f->offset, sb.st_size, f->record, max, out, &ch->to, err);
}

lr_status agent_follow_done(agent_follow *f, const agent_chunk *ch, lr_error *err)
{
    f->ino = ch->ino;
    f->offset = ch->to;
    return save(f, err);
}
