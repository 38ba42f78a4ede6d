/*
 * agent_os_win — the agent's platform on Windows (see agent_os.h):
 * ReadDirectoryChangesW for the folder, WinHTTP for HTTP (a named proxy,
 * Basic credentials through WinHttpSetCredentials), CNG's SHA-256 for the
 * ledger, FlushFileBuffers for durability. Every path is UTF-8 above and
 * UTF-16 here. Only DLLs Windows ships: kernel32, winhttp, bcrypt, crypt32.
 */
#ifdef _WIN32
#include "agent/agent_os.h"

#include <windows.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winhttp.h>

wchar_t *agent_os_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
        free(w);
        w = NULL;
    }
    return w;
}

/* UTF-16 into out as UTF-8 ("" when it does not fit). */
static void narrow(const wchar_t *w, char *out, size_t outsz)
{
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)outsz, NULL, NULL) <= 0 && outsz)
        out[0] = '\0';
}

char *agent_os_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t)n) : NULL;
    if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
        free(s);
        s = NULL;
    }
    return s;
}

/* The last error in words (Windows' own, UTF-8, without its line break). */
static void last_error(DWORD code, char *out, size_t outsz)
{
    wchar_t msg[512];
    HMODULE from = code >= 12000 && code < 13000 ? GetModuleHandleW(L"winhttp.dll") : NULL;
    DWORD n = FormatMessageW((from ? FORMAT_MESSAGE_FROM_HMODULE : FORMAT_MESSAGE_FROM_SYSTEM) |
                                 FORMAT_MESSAGE_IGNORE_INSERTS,
                             from, code, 0, msg, 512, NULL);
    while (n > 0 && (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L' '))
        msg[--n] = 0;
    if (n == 0)
        snprintf(out, outsz, "Windows error %lu", (unsigned long)code);
    else
        narrow(msg, out, outsz);
}

/* Set by agent_os_wake: every wait ends at once (a service's stop). */
static HANDLE stop_event;

void agent_os_init(void)
{
    SetConsoleOutputCP(CP_UTF8);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
}

void agent_os_wake(void)
{
    SetEvent(stop_event);
}

void agent_os_state_dir(char *out, size_t outsz)
{
    wchar_t pd[MAX_PATH];
    char base[MAX_PATH * 3];
    DWORD n = GetEnvironmentVariableW(L"ProgramData", pd, MAX_PATH);
    if (n == 0 || n >= MAX_PATH)
        snprintf(base, sizeof base, "C:\\ProgramData");
    else
        narrow(pd, base, sizeof base);
    snprintf(out, outsz, "%s\\loginrec", base);
}

int64_t agent_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

void agent_os_sleep_ms(int64_t ms)
{
    if (ms > 0)
        WaitForSingleObject(stop_event, (DWORD)ms);
}

FILE *agent_os_fopen(const char *path, const char *mode)
{
    wchar_t *p = agent_os_wide(path), *m = agent_os_wide(mode);
    FILE *f = p && m ? _wfopen(p, m) : NULL;
    free(p);
    free(m);
    return f;
}

static int64_t ns_of(FILETIME ft)
{
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) * 100u);
}

/* CreateFileW of a UTF-8 path; why gets Windows' words on failure. */
static HANDLE open_path(const char *path, DWORD access, DWORD share, DWORD how, DWORD flags)
{
    wchar_t *p = agent_os_wide(path);
    HANDLE h = p ? CreateFileW(p, access, share, NULL, how, flags, NULL) : INVALID_HANDLE_VALUE;
    if (!p)
        SetLastError(ERROR_NO_UNICODE_TRANSLATION);
    free(p);
    return h;
}

