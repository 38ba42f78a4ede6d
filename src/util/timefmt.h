/*
 * timefmt — parsing and printing of the time formats loginrec speaks:
 * ISO 8601 date-times with an offset ("2026-11-20T09:03:00+09:00", "...Z"),
 * calendar dates ("2026-11-20"), clock times ("05:00"), and day numbers
 * (days since 1970-01-01 in a local calendar). Pure functions, no time zone
 * database: zones are in tz.h. Thread-safe.
 */
#ifndef LR_UTIL_TIMEFMT_H
#define LR_UTIL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t tf_days_from_civil(int y, int m, int d);
void tf_civil_from_days(int64_t days, int *y, int *m, int *d);

/* floor(a / b) for b > 0. */
int64_t tf_floor_div(int64_t a, int64_t b);

/* Parses an ISO 8601 date-time that must carry an offset (Z or +hh:mm /
 * -hh:mm / +hhmm). Fractional seconds are accepted and dropped.
 * On success *utc is seconds since the epoch and *offset_sec the offset as
 * written. Errors name what was expected. */
lr_status tf_parse_iso(const char *s, int64_t *utc, int *offset_sec, lr_error *err);

/* A date-time as LanScope, Excel and ISO 8601 write it: "YYYY/MM/DD
 * HH:MM:SS" (month, day and hour may have one digit; seconds optional) or
 * "YYYY-MM-DD[T ]hh:mm[:ss]", an optional fraction (dropped) and an
 * optional offset. *wall is the clock reading as seconds since the epoch
 * (as if it were UTC); *has_offset says whether an offset was written, and
 * then utc = *wall - *offset_sec. Without one, the caller applies a zone
 * (tz_utc_of_wall). */
lr_status tf_parse_datetime(const char *s, int64_t *wall, int *has_offset, int *offset_sec,
                            lr_error *err);

/* Formats utc at the given offset: "YYYY-MM-DDThh:mm:ss+hh:mm" (25 chars),
 * "Z" is never used so outputs line up. out needs 32 bytes. */
void tf_format_iso(int64_t utc, int offset_sec, char out[32]);

/* "YYYY-MM-DD" <-> day number. out needs 11 bytes. */
lr_status tf_parse_date(const char *s, int64_t *day, lr_error *err);
void tf_format_date(int64_t day, char out[11]);
/* The first and last day (days since the epoch) of month m (1-12) of year
 * y; months past 12 or before 1 roll into the next or previous years. */
void tf_month_days(int y, int m, int64_t *first, int64_t *last);

/* "HH:MM" (00:00 to 23:59) -> minutes after midnight. */
lr_status tf_parse_hhmm(const char *s, int *minutes, lr_error *err);
void tf_format_hhmm(int minutes, char out[6]);

#endif
