/*
 * loginrec-evtx — reads one .evtx file from stdin with libevtx, under a
 * memory and CPU limit, and writes its records to stdout in the frames of
 * sources/evtx_child.h. loginrecd and loginrec run it for every .evtx they
 * are given, so libevtx's failures on a damaged or crafted file stay in
 * this process. Not meant to be run by hand.
 *   loginrec-evtx --whole|--partial NAME < FILE.evtx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "sources/evtx_child.h"

#define INPUT_MAX (256u * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define LR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LR_ASAN 1
#endif
#endif

static lr_status emit(void *ctx, win_record *r, const char *raw, size_t rawlen, lr_error *err)
{
    (void)err;
    return evtx_child_write_record(ctx, r, raw, rawlen) ? LR_OK : LR_EIO;
}

int main(int argc, char **argv)
{
    struct rlimit mem = {(rlim_t)EVTX_CHILD_MEMORY_MB << 20, (rlim_t)EVTX_CHILD_MEMORY_MB << 20};
    struct rlimit cpu = {EVTX_CHILD_CPU_SECONDS, EVTX_CHILD_CPU_SECONDS + 5};
    unsigned char *b = NULL;
    size_t n = 0, cap = 0;
    evtx_stats st;
    lr_error err;
    lr_status s;

    if (argc != 3 || (strcmp(argv[1], "--whole") != 0 && strcmp(argv[1], "--partial") != 0)) {
        fprintf(stderr, "usage: loginrec-evtx --whole|--partial NAME < FILE.evtx\n");
        return 2;
    }
    /* no address-space limit under AddressSanitizer, whose shadow memory
     * reserves terabytes */
#ifndef LR_ASAN
    setrlimit(RLIMIT_AS, &mem);
#endif
    (void)mem;
    setrlimit(RLIMIT_CPU, &cpu);
    for (;;) {
        size_t r;
        if (n == cap) {
            unsigned char *p;
            cap = cap ? cap * 2 : 1u << 20;
            if (cap > INPUT_MAX || !(p = realloc(b, cap)))
                return 3;
            b = p;
        }
        if ((r = fread(b + n, 1, cap - n, stdin)) == 0)
            break;
        n += r;
    }
    lr_error_clear(&err);
    /* one pass: the caller (evtx_parse_isolated) drops what it was given
     * when the file fails, as it must when this process dies midway */
    s = evtx_parse_stream(argv[2], b, n, strcmp(argv[1], "--partial") == 0, emit, stdout, &st,
                          &err);
    free(b);
    return evtx_child_write_end(stdout, &st, s, &err) ? 0 : 1;
}
