/*
 * company_lease — per-company leases among instances (see company_lease.h).
 */
#include "service/company_lease.h"

#include <time.h>

#include "util/clock.h"
#include "util/env.h"

int company_lease_take(lr_store *s, const char *name, int64_t company_id)
{
    int64_t seconds = env_long("LOGINREC_POLL_LEASE_S", 300, 1, 86400);
    return store_lease_take(s, name, company_id, store_instance_id(), clock_now(),
                            seconds, NULL) == LR_OK;
}

void company_lease_drop(lr_store *s, const char *name, int64_t company_id)
{
    store_lease_drop(s, name, company_id, store_instance_id(), NULL);
}
