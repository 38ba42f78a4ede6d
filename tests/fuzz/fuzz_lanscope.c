/* libFuzzer target: the LanScope CSV parser (encoding detection, CSV,
 * header lookup, date-times in a zone with daylight saving). */
#include <stddef.h>
#include <stdint.h>

#include "sources/lanscope.h"

static lr_status count(void *ctx, lr_event *e, lr_error *err)
{
    (void)e;
    (void)err;
    ++*(size_t *)ctx;
    return LR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lanscope_opts o = {"fuzz.csv", size % 2 ? "America/New_York" : "Asia/Tokyo", "fuzz", NULL};
    lanscope_stats st;
    lr_error err;
    size_t n = 0;
    (void)lanscope_parse(&o, (const char *)data, size, count, &n, &st, &err);
    return 0;
}
