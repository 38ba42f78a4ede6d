/*
 * company_lease — what one loginrecd among several sharing a database does
 * for a company at a time (a MaLion poll, a KoT employee sync): taken
 * before, given back after. The lease lasts LOGINREC_POLL_LEASE_S (default
 * 300 s), so an instance that dies holding one delays that company's next
 * poll or sync by that much at most. On a store only one instance uses
 * (SQLite) it is always granted.
 */
#ifndef LR_SERVICE_COMPANY_LEASE_H
#define LR_SERVICE_COMPANY_LEASE_H

#include <stdint.h>

#include "store/store.h"

/* 1 when this instance holds the lease `name` of the company now. */
int company_lease_take(lr_store *s, const char *name, int64_t company_id);
void company_lease_drop(lr_store *s, const char *name, int64_t company_id);

#endif
