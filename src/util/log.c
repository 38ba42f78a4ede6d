/*
 * log — timestamped stderr lines, as text or JSON (see log.h).
 */
#include "util/log.h"

#ifndef _WIN32
#include <pthread.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/timefmt.h"

static lr_log_level log_min = LR_LOG_INFO;
static lr_log_format log_format = LR_LOG_TEXT;
static log_sink_fn log_sink;
static _Thread_local char ctx_request[sizeof((log_context *)0)->request_id],
    ctx_company[sizeof((log_context *)0)->company];

void log_set_format(lr_log_format format)
{
    log_format = format;
}

void log_set_context(const char *request_id, const char *company)
{
    if (request_id)
        text_copy_cut(ctx_request, sizeof ctx_request, request_id);
    if (company)
        text_copy_cut(ctx_company, sizeof ctx_company, company);
}

void log_get_context(log_context *out)
{
    memcpy(out->request_id, ctx_request, sizeof out->request_id);
    memcpy(out->company, ctx_company, sizeof out->company);
}

void log_clear_context(void)
{
    ctx_request[0] = ctx_company[0] = '\0';
}

/* The thread's name (pthread_setname_np), "main" for the first. */
static void component(char *out, size_t outsz)
{
#ifdef _WIN32
    snprintf(out, outsz, "agent");
#else
    if (pthread_getname_np(pthread_self(), out, outsz) != 0 || !out[0])
        snprintf(out, outsz, "main");
#endif
}

/* The line in JSON into b: {"time":…,"level":…,"component":…
 * [,"company":…][,"request_id":…],"message":…}, newline-ended. */
static lr_status json_line(lr_buf *b, const char *ts, const char *level, const char *text)
{
    char comp[32];
    component(comp, sizeof comp);
    if (buf_printf(b, "{\"time\":\"%s\",\"level\":\"%s\",\"component\":", ts, level) ==
            LR_OK &&
        buf_json_string(b, comp) == LR_OK &&
        (!ctx_company[0] || (buf_puts(b, ",\"company\":") == LR_OK &&
                             buf_json_string(b, ctx_company) == LR_OK)) &&
        (!ctx_request[0] || (buf_puts(b, ",\"request_id\":") == LR_OK &&
                             buf_json_string(b, ctx_request) == LR_OK)) &&
        buf_puts(b, ",\"message\":") == LR_OK && buf_json_string(b, text) == LR_OK)
        return buf_puts(b, "}\n");
    return LR_ENOMEM;
}

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
    if (log_format == LR_LOG_JSON && !log_sink) {
        /* never the text line instead: a message's quotes and newlines (a
         * logged URL's, decoded) must not make or forge a JSON line; room
         * for every byte of it escaped (\u00XX, \ufffd: 6 each) */
        static const char lost[] = "{\"level\":\"error\",\"message\":\"a log line could not be "
                                   "written (out of memory)\"}\n";
        lr_buf b;
        line[n - 1] = '\0';
        buf_init(&b, 6 * sizeof line + 256);
        if (json_line(&b, ts, names[level], line + at) == LR_OK)
            (void)!write(STDERR_FILENO, b.data, b.len);
        else
            (void)!write(STDERR_FILENO, lost, sizeof lost - 1);
        buf_free(&b);
        return;
    }
    if (log_sink) {
        line[n] = '\0';
        log_sink(level, line, (size_t)n, line + at);
        return;
    }
    (void)!write(STDERR_FILENO, line, (size_t)n);
}
