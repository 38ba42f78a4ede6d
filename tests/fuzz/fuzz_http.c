/* libFuzzer target: whole HTTP requests through loginrecd's real front —
 * libmicrohttpd's request line, header, query and cookie parsing, then our
 * router (api.c, ui.c), query-parameter checks, session cookie, forms and
 * multipart bodies — served from a throw-away SQLite store on 127.0.0.1.
 *
 * Each input is written as-is to a fresh loopback connection, which is then
 * half-closed; the answer is read to the end. "@S@" in an input becomes the
 * signed-in administrator's session cookie value, "@C@" that session's CSRF
 * token and "@T@" the company's API token, so mutations reach the routes
 * behind the login, the forms and the token.
 *
 * A slow answer is not a hang. An answer that takes more than SLOW_S is
 * said on stderr and the run goes on: on a loaded machine (a parallel
 * build, the sanitizers) a request that hashes passwords or re-derives
 * days can take that long. Only no answer within HANG_S is a crash, and it
 * says which kind: one request stuck while the server still answers
 * /healthz on another connection (a handler that never returns), or the
 * whole server silent (a deadlock of the front or of the store's one
 * handle). libFuzzer's own -timeout (scripts/fuzz.sh) is longer than
 * HANG_S, so the harness, not an alarm, tells which it was.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/routers.h"
#include "http/server.h"
#include "service/admins.h"
#include "service/admin.h"
#include "util/buf.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASSWORD "fuzz-password-1"
#define SLOW_S 10
#define HANG_S 60

static struct {
    int port;
    lr_store_pool *pool;
    http_app app;
    char path[256];
    char api_token[LR_TOKEN_LEN + 1];
    char session[ACCOUNT_TOKEN_LEN + 1];
    lr_session se;
    int locked_out; /* an input changed the password: go on without a session */
} fx;

static void die(const char *what, const lr_error *err)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, err ? err->message : "failed");
    abort();
}

/* A live session for the administrator: a fresh one when an input signed
 * it out or changed the password. */
static void ensure_session(void)
{
    lr_store *s;
    lr_error err;
    if (fx.locked_out)
        return;
    s = store_pool_take(fx.pool);
    if (account_session(s, fx.session, &fx.se) != LR_OK &&
        (account_login(s, "FZZ", "admin", PASSWORD, "192.0.2.1", fx.session, &err) != LR_OK ||
         account_session(s, fx.session, &fx.se) != LR_OK)) {
        fx.locked_out = 1;
        fx.session[0] = fx.se.csrf[0] = '\0';
    }
    store_pool_give(fx.pool, s);
}

static void remove_store(void)
{
    store_sqlite_remove(fx.path);
}

static void setup(void)
{
    char *path = fx.path;
    lr_store *s;
    lr_error err;
    http_server *srv;
    const char *tmp = getenv("TMPDIR");

    if (sodium_init() < 0)
        die("sodium_init", NULL);
    signal(SIGPIPE, SIG_IGN);
    /* FUZZ_HTTP_LOG=1 shows each request's log line (to check the seeds) */
    log_set_level(getenv("FUZZ_HTTP_LOG") ? LR_LOG_INFO : LR_LOG_ERROR);
    snprintf(path, sizeof fx.path, "%s/fuzz_http-%d.db", tmp ? tmp : "/tmp", (int)getpid());
    store_sqlite_remove(path);
    atexit(remove_store);
    if (store_open(path, &s, &err) != LR_OK)
        die(path, &err);
    if (admin_company_add(s, "FZZ", "Fuzz", "Asia/Tokyo", 0, "fuzz", fx.api_token, &err) != LR_OK ||
        admin_division_set(s, "FZZ", "HQ", "本社", "05:00", "fuzz", &err) != LR_OK ||
        admin_employee_add(s, "FZZ", "1000", "勤怠", "太郎", "HQ", "fuzz", &err) != LR_OK ||
        admin_link_set(s, "FZZ", "lanscope", "1000", "tarouk", "fuzz", &(rederive_stats){0},
                       &err) != LR_OK ||
        account_user_add(s, "FZZ", "admin", PASSWORD, "fuzz", &err) != LR_OK)
        die("demo company", &err);
    store_close(s);
    if (store_pool_open(path, 1, &fx.pool, &err) != LR_OK)
        die("store pool", &err);
    fx.app.routers = http_routers;
    fx.app.nrouters = http_nrouters;
    fx.app.pool = fx.pool;
    fx.app.poll_loop = 1; /* every input ends in a half-close: see server.h */
    if (http_server_start("127.0.0.1:0", 1, &fx.app, &srv, &err) != LR_OK)
        die("listen", &err);
    fx.port = http_server_port(srv);
    ensure_session();
}

