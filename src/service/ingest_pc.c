/*
 * ingest_pc — a PC's own log file by its format (see ingest_pc.h).
 */
#include "service/ingest_pc.h"

#include <string.h>


static const char *const names[] = {
    [PC_FORMAT_EVTX] = "evtx",
    [PC_FORMAT_WINLOGBEAT] = "winlogbeat",
    [PC_FORMAT_WTMP] = "wtmp",
    [PC_FORMAT_JOURNALD] = "journald",
};

pc_format pc_format_parse(const char *s)
{
    for (size_t i = 1; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i]) == 0)
            return (pc_format)i;
    return (pc_format)0;
}

const char *pc_format_name(pc_format f)
{
    return f >= PC_FORMAT_EVTX && f <= PC_FORMAT_JOURNALD ? names[f] : "?";
}

size_t pc_stats_records(const pc_stats *stats)
{
    return stats->fmt == PC_FORMAT_WTMP || stats->fmt == PC_FORMAT_JOURNALD ? stats->unx.records
                                                                             : stats->win.w.records;
}

lr_status ingest_pc_file(lr_store *s, const lr_company *c, const pc_file *f,
                         const progress_hook *progress, ingest_result *res, pc_stats *stats,
                         lr_error *err)
{
    memset(stats, 0, sizeof *stats);
    stats->fmt = f->fmt;
    if (f->fmt == PC_FORMAT_WTMP || f->fmt == PC_FORMAT_JOURNALD)
        return ingest_linux(s, c, f, progress, res, &stats->unx, err);
    if (f->fmt == PC_FORMAT_EVTX || f->fmt == PC_FORMAT_WINLOGBEAT)
        return ingest_windows(s, c, f, progress, res, &stats->win, err);
    return lr_fail(err, LR_EINVAL, "%s: not a PC log format", f->what);
}
