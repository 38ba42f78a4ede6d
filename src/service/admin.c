/*
 * admin — what every administrator operation shares: the checks of
 * text and on/off values, and the audited commit that ends each one (see admin.h).
 */
#include "service/admin.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/day.h"
#include "core/event_parse.h"
#include "service/ingest.h"
#include "util/clock.h"
#include "util/company_code.h"
#include "util/timefmt.h"
#include "util/tz.h"

lr_status admin_check_text(const char *field, const char *v, size_t max, lr_error *err)
{
    size_t n = strlen(v);
    if (n == 0)
        return lr_fail(err, LR_EINVAL, "%s is empty", field);
    if (n > max)
        return lr_fail(err, LR_EINVAL, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return lr_fail(err, LR_EINVAL, "%s contains a control character", field);
    return LR_OK;
}

lr_status admin_parse_onoff(const char *field, const char *v, int *out, lr_error *err)
{
    if (strcmp(v, "on") == 0)
        *out = 1;
    else if (strcmp(v, "off") == 0)
        *out = 0;
    else
        return lr_fail(err, LR_EINVAL, "%s is '%s'; expected on or off", field, v);
    return LR_OK;
}


lr_status admin_commit_audited(lr_store *s, lr_status st, int64_t company_id, const char *actor,
                               const char *action, const char *detail, lr_error *err)
{
    if (st == LR_OK)
        st = store_audit(s, company_id, actor ? actor : "cli", action, detail, err);
    if (st == LR_OK)
        st = store_commit(s, err);
    if (st != LR_OK)
        store_rollback(s);
    return st;
}
