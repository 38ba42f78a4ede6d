/*
 * routers — the front doors loginrecd serves, in the order they are asked
 * (see routers.h).
 */
#include "http/routers.h"

const http_router http_routers[] = {{api_wants, api_dispatch}, {ui_wants, ui_dispatch}};
const size_t http_nrouters = sizeof http_routers / sizeof http_routers[0];