lr_status agent_os_read_file(const char *path, lr_buf *b, long long *size, int64_t *mtime_ns,
                             lr_error *err)
{
    /* shared with the writer: a file still being written is read, and
     * the stable-size rule decides */
    HANDLE h = open_path(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL);
    char chunk[65536], why[300];
    DWORD k = 0;
    BY_HANDLE_FILE_INFORMATION info;
    lr_status st = LR_OK;

    if (h == INVALID_HANDLE_VALUE) {
        last_error(GetLastError(), why, sizeof why);
        return lr_fail(err, LR_EIO, "cannot open %s: %s", path, why);
    }
    for (;;) {
        if (!ReadFile(h, chunk, sizeof chunk, &k, NULL)) {
            last_error(GetLastError(), why, sizeof why);
            st = lr_fail(err, LR_EIO, "cannot read %s: %s", path, why);
            break;
        }
        if (k == 0)
            break;
        if (buf_append(b, chunk, k) != LR_OK) {
            st = lr_fail(err, LR_ETOOBIG, "too big");
            break;
        }
    }
    if (st == LR_OK && !GetFileInformationByHandle(h, &info)) {
        last_error(GetLastError(), why, sizeof why);
        st = lr_fail(err, LR_EIO, "cannot stat %s: %s", path, why);
    }
    if (st == LR_OK) {
        *size = (long long)((uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow);
        *mtime_ns = ns_of(info.ftLastWriteTime);
    }
    CloseHandle(h);
    return st;
}

lr_status agent_os_append_sync(const char *path, const char *bytes, size_t n, lr_error *err)
{
    HANDLE h = open_path(path, FILE_APPEND_DATA, FILE_SHARE_READ, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL);
    DWORD w = 0;
    char why[300];
    if (h == INVALID_HANDLE_VALUE) {
        last_error(GetLastError(), why, sizeof why);
        return lr_fail(err, LR_EIO, "cannot write %s: %s", path, why);
    }
    if (!WriteFile(h, bytes, (DWORD)n, &w, NULL) || w != n || !FlushFileBuffers(h)) {
        last_error(GetLastError(), why, sizeof why);
        CloseHandle(h);
        return lr_fail(err, LR_EIO, "cannot write %s: %s", path, why);
    }
    CloseHandle(h);
    return LR_OK;
}

int agent_os_exists(const char *path)
{
    wchar_t *p = agent_os_wide(path);
    int yes = p && GetFileAttributesW(p) != INVALID_FILE_ATTRIBUTES;
    free(p);
    return yes;
}

int agent_os_rename(const char *from, const char *to, char *why, size_t whysz)
{
    wchar_t *f = agent_os_wide(from), *t = agent_os_wide(to);
    int ok = f && t && MoveFileExW(f, t, MOVEFILE_WRITE_THROUGH);
    if (!ok)
        last_error(f && t ? GetLastError() : ERROR_NO_UNICODE_TRANSLATION, why, whysz);
    free(f);
    free(t);
    return ok ? 0 : -1;
}

int agent_os_mkdir(const char *path, char *why, size_t whysz)
{
    wchar_t *p = agent_os_wide(path);
    int ok = p && (CreateDirectoryW(p, NULL) || GetLastError() == ERROR_ALREADY_EXISTS);
    if (!ok)
        last_error(p ? GetLastError() : ERROR_NO_UNICODE_TRANSLATION, why, whysz);
    free(p);
    return ok ? 0 : -1;
}

int agent_os_check_dir(const char *path, int create, char *why, size_t whysz)
{
    wchar_t *p = agent_os_wide(path);
    DWORD a;
    char probe[1200], problem[300];
    HANDLE h;
    if (!p) {
        snprintf(why, whysz, "cannot be opened: the name is not UTF-8");
        return -1;
    }
    a = GetFileAttributesW(p);
    if (a == INVALID_FILE_ATTRIBUTES && create && CreateDirectoryW(p, NULL))
        a = GetFileAttributesW(p);
    free(p);
    if (a == INVALID_FILE_ATTRIBUTES) {
        last_error(GetLastError(), problem, sizeof problem);
        snprintf(why, whysz, "cannot be opened: %s", problem);
        return -1;
    }
    if (!(a & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(why, whysz, "is not a folder");
        return -1;
    }
    /* can this user write there? a hidden probe, removed at once */
    snprintf(probe, sizeof probe, "%s\\.loginrec-probe", path);
    h = open_path(probe, GENERIC_WRITE, 0, CREATE_ALWAYS,
                  FILE_ATTRIBUTE_HIDDEN | FILE_FLAG_DELETE_ON_CLOSE);
    if (h == INVALID_HANDLE_VALUE) {
        snprintf(why, whysz, "cannot be read and written by this user");
        return -1;
    }
    CloseHandle(h);
    return 0;
}

int agent_os_check_readable(const char *path, char *why, size_t whysz)
{
    HANDLE h = open_path(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL);
    if (h == INVALID_HANDLE_VALUE) {
        last_error(GetLastError(), why, whysz);
        return -1;
    }
    CloseHandle(h);
    return 0;
}

lr_status agent_os_list(const char *dir, agent_os_file_fn fn, void *ctx, lr_error *err)
{
    char pattern[1200], name[MAX_PATH * 3], why[300];
    wchar_t *p;
    WIN32_FIND_DATAW fd;
    HANDLE h;

    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    if (!(p = agent_os_wide(pattern)))
        return lr_fail(err, LR_EIO, "cannot read the watch folder %s: the name is not UTF-8", dir);
    h = FindFirstFileW(p, &fd);
    free(p);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND) /* an empty folder on some file systems */
            return LR_OK;
        last_error(e, why, sizeof why);
        return lr_fail(err, LR_EIO, "cannot read the watch folder %s: %s", dir, why);
    }
    do {
        char path[1200 + MAX_PATH * 3];
        wchar_t *wp;
        WIN32_FILE_ATTRIBUTE_DATA a;
        int ok;
        if (fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE))
            continue;
        narrow(fd.cFileName, name, sizeof name);
        if (!name[0])
            continue;
        /* the size and time of the file itself: the folder's entry (what
         * FindNextFileW says) lags while a writer holds the file open */
        snprintf(path, sizeof path, "%s\\%s", dir, name);
        wp = agent_os_wide(path);
        ok = wp && GetFileAttributesExW(wp, GetFileExInfoStandard, &a);
        free(wp);
        if (!ok)
            continue; /* gone meanwhile */
        if (fn(ctx, name, (long long)((uint64_t)a.nFileSizeHigh << 32 | a.nFileSizeLow),
               ns_of(a.ftLastWriteTime)))
            break;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return LR_OK;
}

