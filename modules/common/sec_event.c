/* Audit events; see sec_event.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_event.h"
#include "sec_cidr.h"
#include "sec_json.h"

/* Field names that may carry a secret, matched as substrings. A module that
 * puts one of these in an event loses that field rather than leaking it. */
static const char *secret_words[] = {
    "cookie", "token", "password", "passwd", "secret", "key", "authorization",
    "signature", "session", "csrf", NULL
};

int sec_event_field_is_secret(const char *name)
{
    int i;
    for (i = 0; secret_words[i]; i++) {
        if (strcasestr(name, secret_words[i])) {
            return 1;
        }
    }
    return 0;
}

const char *sec_mask_email(apr_pool_t *p, const char *user)
{
    const char *at;

    if (!user || !(at = strchr(user, '@')) || at == user || !strchr(at, '.')) {
        return user;
    }
    /* Keep the first character and the domain: enough to tell users of one
     * site apart in an incident, not enough to harvest addresses. */
    return apr_pstrcat(p, apr_pstrmemdup(p, user, 1), "***", at, NULL);
}

static void set_str(json_t *j, const char *k, const char *v)
{
    if (v) {
        json_object_set_new(j, k, sec_json_string_lossy(v));
    }
}

char *sec_event_json_line(apr_pool_t *p, const sec_event_t *ev, const sec_event_opts_t *opts)
{
    json_t *j = json_object();
    char ts[64];
    apr_time_exp_t t;
    apr_size_t tl;
    char *s, *out;

    apr_time_exp_gmt(&t, ev->time ? ev->time : apr_time_now());
    apr_strftime(ts, &tl, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &t);
    set_str(j, "time", apr_psprintf(p, "%s.%03dZ", ts, t.tm_usec / 1000));
    set_str(j, "requestId", ev->request_id);
    set_str(j, "module", ev->module);
    set_str(j, "event", ev->event);
    if (ev->client_ip) {
        set_str(j, "clientIp", opts && opts->truncate_ip ? sec_ip_truncate(p, ev->client_ip)
                                                         : ev->client_ip);
    }
    set_str(j, "user", sec_mask_email(p, ev->user));
    set_str(j, "method", ev->method);
    if (ev->path) {
        const char *q = strpbrk(ev->path, "?#");
        set_str(j, "path", q ? apr_pstrmemdup(p, ev->path, (apr_size_t)(q - ev->path)) : ev->path);
    }
    set_str(j, "outcome", ev->outcome);
    set_str(j, "reason", ev->reason);
    if (ev->extra && json_is_object(ev->extra)) {
        const char *k;
        json_t *v;
        json_object_foreach(ev->extra, k, v) {
            if (!json_object_get(j, k) && !sec_event_field_is_secret(k)) {
                json_object_set(j, k, v);
            }
        }
    }
    s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    if (!s) {
        return apr_pstrdup(p, "{\"event\":\"unencodable\"}\n");
    }
    out = apr_pstrcat(p, s, "\n", NULL);
    free(s);
    return out;
}
