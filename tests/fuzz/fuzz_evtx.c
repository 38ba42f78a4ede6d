/* libFuzzer target: .evtx files through libevtx (sources/evtx.c): the
 * damaged-file rules, the XML values by name, the record checks. */
#include <stddef.h>
#include <stdint.h>

#include "sources/evtx.h"

static lr_status count(void *ctx, win_record *r, const char *raw, size_t rawlen, lr_error *err)
{
    (void)r;
    (void)raw;
    (void)rawlen;
    (void)err;
    ++*(size_t *)ctx;
    return LR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evtx_stats st;
    lr_error err;
    size_t n = 0;
    (void)evtx_parse("fuzz.evtx", data, size, size % 2, count, &n, &st, &err);
    return 0;
}
