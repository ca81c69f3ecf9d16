/* Audit events: one JSON object per line.
 *     {"time":"2026-11-22T08:14:14.123Z","requestId":"...","module":"secratelimit",
 *      "event":"ratelimit.deny","clientIp":"192.0.2.7","user":"a***@example.com",
 *      "method":"POST","path":"/login","outcome":"deny","reason":"rate", ...extra}
 * Never a cookie, token, password or key: the path loses its query string,
 * extra fields whose names look like secrets are dropped, and a user that
 * looks like an e-mail address is masked. */
#ifndef SEC_EVENT_H
#define SEC_EVENT_H

#include <apr_pools.h>
#include <apr_time.h>
#include <jansson.h>

typedef struct {
    apr_time_t time;
    const char *request_id;
    const char *module;
    const char *event;
    const char *client_ip;
    const char *user;
    const char *method;
    const char *path;
    const char *outcome;     /* "allow", "deny", "error", "report" ... */
    const char *reason;
    json_t *extra;           /* borrowed object, may be NULL */
} sec_event_t;

typedef struct {
    int truncate_ip;         /* log /24 or /48 instead of the full address */
} sec_event_opts_t;

/* The event as one line of JSON ending in '\n'. */
char *sec_event_json_line(apr_pool_t *p, const sec_event_t *ev, const sec_event_opts_t *opts);

/* "alice@example.com" -> "a***@example.com"; anything else unchanged. */
const char *sec_mask_email(apr_pool_t *p, const char *user);

/* 1 when an extra field of this name may hold a secret and must be dropped. */
int sec_event_field_is_secret(const char *name);

#endif
