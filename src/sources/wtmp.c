/*
 * wtmp — struct utmpx records, read by their offsets (see wtmp.h), so the
 * layout does not depend on the machine loginrec runs on.
 */
#include "sources/wtmp.h"

#include <stdio.h>
#include <string.h>

/* glibc's struct utmpx on 64-bit Linux: where each field lies. */
enum {
    OFF_TYPE = 0,   /* short */
    OFF_LINE = 8,   /* char[32] */
    OFF_USER = 44,  /* char[32] */
    OFF_HOST = 76,  /* char[256] */
    OFF_SEC = 340,  /* int32: ut_tv.tv_sec */
};

#define T_RUN_LVL 1
#define T_BOOT_TIME 2
#define T_NEW_TIME 3
#define T_OLD_TIME 4
#define T_INIT_PROCESS 5
#define T_LOGIN_PROCESS 6
#define T_USER_PROCESS 7
#define T_DEAD_PROCESS 8
#define T_ACCOUNTING 9

#define YEAR_1990 631152000LL
#define YEAR_2100 4102444800LL

static int32_t le32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
}

/* A fixed-size field up to its first NUL, control characters refused. */
static int field(const unsigned char *p, size_t len, char *out)
{
    size_t n = 0;
    while (n < len && p[n])
        n++;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

void wtmp_record_copy(wtmp_record *dst, const wtmp_record *src)
{
    *dst = *src;
    dst->r = (unix_record){src->r.id, src->r.utc, src->r.kind, dst->host, dst->line, dst->user,
                           dst->from};
}

lr_status wtmp_parse(const char *what, const char *host, const unsigned char *bytes, size_t n,
                     wtmp_fn fn, void *ctx, wtmp_stats *stats, lr_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (!host || !host[0])
        return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                          "a wtmp file does not say which PC it is from: name it (--host, "
                          "X-Loginrec-Host)");
    if (n % WTMP_RECORD != 0)
        return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                          "not a wtmp file: %zu bytes is not a whole number of %d-byte records "
                          "(cut off in copying, or another file)",
                          n, WTMP_RECORD);
    for (size_t i = 0; i < n / WTMP_RECORD; i++) {
        const unsigned char *p = bytes + i * WTMP_RECORD;
        int type = p[OFF_TYPE] | p[OFF_TYPE + 1] << 8;
        int64_t sec = le32(p + OFF_SEC);
        wtmp_record w;
        lr_status st;
        stats->records++;
        if (type < T_RUN_LVL || type > T_ACCOUNTING)
            return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                              "record %zu (byte %zu): type %d is not a utmp record type (1-9): "
                              "not a wtmp file",
                              i + 1, i * WTMP_RECORD, type);
        memset(&w, 0, sizeof w);
        if (!field(p + OFF_LINE, WTMP_LINE_MAX, w.line) || !field(p + OFF_USER, WTMP_USER_MAX, w.user) ||
            !field(p + OFF_HOST, WTMP_HOST_MAX, w.from))
            return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                              "record %zu (byte %zu): control characters in its line, user or "
                              "host: not a wtmp file",
                              i + 1, i * WTMP_RECORD);
        if (type == T_USER_PROCESS)
            w.r.kind = UNIX_LOGIN;
        else if (type == T_DEAD_PROCESS)
            w.r.kind = UNIX_LOGOUT;
        else if (type == T_BOOT_TIME)
            w.r.kind = UNIX_BOOT;
        else if (type == T_RUN_LVL && strcmp(w.user, "shutdown") == 0)
            w.r.kind = UNIX_SHUTDOWN;
        else
            w.r.kind = UNIX_SIGN;
        if (sec < YEAR_1990 || sec >= YEAR_2100)
            return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                              "record %zu (byte %zu): its time (%lld) is not between 1990 and "
                              "2100: not a wtmp file of this kind of machine",
                              i + 1, i * WTMP_RECORD, (long long)sec);
        if (w.r.kind == UNIX_LOGIN && !w.user[0])
            return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                              "record %zu (byte %zu): a login with no user", i + 1,
                              i * WTMP_RECORD);
        snprintf(w.host, sizeof w.host, "%s", host);
        w.r = (unix_record){(int64_t)i + 1, sec, w.r.kind, w.host, w.line, w.user, w.from};
        if (w.r.kind == UNIX_SIGN)
            stats->signs++;
        else
            stats->sessions++;
        if ((st = fn(ctx, &w, err)) != LR_OK)
            return st;
    }
    return LR_OK;
}