/* The folder opened for ReadDirectoryChangesW, one overlapped read always
 * pending; its event is set when something changed. */
struct agent_os_watch {
    char dir[1024];
    HANDLE h;       /* the folder; INVALID_HANDLE_VALUE when lost */
    OVERLAPPED ov;  /* its pending read (ov.hEvent) */
    int pending;
    DWORD buf[4096]; /* FILE_NOTIFY_INFORMATION records, DWORD-aligned */
};

#define WATCH_FILTER                                                                               \
    (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE |     \
     FILE_NOTIFY_CHANGE_DIR_NAME)

static void watch_arm(agent_os_watch *w)
{
    if (w->h == INVALID_HANDLE_VALUE || w->pending)
        return;
    ResetEvent(w->ov.hEvent);
    if (ReadDirectoryChangesW(w->h, w->buf, sizeof w->buf, FALSE, WATCH_FILTER, NULL, &w->ov,
                              NULL))
        w->pending = 1;
    else { /* lost (the folder went away): the rescans go on, rearm retries */
        CloseHandle(w->h);
        w->h = INVALID_HANDLE_VALUE;
    }
}

static HANDLE open_dir(const char *dir)
{
    return open_path(dir, FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                     OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED);
}

agent_os_watch *agent_os_watch_open(const char *dir, lr_error *err)
{
    agent_os_watch *w = calloc(1, sizeof *w);
    wchar_t *p = agent_os_wide(dir);
    DWORD a = p ? GetFileAttributesW(p) : INVALID_FILE_ATTRIBUTES;
    free(p);
    if (!w) {
        lr_fail(err, LR_ENOMEM, "out of memory");
        return NULL;
    }
    if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_DIRECTORY)) {
        free(w);
        lr_fail(err, LR_EIO, "the watch folder %s does not exist", dir);
        return NULL;
    }
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    w->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->h = open_dir(dir);
    watch_arm(w);
    return w;
}

void agent_os_watch_rearm(agent_os_watch *w)
{
    if (w->h == INVALID_HANDLE_VALUE)
        w->h = open_dir(w->dir);
    watch_arm(w);
}

int agent_os_watch_wait(agent_os_watch *w, int64_t timeout_ms)
{
    DWORD got = 0;
    if (!w->pending) {
        agent_os_sleep_ms(timeout_ms);
        return 0;
    }
    {
        HANDLE both[2] = {w->ov.hEvent, stop_event};
        if (WaitForMultipleObjects(2, both, FALSE, (DWORD)timeout_ms) != WAIT_OBJECT_0)
            return 0; /* the time is up, or the service stops */
    }
    w->pending = 0;
    if (!GetOverlappedResult(w->h, &w->ov, &got, FALSE)) {
        CloseHandle(w->h); /* the folder is gone: rearm opens it again */
        w->h = INVALID_HANDLE_VALUE;
    }
    watch_arm(w); /* got == 0: the buffer overflowed; the rescan finds all */
    return 1;
}

void agent_os_watch_close(agent_os_watch *w)
{
    if (!w)
        return;
    if (w->h != INVALID_HANDLE_VALUE) {
        CancelIoEx(w->h, &w->ov);
        if (w->pending) {
            DWORD got;
            GetOverlappedResult(w->h, &w->ov, &got, TRUE);
        }
        CloseHandle(w->h);
    }
    CloseHandle(w->ov.hEvent);
    free(w);
}

