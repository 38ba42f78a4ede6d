/*
 * log — one line per message to stderr: UTC time, level, text; or, in the
 * JSON format, one object per line for machines: time, level, component
 * (the thread's name: http, kot-send, malion, ...), company code and
 * request id (what the thread is doing, when it said so), message.
 * Thread-safe (one write per line). Callers must never pass secrets:
 * tokens, secret codes and passwords are not to be logged, even partly.
 */
#ifndef LR_UTIL_LOG_H
#define LR_UTIL_LOG_H

#include "util/status.h"

typedef enum { LR_LOG_DEBUG, LR_LOG_INFO, LR_LOG_WARN, LR_LOG_ERROR } lr_log_level;

void log_set_level(lr_log_level min);

typedef enum { LR_LOG_TEXT, LR_LOG_JSON } lr_log_format;
void log_set_format(lr_log_format format);

/* What this thread works on, named in each line it writes from now on (the
 * JSON format's "request_id" and "company"): NULL leaves a field as it is,
 * "" clears it. Cleared by log_clear_context (a request's end). */
void log_set_context(const char *request_id, const char *company);
void log_clear_context(void);

/* This thread's context, to be set on another thread doing its work. */
typedef struct log_context {
    char request_id[40], company[16];
} log_context;
void log_get_context(log_context *out);

/* Where the lines go instead of stderr (NULL: back to stderr): the
 * Windows agent's service writes a rotating file and the Event Log. line
 * ends with its newline; text is the message alone. */
typedef void (*log_sink_fn)(lr_log_level level, const char *line, size_t n, const char *text);
void log_set_sink(log_sink_fn sink);
void log_msg(lr_log_level level, const char *fmt, ...) LR_PRINTF(2, 3);

#define log_info(...) log_msg(LR_LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LR_LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LR_LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LR_LOG_DEBUG, __VA_ARGS__)

#endif
