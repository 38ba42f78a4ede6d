/*
 * agent_state — the sent-files ledger (see agent_state.h).
 */
#include "agent/agent_state.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/vec.h"

static lr_status remember(agent_state *st, const char *hash, long long size, const char *name)
{
    agent_sent *s;
    if (!vec_room((void **)&st->v, &st->cap, st->n, sizeof *st->v))
        return LR_ENOMEM;
    s = &st->v[st->n];
    snprintf(s->hash, sizeof s->hash, "%s", hash);
    s->size = size;
    if (!(s->name = strdup(name)))
        return LR_ENOMEM;
    st->n++;
    return LR_OK;
}

lr_status agent_state_open(agent_state *st, const char *state_dir, lr_error *err)
{
    FILE *f;
    char line[2048];
    long lineno = 0;

    memset(st, 0, sizeof *st);
    snprintf(st->path, sizeof st->path, "%s/sent.tsv", state_dir);
    if (!(f = fopen(st->path, "r"))) {
        if (errno == ENOENT)
            return LR_OK;
        return lr_fail(err, LR_EIO, "cannot read %s: %s", st->path, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        char *size, *name, *end;
        long long sz;
        lineno++;
        if (!strchr(line, '\n'))
            break; /* a last line cut short by a crash: that file was not confirmed */
        line[strcspn(line, "\n")] = '\0';
        size = strchr(line, '\t');
        name = size ? strchr(size + 1, '\t') : NULL;
        if (!name || size - line != AGENT_HASH_HEX) {
            fclose(f);
            agent_state_close(st);
            return lr_fail_at(err, LR_EINVAL, st->path, lineno, 1,
                              "expected 'hash<TAB>size<TAB>name'");
        }
        *size++ = '\0';
        *name++ = '\0';
        sz = strtoll(size, &end, 10);
        if (*end || remember(st, line, sz, name) != LR_OK) {
            fclose(f);
            agent_state_close(st);
            return lr_fail_at(err, LR_EINVAL, st->path, lineno, AGENT_HASH_HEX + 2,
                              "expected a size");
        }
    }
    fclose(f);
    return LR_OK;
}

void agent_state_close(agent_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->v[i].name);
    free(st->v);
    st->v = NULL;
    st->n = st->cap = 0;
}

int agent_state_was_sent(const agent_state *st, const char *name, long long size,
                         const char *hash)
{
    for (size_t i = st->n; i-- > 0;)
        if (st->v[i].size == size && strcmp(st->v[i].hash, hash) == 0 &&
            strcmp(st->v[i].name, name) == 0)
            return 1;
    return 0;
}

lr_status agent_state_mark_sent(agent_state *st, const char *name, long long size,
                                const char *hash, lr_error *err)
{
    char line[1200];
    int fd, k = snprintf(line, sizeof line, "%s\t%lld\t%s\n", hash, size, name);
    ssize_t w;

    if (k < 0 || (size_t)k >= sizeof line || strpbrk(name, "\t\n"))
        return lr_fail(err, LR_EINVAL, "cannot record the file name '%s'", name);
    fd = open(st->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return lr_fail(err, LR_EIO, "cannot write %s: %s", st->path, strerror(errno));
    w = write(fd, line, (size_t)k);
    if (w != k || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return lr_fail(err, LR_EIO, "cannot write %s: %s", st->path, strerror(e));
    }
    close(fd);
    if (remember(st, hash, size, name) != LR_OK)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    return LR_OK;
}

void agent_state_hash(const char *bytes, size_t n, char out[AGENT_HASH_HEX + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)bytes, n, NULL, 0);
    sodium_bin2hex(out, AGENT_HASH_HEX + 1, h, sizeof h);
}
