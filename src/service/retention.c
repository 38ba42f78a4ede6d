/*
 * retention — purges by date, archived first (see retention.h).
 */
#include "service/retention.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/chain.h"
#include "core/day.h"
#include "service/company_lease.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/fsspace.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/worker.h"

/* Today in the company's zone, years back (29 February: the 28th). */
static int64_t years_back(const lr_company *c, int64_t now, int years)
{
    int y, m, d;
    tf_civil_from_days(tz_local_day(c->tz, now), &y, &m, &d);
    return tf_days_from_civil(y - years, m, m == 2 && d == 29 ? 28 : d);
}

/* 00:00 of day in the company's zone, as UTC. */
static int64_t day_start(const lr_company *c, int64_t day)
{
    int64_t utc;
    int offset;
    tz_utc_of_wall(c->tz, day * 86400, &utc, &offset);
    return utc;
}

void retention_limit(const lr_company *c, int64_t now, char out[11])
{
    tf_format_date(years_back(c, now, RETENTION_LEGAL_YEARS), out);
}

/* The archive being written: rows buffered, then appended to fd. */
typedef struct archive {
    const lr_company *c;
    int fd;
    lr_buf b;
    int64_t rows;
    const progress_hook *progress;
    lr_status st;
    lr_error *err;
} archive;

static int flush_archive(archive *a)
{
    size_t off = 0;
    while (off < a->b.len) {
        ssize_t w = write(a->fd, a->b.data + off, a->b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            a->st = lr_fail(a->err, LR_EIO, "writing the archive: %s", strerror(errno));
            return 1;
        }
        off += (size_t)w;
    }
    buf_reset(&a->b);
    return 0;
}

static void when(const lr_company *c, int64_t utc, char out[32])
{
    if (utc)
        tz_format_iso(c->tz, utc, out);
    else
        out[0] = '\0';
}

static int archive_row(void *ctx, const lr_purge_row *r)
{
    archive *a = ctx;
    char id[24] = "", at[32], t[32];
    const char *f[13];
    if (r->id)
        snprintf(id, sizeof id, "%lld", (long long)r->id);
    if (strcmp(r->record, "event") == 0)
        tf_format_iso(r->utc, r->offset_sec, t); /* as its source wrote it */
    else
        when(a->c, r->utc, t);
    when(a->c, r->at, at);
    f[0] = r->record;
    f[1] = id;
    f[2] = t;
    f[3] = r->work_day;
    f[4] = r->employee;
    f[5] = r->source;
    f[6] = r->account;
    f[7] = r->host;
    f[8] = r->op;
    f[9] = r->kind ? punch_kind_name((punch_kind)r->kind) : "";
    f[10] = r->state;
    f[11] = at;
    f[12] = r->detail;
    if (csv_write_row(&a->b, f, 13, 0, "\r\n") != LR_OK) {
        a->st = lr_fail(a->err, LR_ETOOBIG, "an archive row too long to write");
        return 1;
    }
    a->rows++;
    if (a->rows % 5000 == 0)
        progress_report(a->progress, PROGRESS_CHECK, (uint64_t)a->rows, 0, 0);
    return a->b.len >= (1u << 20) ? flush_archive(a) : 0;
}

/* Writes the archive to tmp (created; synced): LR_OK or why not. */
static lr_status write_archive(lr_store *s, const lr_company *c, const char *before,
                               int64_t before_utc, const char *tmp, const progress_hook *progress,
                               int64_t *rows, lr_error *err)
{
    static const char *const head[] = {"record", "id",      "time",     "work_day", "employee",
                                       "source", "account", "host",     "op",       "punch_kind",
                                       "state",  "at",      "detail"};
    archive a = {c, -1, {0}, 0, progress, LR_OK, err};
    lr_status st;
    a.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (a.fd < 0)
        return lr_fail(err, LR_EIO, "creating the archive %s: %s", tmp, strerror(errno));
    buf_init(&a.b, 64u << 20);
    buf_puts(&a.b, "\xEF\xBB\xBF"); /* UTF-8, as a spreadsheet opens it */
    csv_write_row(&a.b, head, 13, 0, "\r\n");
    st = store_purge_rows(s, c->id, before, before_utc, archive_row, &a, err);
    if (st == LR_OK && a.st == LR_OK)
        flush_archive(&a);
    if (st == LR_OK)
        st = a.st;
    if (st == LR_OK && fsync(a.fd) != 0)
        st = lr_fail(err, LR_EIO, "writing the archive %s: %s", tmp, strerror(errno));
    if (close(a.fd) != 0 && st == LR_OK)
        st = lr_fail(err, LR_EIO, "writing the archive %s: %s", tmp, strerror(errno));
    buf_free(&a.b);
    *rows = a.rows;
    return st;
}

