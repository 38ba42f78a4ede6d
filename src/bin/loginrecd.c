/*
 * loginrecd — the loginrec service: HTTP API (and later the admin UI), the
 * KING OF TIME worker (punch delivery, employee sync) and the MaLion
 * poller, over one store.
 * Stops cleanly on SIGTERM / SIGINT: in-flight requests and the call in
 * progress finish, the database is closed.
 *
 *   loginrecd [--config FILE] [--check-config] [--db PATH] [--listen HOST:PORT]
 *             [--threads N] [--sync-interval SECONDS] [--no-kot]
 *             [--malion-interval SECONDS] [--divergence-fetch-at HH:MM|off]
 *             [--smtp-url URL] [--smtp-from ADDR] [--cache-mb N] [--secure-cookies]
 * Every setting also lives in loginrecd.conf (see defs below).
 */
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "http/resp_cache.h"
#include "http/routers.h"
#include "http/server.h"
#include "net/smtp.h"
#include "reply/div_mail_words.h"
#include "service/ingest_group.h"
#include "service/kot_worker.h"
#include "service/malion_poll.h"
#include "service/retention.h"
#include "store/secrets.h"
#include "store/store.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/settings.h"
#include "util/timefmt.h"

static lr_secrets ui_secrets; /* for the admin UI: lives as long as the server */
static char db_dir[1024];     /* the SQLite database's folder: ingest's headroom is its disk's */

static void kick(void *ctx)
{
    kot_worker_kick(ctx);
}

/* Waits for SIGTERM or SIGINT. Under systemd's watchdog (WatchdogSec=,
 * Type=notify), pings it every half period, but only after the server
 * answered its own /healthz (listener, a worker thread, the database):
 * a process that runs but serves nothing is restarted. */
static int wait_for_signal(const sigset_t *set, http_server *srv)
{
    uint64_t usec = 0;
    int failing = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
        int sig = 0;
        sigwait(set, &sig);
        return sig;
    }
    log_info("systemd watchdog: every %llu ms, after /healthz answers",
             (unsigned long long)(usec / 2000));
    for (;;) {
        struct timespec ts = {(time_t)(usec / 2 / 1000000), (long)(usec / 2 % 1000000) * 1000};
        lr_error err;
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig > 0)
            return sig;
        if (errno != EAGAIN && errno != EINTR)
            continue;
        lr_error_clear(&err);
        if (http_server_probe(srv, (int)(usec / 4000) + 1, &err) == LR_OK) {
            if (failing)
                log_info("systemd watchdog: /healthz answers again");
            failing = 0;
            sd_notify(0, "WATCHDOG=1");
        } else if (!failing++) {
            log_error("systemd watchdog: not pinged: %s", err.message);
        }
    }
}

/* Every setting of loginrecd: in loginrecd.conf ([loginrecd]), as a flag
 * where it has one, and in the environment where it has a variable; each
 * over the one before (util/settings.h). The variables read deep in the
 * code (util/env.h) get the file's or the flags' value from here. */
