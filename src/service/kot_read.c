/*
 * kot_read — a read from KING OF TIME (see kot_read.h).
 */
#include "service/kot_read.h"

#include "service/kot_budget.h"
#include "sinks/kot_api.h"

lr_status kot_read_allowed(int64_t now, const char *what, lr_error *err)
{
    if (!kot_restricted(now, NULL))
        return LR_OK;
    return lr_fail(err, LR_EBUSY,
                   "KING OF TIME does not answer %s in its restricted hours (打刻制限時間帯, "
                   "08:30-10:00 and 17:30-18:30 JST): try again after %s JST",
                   what, kot_restricted_end_words(now));
}

lr_status kot_read(lr_store *s, const lr_company *c, const kot_conn *kc, lr_status built,
                   kot_request *q, kot_reply *r, lr_error *err)
{
    kot_outcome o;
    lr_status st = built;
    /* within the company's one rate, with its deliveries */
    if (st != LR_OK || (st = kot_budget_wait(s, c, err)) != LR_OK) {
        kot_request_free(q);
        return st;
    }
    o = kot_call(kc, q, r);
    if (o == KOT_RESTRICTED)
        st = lr_fail(err, LR_EBUSY,
                     "KING OF TIME does not answer reads now (%s): its restricted hours "
                     "08:30-10:00 and 17:30-18:30 JST, or maintenance; try again later",
                     r->reason);
    else if (o == KOT_RETRY || o == KOT_UNKNOWN || o == KOT_RATE_LIMITED)
        st = lr_fail(err, LR_EBUSY, "KING OF TIME %s: %s; try again later", q->path, r->reason);
    else if (o == KOT_AUTH)
        st = lr_fail(err, LR_EAUTH,
                     "KING OF TIME refused the token (%s): check the token and that this "
                     "server's address is allowed",
                     r->reason);
    else if (o != KOT_OK)
        st = lr_fail(err, LR_EIO, "KING OF TIME %s: %s", q->path, r->reason);
    kot_request_free(q);
    return st;
}
