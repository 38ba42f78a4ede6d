/*
 * replies — the JSON replies of the API and of the CLI, which prints the
 * same (DESIGN §5.4): what an ingest stored, and a link CSV's report. The
 * services decide; this is how their results read on the wire. A layer of
 * its own (lr_reply), above the services and below both http and cli.
 */
#ifndef LR_REPLY_REPLIES_H
#define LR_REPLY_REPLIES_H

#include <jansson.h>

#include "service/ingest.h"
#include "service/ingest_lanscope.h"
#include "service/ingest_pc.h"
#include "service/links.h"

/* The reply the API and `loginrec ingest` give (DESIGN §5.4):
 * {"accepted","duplicates","rejected":[{"index","error"}],"unlinked",
 *  "punches":{"added","replaced","retracted"}}. Caller json_decref()s it;
 * NULL when out of memory. */
json_t *ingest_reply_json(const ingest_result *res, const lr_reject *rejects, size_t nrejects);

/* The ingest reply (ingest_reply_json) plus what the file held:
 * {"file":{"rows","events","ignored_system","ignored_kind","layout",
 * "encoding"}, ...}. NULL when out of memory. */
json_t *ingest_lanscope_reply_json(const ingest_result *res, const lanscope_stats *stats);

/* The ingest reply plus what a PC's log held: {"file":{"format",
 * "records", then for Windows "events","ignored_system","ignored_kind"
 * [,"dirty","damaged","unreadable" for .evtx], for Linux "sessions",
 * "signs"}, ...}. NULL when out of memory. */
json_t *ingest_pc_reply_json(const ingest_result *res, const pc_stats *stats);

/* The reply of the API: summary, counts, changes, errors. NULL on OOM. */
json_t *links_report_json(const links_report *rep, lr_lang lang);

#endif