static const setting_def defs[] = {
    {"db", "--db", NULL, "LOGINREC_DB", SETTING_TEXT, 1, 0, "var/loginrec.db", 0,
     "database: a SQLite file, or postgresql://USER@HOST:PORT/DB", NULL},
    {"listen", "--listen", NULL, NULL, SETTING_TEXT, 1, 0, "127.0.0.1:8080", 0,
     "address to serve on (port 0 picks one)", NULL},
    {"ingest_min_free_mb", "--ingest-min-free-mb", NULL, NULL, SETTING_NUMBER, 0, 1048576, "64",
     0, "ingest refuses batches (503, storage full) while the SQLite database's disk has less "
        "free space than this, so delivery and the pages keep room (0: off)",
     NULL},
    {"metrics_listen", "--metrics-listen", NULL, NULL, SETTING_TEXT, 1, 0, "off", 0,
     "address of GET /metrics (Prometheus), apart from the API's, or off", NULL},
    {"threads", "--threads", NULL, NULL, SETTING_NUMBER, 1, 64, "4", 0, "worker threads", NULL},
    {"cache_mb", "--cache-mb", NULL, NULL, SETTING_NUMBER, 0, 65536, "64", 0,
     "MiB of answers kept for repeated reads (0: none)", NULL},
    {"sync_interval", "--sync-interval", NULL, NULL, SETTING_NUMBER, 0, 31 * 86400L, "3600", 0,
     "KING OF TIME employee sync period, seconds (0: off)", NULL},
    {"divergence_fetch_at", "--divergence-fetch-at", NULL, NULL, SETTING_HHMM, 0, 0, "03:00", 0,
     "when each company's record is read back from KING OF TIME, HH:MM in its zone, or off", NULL},
    {"smtp_url", "--smtp-url", NULL, NULL, SETTING_TEXT, 0, 0, "", 0,
     "SMTP server of the divergence summary, smtp://HOST:PORT (else the stored one)", NULL},
    {"smtp_from", "--smtp-from", NULL, NULL, SETTING_TEXT, 0, 0, "", 0,
     "sender of the divergence summary (else the stored one)", NULL},
    {"malion_interval", "--malion-interval", NULL, NULL, SETTING_NUMBER, 0, 86400, "300", 0,
     "MaLion polling period per company, seconds (0: off)", NULL},
    {"secure_cookies", "--secure-cookies", "on", NULL, SETTING_SWITCH, 0, 0, "off", 0,
     "behind a TLS proxy: the admin UI's cookies get Secure", NULL},
    {"kot", "--no-kot", "off", NULL, SETTING_SWITCH, 0, 0, "on", 0,
     "deliver punches and sync employees (off: another instance does)", NULL},
    {"log_format", "--log-format", NULL, "LOGINREC_LOG_FORMAT", SETTING_CHOICE, 0, 0, "text", 0,
     "log lines as text, or as one JSON object each (time, level, component, company, "
     "request_id, message)",
     "text|json"},
    {"purge_archive_dir", "--purge-archive-dir", NULL, NULL, SETTING_TEXT, 0, 0, "", 0,
     "where the nightly purge past a company's retention writes its archives (default: "
     "DB.archive beside a SQLite file; ./loginrec-archive for PostgreSQL)",
     NULL},
    {"key", NULL, NULL, "LOGINREC_KEY", SETTING_TEXT, 0, 0, "", 1,
     "secrets key, 64 hex characters (else key_file)", NULL},
    {"key_file", NULL, NULL, "LOGINREC_KEY_FILE", SETTING_TEXT, 0, 0, "", 0,
     "secrets key file (default: DB.key; ./loginrec.key for PostgreSQL)", NULL},
    {"pg_statement_timeout_ms", NULL, NULL, "LOGINREC_PG_STATEMENT_TIMEOUT_MS", SETTING_NUMBER, 1,
     3600000, "30000", 0, "PostgreSQL statement and lock timeout", NULL},
    {"outbox_lease_s", NULL, NULL, "LOGINREC_OUTBOX_LEASE_S", SETTING_NUMBER, 1, 86400, "30", 0,
     "due outbox rows an instance took are its own this long", NULL},
    {"poll_lease_s", NULL, NULL, "LOGINREC_POLL_LEASE_S", SETTING_NUMBER, 1, 86400, "300", 0,
     "a company's MaLion poll or KoT sync is one instance's this long", NULL},
    {"malion_timeout_ms", NULL, NULL, "LOGINREC_MALION_TIMEOUT_MS", SETTING_NUMBER, 100, 600000,
     "30000", 0, "one MaLion call", NULL},
    {"malion_page_size", NULL, NULL, "LOGINREC_MALION_PAGE_SIZE", SETTING_NUMBER, 1, 1000, "500", 0,
     "records asked of MaLion a page", NULL},
    {"kot_timeout_ms", NULL, NULL, "LOGINREC_KOT_TIMEOUT_MS", SETTING_NUMBER, 1, 600000, "10000", 0,
     "one KING OF TIME call", NULL},
    {"retry_base_ms", NULL, NULL, "LOGINREC_RETRY_BASE_MS", SETTING_NUMBER, 1, 86400000, "2000", 0,
     "first wait before a delivery is tried again", NULL},
    {"retry_max_ms", NULL, NULL, "LOGINREC_RETRY_MAX_MS", SETTING_NUMBER, 1, 86400000, "900000", 0,
     "longest wait between tries", NULL},
    {"dispatch_poll_ms", NULL, NULL, "LOGINREC_DISPATCH_POLL_MS", SETTING_NUMBER, 1, 3600000, "1000",
     0, "delivery looks for due rows at least this often", NULL},
    {"kot_restricted_jitter_s", NULL, NULL, "LOGINREC_KOT_RESTRICTED_JITTER_S", SETTING_NUMBER, 0,
     3600, "120", 0, "spread of the read-backs after KING OF TIME's restricted hours", NULL},
    {"evtx_helper", NULL, NULL, "LOGINREC_EVTX_HELPER", SETTING_TEXT, 0, 0, "", 0,
     "the libevtx helper (default: loginrec-evtx beside loginrecd)", NULL},
    {"time_offset_s", NULL, NULL, "LOGINREC_TIME_OFFSET_S", SETTING_NUMBER, -10L * 366 * 86400,
     10L * 366 * 86400, "0", 0, "seconds added to the clock (tests)", NULL},
};

