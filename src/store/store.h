/*
 * store — everything loginrec persists goes through these functions; no SQL
 * lives outside src/store/. They are plain functions of the SQL store
 * (store_sql*.c), which runs over SQLite or PostgreSQL through a
 * sql_driver; lr_store is opaque.
 *
 * Threads: one lr_store handle is used by one thread at a time (take one
 * from an lr_store_pool in servers). Writes that belong together run between
 * store_begin() and store_commit(); on any error the caller calls
 * store_rollback() and nothing is left half-written.
 *
 * The functions are declared by concept: store_companies.h (a company and
 * its settings), store_people.h (divisions, employees, links),
 * store_events.h, store_punches.h (punches, outbox, attempts, flags),
 * store_admins.h (administrators, sessions, uploads), store_pages.h (the
 * admin UI's page queries), store_divergence.h (乖離: KoT's record read
 * back, divergent days) and store_leases.h (instances sharing a
 * database). This header is the handle: opening, transactions, the audit
 * log and the pool.
 *
 * A company's data generation (lr_company.generation, lr_session's) moves
 * with every write of what a page or the read API shows, in the write's
 * transaction (at its commit; at once for a write outside one), so that a
 * reader holding an answer of an older generation knows it is old
 * (http/resp_cache.h). Functions that write a company's rows by their ids
 * take the company_id for that alone. Delivery's bookkeeping (outbox
 * states, attempts, leases) and the pollers' cursors and results do not
 * move it.
 *
 * Lists are returned through callbacks (row valid only during the call), so
 * no caller has to free result sets; a callback returning non-zero stops
 * the listing early (the call then still returns LR_OK).
 */
#ifndef LR_STORE_STORE_H
#define LR_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_admins.h"
#include "store/store_chain.h"
#include "store/store_companies.h"
#include "store/store_divergence.h"
#include "store/store_events.h"
#include "store/store_leases.h"
#include "store/store_pages.h"
#include "store/store_people.h"
#include "store/store_punches.h"
#include "store/store_purge.h"
#include "store/store_pc.h"
#include "util/status.h"

typedef struct lr_store lr_store;

/* A read-only snapshot (no writer lock: writers go on): every read until
 * store_read_end sees the database as it was at the first. Not inside a
 * transaction. */
lr_status store_read_begin(lr_store *s, lr_error *err);
void store_read_end(lr_store *s);
lr_status store_begin(lr_store *s, lr_error *err);
/* A transaction whose nested store_begin ... store_commit / store_rollback
 * are savepoints: a nested rollback undoes its own writes only, and the
 * rest commits with the outer store_commit (several requests' writes under
 * one durable commit: service/ingest_group.h). Outside one, a nested begin
 * only counts, and any rollback undoes everything. */
lr_status store_begin_group(lr_store *s, lr_error *err);
/* 1 when the group transaction begun last was rolled back whole before its
 * commit (a savepoint that could not be undone alone: an I/O error, or
 * SQLite rolled the transaction back itself; or a rollback of the group's
 * own level): what was written in it before is gone, and nothing more
 * belongs to it. */
int store_group_lost(lr_store *s);
lr_status store_commit(lr_store *s, lr_error *err);
void store_rollback(lr_store *s);
/* A large write is ahead (on: an ingest run) or over (off): the backend
 * may use more memory meanwhile. Only a hint; never fails. */
void store_bulk(lr_store *s, int on);
int store_schema_version(lr_store *s);
lr_status store_audit(lr_store *s, int64_t company_id, const char *actor, const char *action,
                      const char *detail, lr_error *err);

/* Opens (and migrates) the store named by `where`: a file path for SQLite,
 * a postgres:// or postgresql:// URL (libpq's) for PostgreSQL. The caller
 * closes it with store_close(). */
lr_status store_open(const char *where, lr_store **out, lr_error *err);
void store_close(lr_store *s);
/* 1 when `where` names a PostgreSQL database. */
int store_is_pg(const char *where);

/* 1 when several instances may share the store (PostgreSQL). */
int store_shared(const lr_store *s);
/* This process's name among instances sharing a store (host, pid and a
 * random part): what its outbox and poller leases carry. */
const char *store_instance_id(void);

/* Deletes an SQLite database file and the files beside it (-wal, -shm and
 * its secrets key): for tests and benchmarks that make throw-away stores. */
void store_sqlite_remove(const char *path);

/* A fixed set of handles for a server's threads. store_pool_take blocks
 * until one is free. */
typedef struct lr_store_pool lr_store_pool;
lr_status store_pool_open(const char *where, int size, lr_store_pool **out, lr_error *err);
lr_store *store_pool_take(lr_store_pool *p);
void store_pool_give(lr_store_pool *p, lr_store *s);
void store_pool_close(lr_store_pool *p);

#endif
