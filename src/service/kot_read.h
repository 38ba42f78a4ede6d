/*
 * kot_read — a read from KING OF TIME (the employee sync's lists, the
 * divergence report's recorded punches): never in its restricted hours,
 * within the company's one request rate (kot_budget, shared with
 * deliveries and other instances), and its outcome as a status with words
 * for a person.
 */
#ifndef LR_SERVICE_KOT_READ_H
#define LR_SERVICE_KOT_READ_H

#include "sinks/kot_client.h"
#include "store/store.h"

/* LR_EBUSY, saying when to try again, when now is in KoT's restricted
 * hours (what: "employee and division reads", for the words). */
lr_status kot_read_allowed(int64_t now, const char *what, lr_error *err);

/* Runs the GET q (built is the status of building it: a failure is
 * passed on) once the company's next send slot comes, and frees q. r
 * gets the answer (free r->body). LR_EBUSY when KoT says "later"
 * (restricted hours, maintenance, rate, 5xx, no answer), LR_EAUTH for a
 * refused token, LR_EIO for another refusal. */
lr_status kot_read(lr_store *s, const lr_company *c, const kot_conn *kc, lr_status built,
                   kot_request *q, kot_reply *r, lr_error *err);

#endif
