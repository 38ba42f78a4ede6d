/*
 * store_sql_leases — leases: what one instance among several holds for a
 * while (a company's MaLion poll, its KoT employee sync), so that only one
 * does it at a time and another takes over when the holder stops renewing;
 * and a company's KING OF TIME send slots, which every instance takes from
 * so that together they keep to the company's one request rate.
 */
#include "store/sql_internal.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    /* new, or ours, or expired: it is ours until ?4 + ?5 (a row back) */                          \
    X(E_TAKE,                                                                                      \
      "INSERT INTO leases (name, company_id, owner, expires_at) VALUES (?1, ?2, ?3, ?4 + ?5) ON "  \
      "CONFLICT (name, company_id) DO UPDATE SET owner = excluded.owner, expires_at = "            \
      "excluded.expires_at WHERE leases.owner = excluded.owner OR leases.expires_at <= ?4 "        \
      "RETURNING owner")                                                                           \
    X(E_DROP, "DELETE FROM leases WHERE name = ?1 AND company_id = ?2 AND owner = ?3")             \
    /* from the next free slot, or (the budget was idle) from now plus ?4,                         \
     * ?3 microseconds on; the row lock (PostgreSQL) or the write lock                             \
     * (SQLite) orders takers. A next slot more than a minute ahead is a                           \
     * clock put back, not a budget spent (slots are taken seconds ahead):                         \
     * it starts from now. */                                                                      \
    X(E_SLOTS,                                                                                     \
      "INSERT INTO kot_send_slots (company_id, next_us) VALUES (?1, ?2 + ?4 + ?3) ON CONFLICT "    \
      "(company_id) DO UPDATE SET next_us = CASE WHEN kot_send_slots.next_us > ?2 AND "            \
      "kot_send_slots.next_us < ?2 + 60000000 THEN kot_send_slots.next_us ELSE ?2 + ?4 END + "     \
      "?3 RETURNING next_us - ?3")
SQ_STATEMENTS(SQ_LEASES_BASE, SQ_COMPANIES_BASE);

lr_status store_lease_take(lr_store *base, const char *name, int64_t company_id, const char *owner,
                        int64_t now, int64_t seconds, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    int rc;
    if (!s->drv->shared)
        return LR_OK; /* one instance: every lease is its own */
    if (!(st = stmt(s, E_TAKE, err)))
        return LR_ESTORE;
    sql_bind_text(st, 1, name);
    sql_bind_int64(st, 2, company_id);
    sql_bind_text(st, 3, owner);
    sql_bind_int64(st, 4, now);
    sql_bind_int64(st, 5, seconds);
    rc = sql_step(st);
    if (rc == SQL_DONE) {
        sql_reset(st);
        return lr_fail(err, LR_EBUSY, "another instance holds the %s lease", name);
    }
    return sq_end(s, st, rc, err, "taking a lease");
}

lr_status store_lease_drop(lr_store *base, const char *name, int64_t company_id, const char *owner,
                        lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    if (!s->drv->shared)
        return LR_OK;
    if (!(st = stmt(s, E_DROP, err)))
        return LR_ESTORE;
    sql_bind_text(st, 1, name);
    sql_bind_int64(st, 2, company_id);
    sql_bind_text(st, 3, owner);
    return sq_run(s, st, err, "dropping a lease");
}

lr_status store_kot_slots_take(lr_store *base, int64_t company_id, int n, int64_t interval_us,
                            int64_t now_us, int64_t idle_phase_us, int64_t *first_us,
                            lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    int rc;
    *first_us = now_us;
    if (n <= 0)
        return LR_OK;
    if (!(st = stmt(s, E_SLOTS, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, now_us);
    sql_bind_int64(st, 3, (int64_t)n * interval_us);
    sql_bind_int64(st, 4, idle_phase_us);
    if ((rc = sql_step(st)) == SQL_ROW)
        *first_us = sql_col_int64(st, 0);
    return sq_end_one(s, st, rc, err, "taking KING OF TIME send slots",
                      "no KING OF TIME send slot came back for company %lld",
                      (long long)company_id);
}
