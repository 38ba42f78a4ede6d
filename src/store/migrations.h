/*
 * migrations — the numbered SQL files of src/store/migrations/<dialect>/,
 * compiled in by cmake/embed_migrations.cmake. Applied in order at start;
 * each one inside its own transaction with its version recorded.
 */
#ifndef LR_STORE_MIGRATIONS_H
#define LR_STORE_MIGRATIONS_H

typedef struct lr_migration {
    int version;
    const char *name;
    const char *sql;
} lr_migration;

extern const lr_migration lr_sqlite_migrations[];
extern const int lr_sqlite_migration_count;
extern const lr_migration lr_postgres_migrations[];
extern const int lr_postgres_migration_count;

#endif