int agent_os_hash(const char *bytes, size_t n, char out[AGENT_HASH_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char h[32] = {0};
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE hh = NULL;
    int ok = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0) == 0 &&
             BCryptCreateHash(alg, &hh, NULL, 0, NULL, 0, 0) == 0;
    while (ok && n > 0) { /* BCryptHashData takes a ULONG at a time */
        ULONG k = n > 0x40000000u ? 0x40000000u : (ULONG)n;
        ok = BCryptHashData(hh, (PUCHAR)bytes, k, 0) == 0;
        bytes += k;
        n -= k;
    }
    ok = ok && BCryptFinishHash(hh, h, sizeof h, 0) == 0;
    if (hh)
        BCryptDestroyHash(hh);
    if (alg)
        BCryptCloseAlgorithmProvider(alg, 0);
    for (size_t i = 0; i < sizeof h; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[AGENT_HASH_HEX] = '\0';
    return ok ? 0 : -1;
}

/* What a WinHTTP failure came to. */
static agent_net net_of(DWORD e, int proxied)
{
    switch (e) {
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
        return proxied ? AGENT_NET_RESOLVE_PROXY : AGENT_NET_RESOLVE;
    case ERROR_WINHTTP_CANNOT_CONNECT:
        return AGENT_NET_CONNECT;
    case ERROR_WINHTTP_TIMEOUT:
        return AGENT_NET_TIMEOUT;
    case ERROR_WINHTTP_SECURE_FAILURE:
    case ERROR_WINHTTP_SECURE_INVALID_CA:
    case ERROR_WINHTTP_SECURE_CERT_DATE_INVALID:
    case ERROR_WINHTTP_SECURE_CERT_CN_INVALID:
        return AGENT_NET_TLS;
    default:
        return AGENT_NET_OTHER;
    }
}

static void fail_call(agent_answer *a, int proxied)
{
    DWORD e = GetLastError();
    a->net = net_of(e, proxied);
    last_error(e, a->message, sizeof a->message);
}

/* The request's headers as one UTF-16 block ("A: 1\r\nB: 2"); for plain
 * http through a proxy with a user, its Basic credentials from the first
 * request on: WinHTTP sends them only after a challenge, and a proxy that
 * refuses a request with a body may reset the connection instead of
 * answering (tinyproxy). Never for https: there the headers go through the
 * tunnel to the server, and the credentials only by the 407 challenge
 * (WinHttpSetCredentials). The buffer is reserved whole first, so no
 * freed copy of the token is left behind by a reallocation. */
static wchar_t *header_block(const agent_http *r, int https)
{
    lr_buf b;
    wchar_t *w;
    buf_init(&b, 16384);
    if (buf_reserve(&b, 8192) != LR_OK)
        return NULL;
    for (const char *const *p = r->headers; *p; p++)
        if (buf_puts(&b, *p) != LR_OK || buf_puts(&b, "\r\n") != LR_OK)
            break;
    if (r->proxy[0] && r->proxy_user[0] && !https) {
        char pair[600], b64[900];
        DWORD n = sizeof b64;
        int k = snprintf(pair, sizeof pair, "%s:%s", r->proxy_user, r->proxy_password);
        if (k > 0 && (size_t)k < sizeof pair &&
            CryptBinaryToStringA((const BYTE *)pair, (DWORD)k,
                                 CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, b64, &n))
            buf_printf(&b, "Proxy-Authorization: Basic %s\r\n", b64);
        SecureZeroMemory(pair, sizeof pair);
        SecureZeroMemory(b64, sizeof b64);
    }
    w = agent_os_wide(buf_str(&b));
    SecureZeroMemory(b.data, b.len);
    buf_free(&b);
    return w;
}

/* Sends the request and reads its status, once; 0 on a transfer failure. */
static int send_once(HINTERNET req, const wchar_t *hdrs, const agent_http *r, DWORD *status)
{
    DWORD len = sizeof *status;
    if (!WinHttpSendRequest(req, hdrs, (DWORD)-1L, (LPVOID)(r->body ? r->body : ""),
                            (DWORD)(r->body ? r->n : 0), (DWORD)(r->body ? r->n : 0), 0) ||
        !WinHttpReceiveResponse(req, NULL))
        return 0;
    return WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                               WINHTTP_HEADER_NAME_BY_INDEX, status, &len, WINHTTP_NO_HEADER_INDEX);
}

