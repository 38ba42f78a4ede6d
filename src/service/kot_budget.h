/*
 * kot_budget — a company's one KING OF TIME request rate, shared by every
 * call (delivery, read-back, sync) of every instance on the database: a
 * call goes out at a send slot taken from the store (kot_send_slots), one
 * statement for any number of slots. Slots are 1/rate apart plus 5 %, so
 * that jitter on the way (a connect, a busy scheduler) never puts more
 * than `rate` requests into one of KoT's one-second windows. A budget that
 * was idle starts at a random point of its first interval: companies
 * whose punches come together (a morning's clock-ins) are not sent in
 * step, as bursts.
 */
#ifndef LR_SERVICE_KOT_BUDGET_H
#define LR_SERVICE_KOT_BUDGET_H

#include "store/store.h"

/* The spacing of a company's calls at `rate` per second, in µs. */
int64_t kot_budget_interval_us(double rate);

/* Takes c's next n slots at now_us (µs since the epoch, the one clock):
 * *first_us is the first, slot i is *first_us + i * interval. */
lr_status kot_budget_take(lr_store *s, const lr_company *c, int n, int64_t now_us,
                          int64_t *first_us, lr_error *err);

/* Takes one slot and sleeps until it: for calls made one at a time (the
 * employee sync). */
lr_status kot_budget_wait(lr_store *s, const lr_company *c, lr_error *err);

#endif
