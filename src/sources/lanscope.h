/*
 * lanscope — the CSV files the LanScope Cat manager writes (DESIGN §5.3),
 * read into events. No I/O and no store: bytes in, events out through a
 * callback, one at a time, so a file of a million rows never sits in memory
 * as events.
 *
 * The encoding is detected (CP932, UTF-8, UTF-8 with a BOM). Columns are
 * found by their header names, in any order; other columns are ignored.
 * Two layouts:
 *
 *   one row per event     イベント日時, ログオンユーザ名, ログ種類 (1 logon,
 *                         2 logoff, other numbers ignored); 日時 (when it was
 *                         recorded) and コンピュータ名 optional
 *   one row per user-day  ログオンユーザ名, 開始日時, 終了日時 (either may be
 *                         empty); 日付 and コンピュータ名 optional; a row
 *                         gives a logon at 開始日時 and a logoff at 終了日時
 *
 * Times are "YYYY/MM/DD HH:MM:SS[.mmm]" or ISO 8601; without an offset they
 * are read in the company's zone. "DOMAIN\user" keeps "user"; the user
 * SYSTEM is skipped. Any other problem (unknown layout, a bad date, a log
 * kind that is not a number, a row with the wrong number of fields) stops
 * the parse with the file, line and column: the caller throws away what the
 * callback saw, so a file goes in whole or not at all.
 */
#ifndef LR_SOURCES_LANSCOPE_H
#define LR_SOURCES_LANSCOPE_H

#include <stddef.h>

#include "core/event.h"
#include "util/encoding.h"
#include "util/progress.h"
#include "util/status.h"

typedef enum lanscope_layout {
    LANSCOPE_EVENTS = 1, /* one row per logon / logoff */
    LANSCOPE_DAYS,       /* one row per user and day */
} lanscope_layout;

typedef struct lanscope_opts {
    const char *what;    /* the file name, for messages */
    const char *zone;    /* the company's time zone ("Asia/Tokyo") */
    const char *version; /* the sender's version, put on every event */
    const progress_hook *progress; /* NULL, or told how far the text is read */
} lanscope_opts;

typedef struct lanscope_stats {
    lanscope_layout layout;
    text_encoding encoding;
    size_t rows;           /* data rows (blank lines not counted) */
    size_t events;         /* handed to the callback */
    size_t ignored_system; /* rows of the user SYSTEM */
    size_t ignored_kind;   /* log kinds other than 1 and 2 */
} lanscope_stats;

/* Gets each event in file order; e->raw (the row as CSV) is valid during
 * the call only. Returns LR_OK to go on; anything else stops the parse and
 * is returned by it (fill err). */
typedef lr_status (*lanscope_event_fn)(void *ctx, lr_event *e, lr_error *err);

/* Parses bytes[0..n). *stats is filled as far as the parse got. */
lr_status lanscope_parse(const lanscope_opts *o, const char *bytes, size_t n, lanscope_event_fn fn,
                         void *ctx, lanscope_stats *stats, lr_error *err);

/* "events" / "days". */
const char *lanscope_layout_name(lanscope_layout l);

#endif
