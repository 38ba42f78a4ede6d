/*
 * winlogbeat — Windows event log records as Winlogbeat (and any shipper
 * speaking the Elastic Common Schema) writes them: one JSON object per line
 * (NDJSON, Winlogbeat's file output) or one JSON array of them. No I/O and
 * no store: bytes in, records out through a callback.
 *
 * The fields read, as elastic/beats' winlogbeat golden files show them:
 *   @timestamp               the record's time (ISO 8601 with an offset)
 *   winlog.event_id          number or string
 *   winlog.channel           Security, System or ForwardedEvents
 *   winlog.provider_name     (Security's when absent on the Security channel)
 *   winlog.computer_name     else host.name
 *   winlog.record_id         number or string
 *   winlog.event_data.*      TargetUserName, TargetUserSid, LogonType,
 *                            LogonProcessName, TargetLogonId,
 *                            TargetLinkedLogonId, param1 (1074)
 *   user.name, user.id       when the security module's pipeline has moved
 *                            TargetUserName and TargetUserSid there
 * Records of other event ids are counted and dropped, and so are those of
 * accounts that are not people (core/win_session rule 2). Anything wrong (a
 * line that is not JSON, a missing or mistyped field, a channel loginrec
 * does not read) stops the parse with the line (or the array's element)
 * and the field: the caller throws away what the callback saw, so a file
 * goes in whole or not at all.
 */
#ifndef LR_SOURCES_WINLOGBEAT_H
#define LR_SOURCES_WINLOGBEAT_H

#include <stddef.h>

#include "sources/win_record.h"
#include "util/status.h"

typedef struct win_stats {
    size_t records;        /* records read */
    size_t wanted;         /* handed to the callback */
    size_t ignored_kind;   /* event ids loginrec does not use */
    size_t ignored_system; /* accounts that are not people */
} win_stats;

/* Gets each wanted record in file order; raw (the record's JSON, rawlen
 * bytes) and r are valid during the call only. LR_OK goes on; anything else
 * stops the parse and is returned by it (fill err). */
typedef lr_status (*win_record_fn)(void *ctx, win_record *r, const char *raw, size_t rawlen,
                                   lr_error *err);

/* Parses bytes[0..n); what names the input in errors. *stats is filled as
 * far as the parse got. */
lr_status winlogbeat_parse(const char *what, const char *bytes, size_t n, win_record_fn fn,
                           void *ctx, win_stats *stats, lr_error *err);

#endif
