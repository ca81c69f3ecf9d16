/* TEMPORARY, until the core library's origin parser and HTML scanner
 * (sec_origin.c, sec_html.c, branch core-parsers) are on main: CORS and the
 * nonce filter are refused at configtest instead of half-working. Replaced
 * by secheaders_cors.c and secheaders_nonce_filter.c after the merge. */
#include <httpd.h>
#include <http_config.h>
#include "secheaders.h"

const char *hd_cmd_cors_origin(cmd_parms *cmd, void *dc, const char *arg)
{
    return "SecCORSAllowOrigin: not available in this build yet";
}

int hd_cors_active(const hd_dir_t *d)
{
    return 0;
}

int hd_cors_preflight(request_rec *r, const hd_dir_t *d)
{
    return DECLINED;
}

void hd_cors_response(request_rec *r, const hd_dir_t *d)
{
}

void hd_insert_nonce_filter(request_rec *r, const hd_dir_t *d)
{
}

void hd_register_nonce_filter(void)
{
}