#define DEFAULT_CONFIG SETTINGS_DEFAULT_FILE

static void usage(FILE *f)
{
    fprintf(f, "usage: loginrecd [--config FILE] [--check-config] [--db PATH] [--listen HOST:PORT]\n"
               "                 [--threads N] [--cache-mb N] [--sync-interval SECONDS]\n"
               "                 [--divergence-fetch-at HH:MM|off] [--smtp-url URL]\n"
               "                 [--smtp-from ADDR] [--malion-interval SECONDS]\n"
               "                 [--secure-cookies] [--no-kot] [--log-format text|json]\n"
               "                 [--metrics-listen HOST:PORT|off]\n"
               "                 [--list-routes]\n"
               "  --config   the settings file (default $LOGINREC_CONFIG, else "
               DEFAULT_CONFIG " when it exists);\n"
               "             flags override it, the environment overrides flags\n"
               "  --check-config  prints every setting in effect and where it came from\n"
               "             (secrets hidden), then exits: 0, or 2 with what is wrong\n"
               "  --list-routes  prints every route with who may call it, then exits\n"
               "settings (flag, LOGINREC_ variable, default):\n");
    for (size_t i = 0; i < sizeof defs / sizeof *defs; i++)
        fprintf(f, "  %-24s %s%s%s%s  [%s]\n    %s\n", defs[i].name, defs[i].flag ? defs[i].flag : "",
                defs[i].flag && defs[i].env ? ", " : "", defs[i].env ? defs[i].env : "",
                !defs[i].flag && !defs[i].env ? "(file only)" : "", defs[i].dflt,
                defs[i].help);
}

/* The settings in effect: defaults, the file, the flags, the environment.
 * 0: go on; 1: exit 0 (help, routes, --check-config); 2: exit 2. */
