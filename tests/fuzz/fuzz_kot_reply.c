/* libFuzzer target: KING OF TIME answers (classification, employees,
 * divisions, time records). */
#include <stddef.h>
#include <stdint.h>

#include "sinks/kot_reply.h"

static int each_employee(void *ctx, const kot_employee *e)
{
    (void)ctx;
    (void)e;
    return 0;
}

static int each_division(void *ctx, const kot_division *d)
{
    (void)ctx;
    (void)d;
    return 0;
}

static int each_record(void *ctx, const kot_timerecord *t)
{
    (void)ctx;
    (void)t;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char reason[300];
    lr_error err;
    (void)kot_classify(KOT_T_ANSWERED, size ? 200 + data[0] % 400 : 200, body, size, reason,
                       sizeof reason);
    (void)kot_parse_employees(body, size, each_employee, NULL, &err);
    (void)kot_parse_divisions(body, size, each_division, NULL, &err);
    (void)kot_parse_timerecords(body, size, each_record, NULL, &err);
    return 0;
}