/* data with @S@ / @C@ / @T@ replaced, appended to out. */
static void expand(const uint8_t *data, size_t size, lr_buf *out)
{
    for (size_t i = 0; i < size; i++) {
        const char *with = NULL;
        if (i + 3 <= size && data[i] == '@' && data[i + 2] == '@')
            with = data[i + 1] == 'S'   ? fx.session
                   : data[i + 1] == 'C' ? fx.se.csrf
                   : data[i + 1] == 'T' ? fx.api_token
                                        : NULL;
        if (with) {
            buf_puts(out, with);
            i += 2;
        } else {
            buf_append(out, (const char *)data + i, 1);
        }
    }
}

/* The request to send: the input expanded, with a first Content-Length
 * grown by what the expansion added to the body, so a seed's form keeps
 * its length. */
static void build_request(const uint8_t *data, size_t size, lr_buf *req)
{
    const uint8_t *end = memmem(data, size, "\r\n\r\n", 4);
    size_t head = end ? (size_t)(end - data) + 4 : size;
    lr_buf h, body;
    char *num = NULL, *after = NULL;
    unsigned long n = 0;
    buf_init(&h, head * 16 + 64);
    buf_init(&body, size * 16 + 64);
    expand(data, head, &h);
    expand(data + head, size - head, &body);
    buf_append(&h, "", 1); /* a terminator for the search */
    if ((num = strcasestr(h.data, "\r\nContent-Length: "))) {
        num += 18;
        n = strtoul(num, &after, 10);
    }
    if (num && after > num && body.len > size - head) {
        buf_append(req, h.data, (size_t)(num - h.data));
        buf_printf(req, "%lu", n + (body.len - (size - head)));
        buf_append(req, after, h.len - 1 - (size_t)(after - h.data));
    } else {
        buf_append(req, h.data, h.len - 1);
    }
    buf_append(req, body.data, body.len);
    buf_free(&h);
    buf_free(&body);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sends req on a fresh connection, half-closes it and reads the answer
 * to its end, waiting at most limit_s; 1 when the answer ended in time. */
static int round_trip(const char *req, size_t len, int limit_s)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fx.port)};
    struct timeval tv = {.tv_sec = 1};
    double until = now_s() + limit_s;
    char reply[16384];
    size_t off = 0;
    ssize_t n = 0;
    int hung, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket", NULL);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("connect", NULL);
    while (off < len && now_s() < until) {
        n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            break; /* the server closed early (a bad request line): fine */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        n = recv(fd, reply, sizeof reply, 0);
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && now_s() < until)
            continue;
        break;
    }
    hung = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    close(fd);
    return !hung;
}

static void exchange(const lr_buf *req)
{
    static const char probe[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    double t0 = now_s(), took;
    if (!round_trip(req->data, req->len, HANG_S)) {
        /* which hang: the server still answers another connection, or not */
        if (round_trip(probe, sizeof probe - 1, SLOW_S))
            fprintf(stderr, "fuzz_http: HANG of one request: no answer within %d s while the "
                            "server still answers /healthz: a handler that never returns\n",
                    HANG_S);
        else
            fprintf(stderr, "fuzz_http: HANG of the whole server: no answer within %d s, nor to "
                            "/healthz: a deadlock\n",
                    HANG_S);
        abort();
    }
    took = now_s() - t0;
    if (took > SLOW_S)
        fprintf(stderr, "fuzz_http: slow answer (%.1f s): the machine is loaded, not a hang\n",
                took);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    lr_buf req;
    if (!ready) {
        setup();
        ready = 1;
    }
    ensure_session();
    buf_init(&req, size * 16 + 64);
    build_request(data, size, &req);
    exchange(&req);
    buf_free(&req);
    return 0;
}
