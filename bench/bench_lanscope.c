/*
 * bench_lanscope — the LanScope CSV parser alone on one file: decode
 * (CP932), CSV, header lookup, date-times in the company's zone, one
 * callback per event. Prints "rows events ms". Usage: bench_lanscope FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sources/lanscope.h"
#include "util/buf.h"

static lr_status count(void *ctx, lr_event *e, lr_error *err)
{
    (void)e;
    (void)err;
    ++*(size_t *)ctx;
    return LR_OK;
}

int main(int argc, char **argv)
{
    FILE *f;
    lr_buf b;
    char chunk[1 << 16];
    size_t k, n = 0;
    lanscope_stats st;
    lr_error err;
    struct timespec t0, t1;
    lanscope_opts o = {argc > 1 ? argv[1] : "", "Asia/Tokyo", "bench", NULL};

    if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: bench_lanscope FILE\n");
        return 2;
    }
    buf_init(&b, (size_t)1 << 31);
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(&b, chunk, k) != LR_OK)
            return 1;
    fclose(f);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lanscope_parse(&o, b.data, b.len, count, &n, &st, &err) != LR_OK) {
        fprintf(stderr, "bench_lanscope: %s:%ld:%ld: %s\n", err.file, err.line, err.column,
                err.message);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%zu %zu %.1f\n", st.rows, n,
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    buf_free(&b);
    return 0;
}