lr_status retention_purge(lr_store *s, const lr_company *c, const lr_secrets *sec,
                          const char *before, int force, const char *archive_path,
                          const char *actor, const progress_hook *progress,
                          retention_result *res, lr_error *err)
{
    unsigned char gap_key[32];
    char limit[11], tmp[1100], detail[1400], dir[1100];
    int64_t day, before_utc;
    int renamed = 0;
    struct stat stt;
    lr_status st;

    memset(res, 0, sizeof *res);
    if ((st = tf_parse_date(before, &day, err)) != LR_OK)
        return lr_fail(err, LR_EINVAL, "--before must be a date, YYYY-MM-DD, not '%s'", before);
    retention_limit(c, clock_now(), limit);
    if (!force && strcmp(before, limit) > 0)
        return lr_fail(err, LR_EINVAL,
                       "--before %s would remove records of %s younger than %d years: 労働基準法 "
                       "第109条 asks attendance records to be kept %d years (3 during the "
                       "transition). The latest date allowed today is %s; --force removes them "
                       "anyway",
                       before, c->code, RETENTION_LEGAL_YEARS, RETENTION_LEGAL_YEARS, limit);
    if (archive_path && (stat(archive_path, &stt) == 0 || errno != ENOENT))
        return lr_fail(err, LR_EEXIST, "%s exists: an archive is never written over",
                       archive_path);
    before_utc = day_start(c, day);
    snprintf(tmp, sizeof tmp, "%s.part-%ld", archive_path ? archive_path : "", (long)getpid());
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_lock_company(s, c->id, err)) != LR_OK)
        goto fail;
    if (archive_path) {
        unlink(tmp); /* a leftover of a process that had this pid */
        if ((st = write_archive(s, c, before, before_utc, tmp, progress, &res->archived, err)) !=
            LR_OK)
            goto fail;
    }
    progress_report(progress, PROGRESS_STORE, 0, 0, 0);
    chain_gap_key(sec->key, c->id, gap_key);
    st = store_purge_delete(s, c->id, before, before_utc, gap_key, &res->n, err);
    sodium_memzero(gap_key, sizeof gap_key);
    if (st != LR_OK)
        goto fail;
    /* in place, and its folder synced, before the removal commits: were the
     * commit to fail, the archive goes with it; never over a file that
     * appeared meanwhile (link, not rename) */
    if (archive_path) {
        if (link(tmp, archive_path) != 0) {
            st = lr_fail(err, errno == EEXIST ? LR_EEXIST : LR_EIO, "naming the archive %s: %s",
                         archive_path, strerror(errno));
            goto fail;
        }
        renamed = 1;
        unlink(tmp);
        snprintf(dir, sizeof dir, "%s", archive_path);
        if (fs_sync(dirname(dir), 1) != 0) {
            st = lr_fail(err, LR_EIO, "writing the archive %s: %s", archive_path,
                         strerror(errno));
            goto fail;
        }
    }
    snprintf(detail, sizeof detail,
             "before %s%s: %lld events, %lld punches, %lld 乖離, %lld other rows; archive %s",
             before, force ? " (forced)" : "", (long long)res->n.events,
             (long long)res->n.punches, (long long)res->n.divergences, (long long)res->n.other,
             archive_path ? archive_path : "none");
    if ((st = store_audit(s, c->id, actor, "purge", detail, err)) != LR_OK)
        goto fail;
    if ((st = store_commit(s, err)) != LR_OK)
        goto fail;
    return LR_OK;
fail:
    store_rollback(s);
    if (archive_path) {
        unlink(tmp);
        if (renamed)
            unlink(archive_path);
    }
    memset(&res->n, 0, sizeof res->n);
    return st;
}

struct retention_worker {
    lr_store *s;
    lr_secrets sec;
    char dir[512];
    worker *w;
};

