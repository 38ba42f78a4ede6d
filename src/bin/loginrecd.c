/*
 * loginrecd — the loginrec service: HTTP API (and later the admin UI), the
 * KING OF TIME worker (punch delivery, employee sync) and the MaLion
 * poller, over one store.
 * Stops cleanly on SIGTERM / SIGINT: in-flight requests and the call in
 * progress finish, the database is closed.
 *
 *   loginrecd [--db PATH] [--listen HOST:PORT] [--threads N]
 *             [--sync-interval SECONDS] [--no-kot] [--malion-interval SECONDS]
 *             [--divergence-fetch-at HH:MM|off] [--smtp-url URL] [--smtp-from ADDR]
 *             [--cache-mb N]
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/resp_cache.h"
#include "http/routers.h"
#include "http/server.h"
#include "net/smtp.h"
#include "reply/div_mail_words.h"
#include "service/ingest_group.h"
#include "service/kot_worker.h"
#include "service/malion_poll.h"
#include "store/secrets.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timefmt.h"

static lr_secrets ui_secrets; /* for the admin UI: lives as long as the server */

static void kick(void *ctx)
{
    kot_worker_kick(ctx);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: loginrecd [--db PATH] [--listen HOST:PORT] [--threads N]\n"
               "  --db       database file (default $LOGINREC_DB or var/loginrec.db)\n"
               "  --listen   address to serve on (default 127.0.0.1:8080; port 0 picks one)\n"
               "  --threads  worker threads (default 4)\n"
               "  --cache-mb  memory for answers kept for repeated reads of the read API and\n"
               "             ログ表示, each valid until its company's data changes (default 64;\n"
               "             0: none)\n"
               "  --sync-interval  KING OF TIME employee sync period in seconds (default 3600;\n"
               "             0 turns it off; never in KoT's restricted hours)\n"
               "  --divergence-fetch-at  when each company's record is read back from KING OF\n"
               "             TIME every night for the 乖離 report, HH:MM in its zone (default\n"
               "             03:00; off: never)\n"
               "  --smtp-url, --smtp-from  the SMTP server and sender of 乖離's daily summary\n"
               "             mail, instead of those 'loginrec mail set' stored\n"
               "  --no-kot   do not deliver punches or sync employees (another instance does)\n"
               "  --malion-interval  MaLion polling period per company in seconds (default\n"
               "             300; 0 turns the poller off)\n"
               "  --secure-cookies  served through a TLS proxy: the admin UI's cookies get Secure\n"
               "  --list-routes  prints every route with who may call it, then exits\n");
}

int main(int argc, char **argv)
{
    const char *db = getenv("LOGINREC_DB");
    const char *listen = "127.0.0.1:8080";
    int threads = 4, sig = 0, kot = 1, secure_cookies = 0;
    long sync_interval = 3600, malion_interval = 300, cache_mb = 64;
    int fetch_at = 3 * 60;
    /* 乖離's daily summary: the words are reply's, the server the stored
     * one unless --smtp-url / --smtp-from say otherwise */
    div_mail_env mail = {div_mail_compose, NULL, NULL, NULL, 30000};
    kot_worker *disp = NULL;
    malion_poller *poller = NULL;
    lr_error err;
    lr_store_pool *pool = NULL;
    http_server *srv = NULL;
    http_app app;
    sigset_t set;

    if (!db || !*db)
        db = "var/loginrec.db";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 64) {
                fprintf(stderr, "loginrecd: --threads must be 1-64\n");
                return 2;
            }
            threads = (int)t;
        } else if (strcmp(argv[i], "--cache-mb") == 0 && i + 1 < argc) {
            char *end;
            cache_mb = strtol(argv[++i], &end, 10);
            if (*end || cache_mb < 0 || cache_mb > 65536) {
                fprintf(stderr, "loginrecd: --cache-mb must be 0-65536 (MiB)\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--sync-interval") == 0 && i + 1 < argc) {
            char *end;
            sync_interval = strtol(argv[++i], &end, 10);
            if (*end || sync_interval < 0) {
                fprintf(stderr, "loginrecd: --sync-interval must be seconds (0 or more)\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--divergence-fetch-at") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "off") == 0)
                fetch_at = -1;
            else if (tf_parse_hhmm(v, &fetch_at, NULL) != LR_OK) {
                fprintf(stderr, "loginrecd: --divergence-fetch-at must be HH:MM or off\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--smtp-url") == 0 && i + 1 < argc) {
            mail.smtp_url = argv[++i];
            if (smtp_check_url(mail.smtp_url, NULL) != LR_OK) {
                fprintf(stderr, "loginrecd: --smtp-url must be smtp://HOST:PORT or smtps://HOST:PORT\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--smtp-from") == 0 && i + 1 < argc) {
            mail.from = argv[++i];
        } else if (strcmp(argv[i], "--malion-interval") == 0 && i + 1 < argc) {
            char *end;
            malion_interval = strtol(argv[++i], &end, 10);
            if (*end || malion_interval < 0) {
                fprintf(stderr, "loginrecd: --malion-interval must be seconds (0 or more)\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--list-routes") == 0) {
            api_routes_print();
            ui_routes_print();
            return 0;
        } else if (strcmp(argv[i], "--secure-cookies") == 0) {
            secure_cookies = 1;
        } else if (strcmp(argv[i], "--no-kot") == 0) {
            kot = 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "loginrecd: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "loginrecd: libsodium failed to initialise\n");
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
        return 1;
    }
    memset(&app, 0, sizeof app);
    app.routers = http_routers;
    app.nrouters = http_nrouters;
    app.pool = pool;
    app.secure_cookies = secure_cookies;
    app.cache = resp_cache_new((size_t)cache_mb << 20);
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
    if (http_server_start(listen, threads, &app, &srv, &err) != LR_OK) {
        log_error("%s", err.message);
        malion_poller_stop(poller);
        kot_worker_stop(disp);
        store_pool_close(pool);
        return 1;
    }
    {
        const char *host = listen;
        char h[256];
        const char *colon = strrchr(listen, ':');
        snprintf(h, sizeof h, "%.*s", (int)(colon - host), host);
        log_info("loginrecd %s listening on http://%s:%d (database %s)", LR_VERSION, h,
                 http_server_port(srv), db);
    }
    sigwait(&set, &sig);
    log_info("signal %d: stopping", sig);
    malion_poller_stop(poller);
    kot_worker_stop(disp);
    http_server_stop(srv);
    resp_cache_free(app.cache);
    ingest_group_free(app.ingest_group);
    store_pool_close(pool);
    sodium_memzero(&ui_secrets, sizeof ui_secrets);
    log_info("stopped");
    return 0;
}
