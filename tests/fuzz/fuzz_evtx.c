/* libFuzzer target: .evtx files as loginrecd reads them, through the
 * helper process (sources/evtx_child.c, loginrec-evtx): libevtx's own
 * failures stay in the helper; its frames, the damaged-file rules and the
 * record checks are ours. */
#include <stddef.h>
#include <stdint.h>

#include "sources/evtx_child.h"

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
    (void)evtx_parse_isolated("fuzz.evtx", data, size, size % 2, count, &n, &st, &err);
    return 0;
}
