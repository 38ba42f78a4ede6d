/*
 * cli_progress — the terminal's progress line (see cli_progress.h).
 */
#include "cli/cli_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DRAW_EVERY_NS 200000000LL /* five times a second */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* 1234567 -> "1,234,567". */
static void grouped(uint64_t v, char *out, size_t outsz)
{
    char digits[32];
    size_t n = (size_t)snprintf(digits, sizeof digits, "%llu", (unsigned long long)v), o = 0;
    for (size_t i = 0; i < n && o + 2 < outsz; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static const char *stage_words(lr_lang lang, progress_stage s)
{
    const int ja = lang == LANG_JA;
    switch (s) {
    case PROGRESS_READ: return ja ? "読み込み" : "reading";
    case PROGRESS_STORE: return ja ? "保存" : "storing";
    case PROGRESS_DERIVE: return ja ? "打刻の再計算" : "re-deriving punches";
    case PROGRESS_CHECK: return ja ? "確認" : "checking";
    case PROGRESS_FETCH: return ja ? "応答待ち" : "waiting for the answer";
    case PROGRESS_COMPARE: return ja ? "照合" : "comparing";
    case PROGRESS_COPY: return ja ? "コピー" : "copying";
    }
    return "";
}

/* The unit of done/total: bytes for reading, else the stage's things. */
static const char *unit_words(lr_lang lang, progress_stage s)
{
    const int ja = lang == LANG_JA;
    switch (s) {
    case PROGRESS_STORE: return ja ? "件" : "events";
    case PROGRESS_DERIVE: return ja ? "件" : "day ranges";
    case PROGRESS_CHECK: return ja ? "行" : "rows";
    case PROGRESS_COMPARE: return ja ? "人" : "employees";
    default: return "";
    }
}

void cli_progress_format(lr_lang lang, progress_stage stage, uint64_t done, uint64_t total,
                         uint64_t items, double elapsed_s, char *out, size_t outsz)
{
    const int ja = lang == LANG_JA, bytes = stage == PROGRESS_READ || stage == PROGRESS_COPY;
    double rate = elapsed_s > 0.05 ? (double)done / elapsed_s : 0;
    size_t o = 0;
    char a[32], b[32];

#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (o < outsz)                                                                             \
            o += (size_t)snprintf(out + o, outsz - o, __VA_ARGS__);                                \
    } while (0)
    PUT("%s", stage_words(lang, stage));
    if (stage == PROGRESS_FETCH) { /* told once, when the wait begins */
        PUT("…");
        return;
    }
    if (total > 0)
        PUT(" %3d%%", (int)(done >= total ? 100 : done * 100 / total));
    if (bytes) {
        PUT(" %.1f", (double)done / 1e6);
        if (total)
            PUT(" / %.1f", (double)total / 1e6);
        PUT(" MB");
        if (rate > 0)
            PUT(ja ? " %.1f MB/秒" : " %.1f MB/s", rate / 1e6);
        if (items) {
            grouped(items, a, sizeof a);
            PUT(ja ? " %s 行" : " %s rows", a);
        }
    } else {
        grouped(done, a, sizeof a);
        PUT(" %s", a);
        if (total) {
            grouped(total, b, sizeof b);
            PUT(" / %s", b);
        }
        PUT(" %s", unit_words(lang, stage));
        if (rate > 0) {
            grouped((uint64_t)(rate + 0.5), a, sizeof a);
            PUT(ja ? " %s %s/秒" : " %s/s", a, ja ? unit_words(lang, stage) : "");
        }
    }
    if (total > done && rate > 0) {
        double left = (double)(total - done) / rate;
        if (left >= 60)
            PUT(ja ? " 残り約 %d 分 %02d 秒" : ", about %d min %02d s left", (int)left / 60,
                (int)left % 60);
        else
            PUT(ja ? " 残り約 %d 秒" : ", about %d s left", (int)left + 1);
    }
#undef PUT
}

static void on_report(void *ctx, progress_stage stage, uint64_t done, uint64_t total,
                      uint64_t items)
{
    cli_progress *p = ctx;
    int64_t now = mono_ns();
    char line[200];

    if (stage != p->stage || !p->stage_start_ns) { /* a stage begins: its rate from now */
        p->stage = stage;
        p->stage_start_ns = now;
    } else if (p->drawn && now - p->last_draw_ns < DRAW_EVERY_NS && done < total) {
        return; /* drawn a moment ago; the last report is always drawn */
    }
    cli_progress_format(p->lang, stage, done, total, items,
                        (double)(now - p->stage_start_ns) / 1e9, line, sizeof line);
    /* back to the line's start, the line, and erase what a longer one left */
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->drawn = 1;
    p->last_draw_ns = now;
}

const progress_hook *cli_progress_start(cli_progress *p)
{
    const char *env = getenv("LOGINREC_PROGRESS");
    memset(p, 0, sizeof *p);
    p->out = stderr;
    p->lang = lang_from_env();
    p->stage = PROGRESS_READ;
    p->on = isatty(fileno(stderr)) && !(env && strcmp(env, "0") == 0);
    p->hook = (progress_hook){on_report, p};
    return p->on ? &p->hook : NULL;
}

void cli_progress_end(cli_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->drawn = 0;
}