static int configure(int argc, char **argv, settings *cfg)
{
    const char *path = getenv("LOGINREC_CONFIG");
    int required = path && *path, check_only = 0;
    lr_error err;
    char where[700];
    if (!required)
        path = DEFAULT_CONFIG;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 == argc) {
                fprintf(stderr, "loginrecd: --config needs a file\n");
                return 2;
            }
            path = argv[++i];
            required = 1;
        }
    if (settings_init(cfg, defs, sizeof defs / sizeof *defs, &err) != LR_OK ||
        settings_load_file(cfg, path, "loginrecd", required, &err) != LR_OK)
        goto bad;
    for (int i = 1; i < argc; i++) {
        lr_status st;
        if (strcmp(argv[i], "--config") == 0) {
            i++;
            continue;
        }
        if (strcmp(argv[i], "--check-config") == 0) {
            check_only = 1;
            continue;
        }
        if (strcmp(argv[i], "--list-routes") == 0) {
            api_routes_print();
            ui_routes_print();
            return 1;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if ((st = settings_take_flag(cfg, argc, argv, &i, &err)) == LR_ENOTFOUND) {
            fprintf(stderr, "loginrecd: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
        if (st != LR_OK)
            goto bad;
    }
    if (settings_take_env(cfg, &err) != LR_OK)
        goto bad;
    if (*settings_get(cfg, "smtp_url") &&
        smtp_check_url(settings_get(cfg, "smtp_url"), NULL) != LR_OK) {
        lr_fail(&err, LR_EINVAL, "smtp_url must be smtp://HOST:PORT or smtps://HOST:PORT");
        goto bad;
    }
    if (check_only) {
        printf("# loginrecd settings in effect (file: %s%s)\n[loginrecd]\n", path,
               cfg->file[0] ? "" : ", not there: defaults");
        settings_print(cfg, stdout);
        return 1;
    }
    settings_export(cfg);
    return 0;
bad:
    lr_error_format(&err, where, sizeof where);
    fprintf(stderr, "loginrecd: %s\n", where);
    return 2;
}

int main(int argc, char **argv)
{
    settings conf = {0}; /* freed on every exit, configure's early ones included */
    const char *db, *listen;
    int threads, sig = 0, kot, secure_cookies, rc;
    long sync_interval, malion_interval, cache_mb;
    int fetch_at = -1;
    /* 乖離's daily summary: the words are reply's, the server the stored
     * one unless smtp_url / smtp_from say otherwise */
    div_mail_env mail = {div_mail_compose, NULL, NULL, NULL, 30000};
    kot_worker *disp = NULL;
    malion_poller *poller = NULL;
    retention_worker *purger = NULL;
    lr_error err;
    lr_store_pool *pool = NULL;
    http_server *srv = NULL, *metrics_srv = NULL;
    http_app app, metrics_app;
    sigset_t set;

    if ((rc = configure(argc, argv, &conf)) != 0) {
        settings_free(&conf);
        return rc == 1 ? 0 : 2;
    }
    log_set_format(strcmp(settings_get(&conf, "log_format"), "json") == 0 ? LR_LOG_JSON
                                                                          : LR_LOG_TEXT);
    metrics_start();
    db = settings_get(&conf, "db");
    listen = settings_get(&conf, "listen");
    threads = (int)settings_number(&conf, "threads");
    cache_mb = settings_number(&conf, "cache_mb");
    sync_interval = settings_number(&conf, "sync_interval");
    malion_interval = settings_number(&conf, "malion_interval");
    kot = settings_on(&conf, "kot");
    secure_cookies = settings_on(&conf, "secure_cookies");
    if (strcmp(settings_get(&conf, "divergence_fetch_at"), "off") != 0)
        tf_parse_hhmm(settings_get(&conf, "divergence_fetch_at"), &fetch_at, NULL);
    if (*settings_get(&conf, "smtp_url"))
        mail.smtp_url = settings_get(&conf, "smtp_url");
    if (*settings_get(&conf, "smtp_from"))
        mail.from = settings_get(&conf, "smtp_from");
    if (sodium_init() < 0) {
        fprintf(stderr, "loginrecd: libsodium failed to initialise\n");
        settings_free(&conf);
        return 1;
    }
    /* worker threads inherit this mask; only sigwait below sees the signals */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    lr_error_clear(&err);
    if (store_pool_open(db, threads, &pool, &err) != LR_OK) {
        log_error("%s", err.message);
        settings_free(&conf);
        return 1;
    }
    memset(&app, 0, sizeof app);
    app.routers = http_routers;
    app.nrouters = http_nrouters;
    app.pool = pool;
    app.secure_cookies = secure_cookies;
    app.cache = resp_cache_new((size_t)cache_mb << 20);
    if (!store_is_pg(db)) { /* a remote PostgreSQL's disk is not ours to see */
        char *slash;
        snprintf(db_dir, sizeof db_dir, "%s", db);
        slash = strrchr(db_dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(db_dir, sizeof db_dir, ".");
        app.free_path = db_dir;
        app.min_free_bytes = (int64_t)settings_number(&conf, "ingest_min_free_mb") << 20;
    }
    app.ingest_group = ingest_group_new(0);
    {
        char key_path[600];
        secrets_key_path(db, key_path, sizeof key_path);
        if (secrets_load(&ui_secrets, key_path, &err) == LR_OK)
            app.secrets = &ui_secrets;
        else
            log_warn("admin UI: credentials cannot be changed: %s", err.message);
    }
    /* the KoT worker first, so the HTTP side can wake it from the start */
    if (kot) {
        char key_path[600];
        lr_secrets sec;
        dispatch_cfg cfg;
        dispatch_cfg_default(&cfg);
        cfg.sync_interval_s = sync_interval;
        cfg.fetch_at_min = fetch_at;
        secrets_key_path(db, key_path, sizeof key_path);
        if (secrets_load(&sec, key_path, &err) != LR_OK)
            log_warn("KING OF TIME worker not started: %s", err.message);
        else if (kot_worker_start(db, &sec, &cfg, &mail, &disp, &err) != LR_OK)
            log_warn("KING OF TIME worker not started: %s", err.message);
        else {
            log_info("KING OF TIME worker started (employee sync every %lds)", sync_interval);
            app.punches_queued = kick;
            app.punches_queued_ctx = disp;
        }
        sodium_memzero(&sec, sizeof sec);
    }
    if (malion_interval > 0) {
        char key_path[600];
        lr_secrets sec;
        malion_poll_cfg cfg;
        malion_poll_cfg_default(&cfg);
        secrets_key_path(db, key_path, sizeof key_path);
        if (secrets_load(&sec, key_path, &err) != LR_OK ||
            malion_poller_start(db, &sec, &cfg, malion_interval, disp ? kick : NULL, disp,
                                &poller, &err) != LR_OK)
            log_warn("MaLion poller not started: %s", err.message);
        else
            log_info("MaLion poller started (every %lds per company)", malion_interval);
        sodium_memzero(&sec, sizeof sec);
    }
    {
        /* the nightly purge past each company's retention (none set: idle) */
        char dir[700];
        const char *d = settings_get(&conf, "purge_archive_dir");
        if (*d)
            snprintf(dir, sizeof dir, "%s", d);
        else if (store_is_pg(db))
            snprintf(dir, sizeof dir, "loginrec-archive");
        else
            snprintf(dir, sizeof dir, "%s.archive", db);
        /* a purge seals where the events' chain resumes with the key */
        if (!app.secrets)
            log_warn("retention worker not started: no secrets key");
        else if (retention_worker_start(db, app.secrets, dir, &purger, &err) != LR_OK)
            log_warn("retention worker not started: %s", err.message);
    }
    if (http_server_start(listen, threads, &app, &srv, &err) != LR_OK) {
        log_error("%s", err.message);
        rc = 1;
        goto stop;
    }
    /* /metrics on an address of its own: Prometheus reaches it, the
     * API's clients need not (one thread; it shares the store's pool) */
    if (strcmp(settings_get(&conf, "metrics_listen"), "off") != 0) {
        metrics_app = app;
        metrics_app.routers = http_metrics_routers;
        metrics_app.nrouters = http_metrics_nrouters;
        metrics_app.cache = NULL;
        if (http_server_start(settings_get(&conf, "metrics_listen"), 1, &metrics_app, &metrics_srv,
                              &err) != LR_OK) {
            log_error("metrics_listen: %s", err.message);
            rc = 1;
            goto stop;
        }
        log_info("metrics on http://%s/metrics (port %d)", settings_get(&conf, "metrics_listen"),
                 http_server_port(metrics_srv));
    }
    {
        const char *host = listen;
        char h[256];
        const char *colon = strrchr(listen, ':');
        snprintf(h, sizeof h, "%.*s", (int)(colon - host), host);
        log_info("loginrecd %s listening on http://%s:%d (database %s)", LR_VERSION, h,
                 http_server_port(srv), db);
        /* Type=notify: ready once it listens; a no-op outside systemd */
        sd_notifyf(0, "READY=1\nSTATUS=listening on http://%s:%d", h, http_server_port(srv));
    }
    sig = wait_for_signal(&set, srv);
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
    log_info("signal %d: stopping", sig);
    rc = 0;
stop: /* whatever started, stopped; a failed start's exit 1 too */
    retention_worker_stop(purger);
    malion_poller_stop(poller);
    kot_worker_stop(disp);
    http_server_stop(metrics_srv);
    http_server_stop(srv);
    resp_cache_free(app.cache);
    ingest_group_free(app.ingest_group);
    store_pool_close(pool);
    sodium_memzero(&ui_secrets, sizeof ui_secrets);
    if (rc == 0)
        log_info("stopped");
    settings_free(&conf);
    return rc;
}
