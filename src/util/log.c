/*
 * log — timestamped stderr lines (see log.h).
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/timefmt.h"

static lr_log_level log_min = LR_LOG_INFO;
static log_sink_fn log_sink;

void log_set_sink(log_sink_fn sink)
{
    log_sink = sink;
}

void log_set_level(lr_log_level min)
{
    log_min = min;
}

void log_msg(lr_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char line[2048], ts[32];
    va_list ap;
    int n, at;

    if (level < log_min)
        return;
    tf_format_iso(clock_now(), 0, ts);
    n = at = snprintf(line, sizeof line, "%s %s ", ts, names[level]);
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (log_sink) {
        line[n] = '\0';
        log_sink(level, line, (size_t)n, line + at);
        return;
    }
    (void)!write(STDERR_FILENO, line, (size_t)n);
}