/* One round: each company whose records reach past its retention. */
static int purge_due(void *arg)
{
    retention_worker *rw = arg;
    lr_company *cs = NULL;
    size_t n = 0;
    lr_error err;
    if (store_companies_all(rw->s, &cs, &n, &err) != LR_OK) {
        log_error("retention: %s", err.message);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const lr_company *c = &cs[i];
        char before[11], path[700];
        int any = 0;
        int64_t day;
        struct stat stt;
        retention_result res;
        if (c->retention_years <= 0)
            continue;
        day = years_back(c, clock_now(), c->retention_years);
        tf_format_date(day, before);
        /* records may arrive late for old days: looked for each time */
        if (store_purge_any(rw->s, c->id, before, day_start(c, day), &any, &err) != LR_OK) {
            log_error("retention of company %s: %s", c->code, err.message);
            continue;
        }
        if (!any || !company_lease_take(rw->s, "purge", c->id))
            continue;
        /* CODE-before-DAY.csv, or .2.csv, .3.csv ... after a purge that day */
        snprintf(path, sizeof path, "%s/%s-before-%s.csv", rw->dir, c->code, before);
        for (int k = 2; stat(path, &stt) == 0 && k < 1000; k++)
            snprintf(path, sizeof path, "%s/%s-before-%s.%d.csv", rw->dir, c->code, before, k);
        if (mkdir(rw->dir, 0750) != 0 && errno != EEXIST)
            log_error("retention: the archive folder %s: %s", rw->dir, strerror(errno));
        else if (retention_purge(rw->s, c, &rw->sec, before, 0, path, "retention", NULL, &res,
                                 &err) !=
                 LR_OK)
            log_error("retention of company %s (%d years): %s", c->code, c->retention_years,
                      err.message);
        else
            log_info("retention of company %s (%d years): before %s, %lld events, %lld "
                     "punches, %lld 乖離 removed; archive %s",
                     c->code, c->retention_years, before, (long long)res.n.events,
                     (long long)res.n.punches, (long long)res.n.divergences, path);
        company_lease_drop(rw->s, "purge", c->id);
    }
    free(cs);
    return 0;
}

lr_status retention_worker_start(const char *db, const lr_secrets *sec, const char *archive_dir,
                                 retention_worker **out, lr_error *err)
{
    retention_worker *rw = calloc(1, sizeof *rw);
    lr_status st;
    if (!rw)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    rw->sec = *sec;
    snprintf(rw->dir, sizeof rw->dir, "%s", archive_dir);
    if ((st = store_open(db, &rw->s, err)) != LR_OK) {
        sodium_memzero(&rw->sec, sizeof rw->sec);
        free(rw);
        return st;
    }
    if ((st = worker_start("retention", purge_due, rw, 3600 * 1000L, &rw->w, err)) != LR_OK) {
        store_close(rw->s);
        sodium_memzero(&rw->sec, sizeof rw->sec);
        free(rw);
        return st;
    }
    *out = rw;
    return LR_OK;
}

void retention_worker_stop(retention_worker *rw)
{
    if (!rw)
        return;
    worker_stop(rw->w);
    store_close(rw->s);
    sodium_memzero(&rw->sec, sizeof rw->sec);
    free(rw);
}

lr_status retention_set(lr_store *s, const char *code, const char *years, const char *actor,
                        lr_error *err)
{
    lr_company c;
    char *end;
    long y = strtol(years, &end, 10);
    char detail[64];
    lr_status st;
    if (!*years || *end || !(y == 0 || (y >= RETENTION_LEGAL_YEARS && y <= 100)))
        return lr_fail(err, LR_EINVAL,
                       "the retention must be 0 years (kept for ever) or %d to 100 (労働基準法 "
                       "第109条: %d years at least), not '%s'",
                       RETENTION_LEGAL_YEARS, RETENTION_LEGAL_YEARS, years);
    if ((st = store_company_get(s, code, &c, err)) != LR_OK)
        return st;
    snprintf(detail, sizeof detail, "%d -> %ld years", c.retention_years, y);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_retention_set(s, c.id, (int)y, err)) != LR_OK ||
        (st = store_audit(s, c.id, actor, "retention", detail, err)) != LR_OK ||
        (st = store_commit(s, err)) != LR_OK) {
        store_rollback(s);
        return st;
    }
    return LR_OK;
}
