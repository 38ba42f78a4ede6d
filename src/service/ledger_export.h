/*
 * ledger_export — the local ledger: the punches loginrec derived, as people
 * and tools read them (日別データ). Always on; needs no external account.
 * Formats a company's active punches for a date range as CSV or JSON into a
 * bounded buffer. Thread-safe given one store handle per thread.
 *
 * CSV: header "employee,date,kind,time"; JSON: an array of
 * {"employee","date","kind","time","method"}. Both sorted by employee, date,
 * time; time is ISO 8601 in the company's zone.
 */
#ifndef LR_SERVICE_LEDGER_EXPORT_H
#define LR_SERVICE_LEDGER_EXPORT_H

#include "store/store.h"
#include "util/buf.h"

/* LEDGER_JSON_EVENTS: JSON, each punch with the event it was derived from */
typedef enum ledger_format { LEDGER_CSV, LEDGER_JSON, LEDGER_JSON_EVENTS } ledger_format;

#define LEDGER_MAX_DAYS 366

/* Validates from/to (YYYY-MM-DD, from <= to, at most LEDGER_MAX_DAYS). */
lr_status ledger_check_range(const char *from, const char *to, lr_error *err);

lr_status ledger_export(lr_store *s, const lr_company *c, const char *from, const char *to,
                        ledger_format fmt, lr_buf *out, lr_error *err);

#endif