void agent_os_http(const agent_http *r, agent_answer *a)
{
    const int proxied = r->proxy[0] != '\0';
    wchar_t *url = agent_os_wide(r->url), *proxy = proxied ? agent_os_wide(r->proxy) : NULL;
    wchar_t *hdrs = header_block(r, strncmp(r->url, "https://", 8) == 0), *user = NULL,
            *pass = NULL;
    wchar_t host[256], path[2048];
    URL_COMPONENTS uc;
    HINTERNET ses = NULL, con = NULL, req = NULL;
    DWORD status = 0;

    a->status = 0;
    a->net = AGENT_NET_OTHER;
    a->www_auth[0] = a->message[0] = '\0';
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.lpszHostName = host;
    uc.dwHostNameLength = sizeof host / sizeof *host;
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = sizeof path / sizeof *path;
    if (!url || !hdrs || (proxied && !proxy) || !WinHttpCrackUrl(url, 0, 0, &uc)) {
        snprintf(a->message, sizeof a->message, "the address %s cannot be used", r->url);
        goto done;
    }
    /* the settings' proxy, or none: never the machine's own */
    ses = WinHttpOpen(L"loginrec-agent", proxied ? WINHTTP_ACCESS_TYPE_NAMED_PROXY
                                                 : WINHTTP_ACCESS_TYPE_NO_PROXY,
                      proxied ? proxy : WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    if (!ses || !WinHttpSetTimeouts(ses, r->timeout_ms, 10000, r->timeout_ms, r->timeout_ms) ||
        !(con = WinHttpConnect(ses, host, uc.nPort, 0)) ||
        !(req = WinHttpOpenRequest(con, r->body ? L"POST" : L"GET", path, NULL,
                                   WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                   uc.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE
                                                                       : 0))) {
        fail_call(a, proxied);
        goto done;
    }
    {
        DWORD no_redirects = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
        WinHttpSetOption(req, WINHTTP_OPTION_REDIRECT_POLICY, &no_redirects, sizeof no_redirects);
    }
    if (proxied && r->proxy_user[0]) {
        user = agent_os_wide(r->proxy_user);
        pass = agent_os_wide(r->proxy_password);
        if (!user || !pass) {
            snprintf(a->message, sizeof a->message, "the proxy user or password is not UTF-8");
            goto done;
        }
        WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC, user,
                              pass, NULL);
    }
    if (!send_once(req, hdrs, r, &status)) {
        fail_call(a, proxied);
        goto done;
    }
    if (status == 407 && user) { /* WinHTTP answers the challenge with the credentials set */
        WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_SCHEME_BASIC, user,
                              pass, NULL);
        if (!send_once(req, hdrs, r, &status)) {
            fail_call(a, proxied);
            goto done;
        }
    }
    a->net = AGENT_NET_ANSWERED;
    a->status = (long)status;
    {
        wchar_t auth[128];
        DWORD len = sizeof auth;
        if (WinHttpQueryHeaders(req, WINHTTP_QUERY_WWW_AUTHENTICATE, WINHTTP_HEADER_NAME_BY_INDEX,
                                auth, &len, WINHTTP_NO_HEADER_INDEX)) {
            char scheme[128];
            narrow(auth, scheme, sizeof scheme);
            scheme[strcspn(scheme, " ")] = '\0';
            snprintf(a->www_auth, sizeof a->www_auth, "%s", scheme);
        }
    }
    for (;;) {
        char chunk[16384];
        DWORD got = 0;
        if (!WinHttpReadData(req, chunk, sizeof chunk, &got)) {
            fail_call(a, proxied);
            a->net = AGENT_NET_OTHER;
            break;
        }
        if (got == 0)
            break;
        if (buf_append(&a->body, chunk, got) != LR_OK) { /* as libcurl's write error */
            a->net = AGENT_NET_OTHER;
            snprintf(a->message, sizeof a->message, "the answer is too long");
            break;
        }
    }
done:
    if (req)
        WinHttpCloseHandle(req);
    if (con)
        WinHttpCloseHandle(con);
    if (ses)
        WinHttpCloseHandle(ses);
    if (pass)
        SecureZeroMemory(pass, wcslen(pass) * sizeof *pass);
    if (hdrs) /* it holds the token */
        SecureZeroMemory(hdrs, wcslen(hdrs) * sizeof *hdrs);
    free(url);
    free(proxy);
    free(hdrs);
    free(user);
    free(pass);
}
#endif
