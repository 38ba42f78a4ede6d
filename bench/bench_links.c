/*
 * bench_links — the link CSV at company scale: 10,000 employees.
 *
 * Figures (median of RUNS runs each, milliseconds):
 *   baseline  the same 10,000 links written straight into SQLite (one
 *             prepared INSERT, one transaction): the floor for the import
 *   export    links_export, CP932
 *   dry-run   links_import with --dry-run (decode, parse, check)
 *   import    links_import applying 10,000 changed links
 *   re-import the same file again (nothing changes)
 * and each one's ratio to the baseline. Usage: bench_links DIR [RUNS]
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/admin.h"
#include "service/links.h"

#define EMPLOYEES 10000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const lr_error *err)
{
    fprintf(stderr, "bench_links: %s: %s\n", what, err ? err->message : "failed");
    exit(1);
}

/* A fresh database with company BEN and EMPLOYEES employees (set up with
 * plain SQL: the set-up is not what is measured). */
static lr_store *fresh(const char *dir, int run, char *path, size_t pathsz)
{
    lr_store *s;
    lr_error err;
    char token[LR_TOKEN_LEN + 1];
    sqlite3 *db;
    char sql[256];

    snprintf(path, pathsz, "%s/bench-links-%d.db", dir, run);
    store_sqlite_remove(path);
    if (store_open(path, &s, &err) != LR_OK)
        die("open", &err);
    if (admin_company_add(s, "BEN", "Bench", "Asia/Tokyo", 0, "bench", token, &err) != LR_OK)
        die("company", &err);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("sqlite3_open", NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < EMPLOYEES; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO employees (company_id, code, last_name, first_name) SELECT id, "
                 "'%05d', '勤怠', '太郎%d' FROM companies WHERE code = 'BEN'",
                 i, i);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            die(sqlite3_errmsg(db), NULL);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return s;
}

static void cleanup(lr_store *s, const char *path)
{
    store_close(s);
    store_sqlite_remove(path);
}

static double baseline(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    double t0;
    char acc[32];
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("sqlite3_open", NULL);
    sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
    t0 = now_ms();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO links (company_id, kind, account, employee_id, updated_at) "
                       "SELECT company_id, 2, ?1, id, 0 FROM employees WHERE company_id = (SELECT "
                       "id FROM companies WHERE code = 'BEN') AND code = ?2",
                       -1, &st, NULL);
    for (int i = 0; i < EMPLOYEES; i++) {
        char code[16];
        snprintf(acc, sizeof acc, "pc-user-%05d", i);
        snprintf(code, sizeof code, "%05d", i);
        sqlite3_bind_text(st, 1, acc, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(sqlite3_errmsg(db), NULL);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    t0 = now_ms() - t0;
    sqlite3_close(db);
    return t0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    double base[32], exp[32], dry[32], imp[32], again[32];
    const char *names[] = {"baseline", "export", "dry-run", "import", "re-import"};
    double *series[] = {base, exp, dry, imp, again};
    size_t csv_bytes = 0;

    if (runs < 1 || runs > 32 || sodium_init() < 0) {
        fprintf(stderr, "usage: bench_links DIR [RUNS 1..32]\n");
        return 2;
    }
    for (int r = 0; r < runs; r++) {
        char path[512];
        lr_store *s = fresh(dir, r, path, sizeof path);
        lr_error err;
        lr_buf out, edited;
        links_report rep;
        double t;

        /* the baseline gets its own copy of the set-up */
        {
            char bpath[512];
            lr_store *b = fresh(dir, 100 + r, bpath, sizeof bpath);
            base[r] = baseline(bpath);
            cleanup(b, bpath);
        }
        buf_init(&out, 1u << 26);
        t = now_ms();
        if (links_export(s, "BEN", 1u << LINK_LANSCOPE, ENC_CP932, &out, &err) != LR_OK)
            die("export", &err);
        exp[r] = now_ms() - t;
        /* the administrator's edit: every service account set */
        buf_init(&edited, 1u << 26);
        buf_puts(&edited, "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n");
        for (int i = 0; i < EMPLOYEES; i++)
            buf_printf(&edited, "LanScope連携,2,%05d,勤怠 太郎%d,pc-user-%05d\r\n", i, i, i);
        csv_bytes = edited.len;
        t = now_ms();
        if (links_import(s, "BEN", "bench.csv", edited.data, edited.len, 1, "bench", NULL, &rep, &err) !=
            LR_OK)
            die("dry run", &err);
        dry[r] = now_ms() - t;
        links_report_free(&rep);
        t = now_ms();
        if (links_import(s, "BEN", "bench.csv", edited.data, edited.len, 0, "bench", NULL, &rep, &err) !=
                LR_OK ||
            rep.nchanges != EMPLOYEES)
            die("import", &err);
        imp[r] = now_ms() - t;
        links_report_free(&rep);
        t = now_ms();
        if (links_import(s, "BEN", "bench.csv", edited.data, edited.len, 0, "bench", NULL, &rep, &err) !=
                LR_OK ||
            rep.nchanges != 0)
            die("re-import", &err);
        again[r] = now_ms() - t;
        links_report_free(&rep);
        buf_free(&out);
        buf_free(&edited);
        cleanup(s, path);
    }
    printf("link CSV, %d employees, %zu-byte file, median of %d runs\n", EMPLOYEES, csv_bytes,
           runs);
    double b = median(base, runs);
    for (int i = 0; i < 5; i++) {
        double m = median(series[i], runs);
        printf("  %-10s %9.1f ms   %6.2fx baseline\n", names[i], m, m / b);
    }
    return 0;
}
