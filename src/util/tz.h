/*
 * tz — UTC offsets of IANA time zones ("Asia/Tokyo") at given instants.
 *
 * glibc has no per-call zone API, so this module is the only place that
 * touches the TZ environment variable: it holds a process-wide mutex, switches
 * TZ only when the zone changes, and asks localtime_r. Nothing else in
 * loginrec may call localtime/mktime. Thread-safe.
 */
#ifndef LR_UTIL_TZ_H
#define LR_UTIL_TZ_H

#include <stdint.h>

#include "util/status.h"

/* LR_OK when zone names a zone installed under /usr/share/zoneinfo (glibc
 * silently uses UTC for unknown names, so we check the file ourselves). */
lr_status tz_validate(const char *zone, lr_error *err);

/* Offset east of UTC, in seconds, of zone at the instant utc. */
int tz_offset_at(const char *zone, int64_t utc);
/* The calendar day (days since 1970-01-01) of utc in zone. */
int64_t tz_local_day(const char *zone, int64_t utc);

/* utc as an ISO 8601 date-time at zone's offset then (tf_format_iso's
 * form): how every screen and listing shows an instant. out needs 32 bytes. */
void tz_format_iso(const char *zone, int64_t utc, char out[32]);

/* The instant a wall-clock reading (seconds since the epoch as if at UTC)
 * names in zone, and the offset in force then. A reading that happens twice
 * (clocks put back) is the first; one that never happens (clocks put
 * forward) is read with the offset before the change. */
void tz_utc_of_wall(const char *zone, int64_t wall, int64_t *utc, int *offset_sec);

#endif
