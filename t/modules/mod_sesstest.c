/* mod_sesstest: a test-only consumer of mod_secsession's optional function
 * secsession_current(), used the way mod_seccsrf uses it, so the suite can
 * check it in any location -- also where no hook of mod_secsession has
 * looked at the request (no AuthType SecSession), and after the session
 * cookie was taken off the request. Never installed; loaded by
 * t/conf/secsession.conf.in.
 *
 *   SetHandler sesstest-current   {"status":"ok","user":..,"roles":..,"ref":..,"created":..}
 *                                 or {"status":"notfound"} / {"status":"outage"}
 *                                 (?twice=1 asks twice: the same answer)
 */
#include <httpd.h>
#include <http_config.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_strings.h>
#include <apr_optional.h>
#include <jansson.h>
#include "mod_secsession.h"

module AP_MODULE_DECLARE_DATA sesstest_module;

static APR_OPTIONAL_FN_TYPE(secsession_current) *session_current;

static int sesstest_handler(request_rec *r)
{
    const secsession_info_t *info = NULL, *again = NULL;
    apr_status_t rv, rv2;
    json_t *j;
    char *text;

    if (!r->handler || strcmp(r->handler, "sesstest-current")) {
        return DECLINED;
    }
    if (!session_current) {
        session_current = APR_RETRIEVE_OPTIONAL_FN(secsession_current);
    }
    if (!session_current) {
        return HTTP_NOT_IMPLEMENTED;
    }
    rv = session_current(r, &info);
    j = json_object();
    if (rv == APR_SUCCESS) {
        json_object_set_new(j, "status", json_string("ok"));
        json_object_set_new(j, "user", json_string(info->user));
        json_object_set_new(j, "roles", json_string(info->roles));
        json_object_set_new(j, "ref", json_string(info->ref));
        json_object_set_new(j, "created", json_integer((json_int_t)apr_time_sec(info->created)));
    }
    else {
        json_object_set_new(j, "status", json_string(rv == APR_NOTFOUND ? "notfound" : "outage"));
    }
    if (r->args && strstr(r->args, "twice=1")) {
        rv2 = session_current(r, &again);
        json_object_set_new(j, "same", json_boolean(rv2 == rv && again == info));
    }
    text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    ap_set_content_type(r, "application/json");
    ap_rputs(text ? text : "{}", r);
    free(text);
    return OK;
}

static void sesstest_register_hooks(apr_pool_t *p)
{
    ap_hook_handler(sesstest_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(sesstest) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, sesstest_register_hooks
};
