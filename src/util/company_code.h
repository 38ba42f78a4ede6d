/*
 * company_code — the shape of a company ID (企業ID, KING OF TIME's 企業コード):
 * 3 or 6 letters and digits, taken in any case (stored in upper case). Both
 * the server and the agent check it, so it lives here, below both.
 */
#ifndef LR_UTIL_COMPANY_CODE_H
#define LR_UTIL_COMPANY_CODE_H

#include "util/status.h"

/* LR_OK when code has the shape of a company ID; else LR_EINVAL saying why. */
lr_status company_code_check(const char *code, lr_error *err);

#endif
