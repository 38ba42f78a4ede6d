/*
 * company_code — the shape of a company ID (see company_code.h).
 */
#include "util/company_code.h"

#include <string.h>

lr_status company_code_check(const char *code, lr_error *err)
{
    size_t n = strlen(code);
    if (n != 3 && n != 6)
        return lr_fail(err, LR_EINVAL, "company code '%s' must be 3 or 6 characters", code);
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return lr_fail(err, LR_EINVAL, "company code '%s' must be letters and digits only",
                           code);
    }
    return LR_OK;
}
