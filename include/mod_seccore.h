/* mod_seccore's API for the other secmods modules.
 *
 * Modules reach seccore through APR optional functions (the mod_ssl /
 * mod_session idiom), so each module still loads, and degrades as documented,
 * when seccore is absent. Fetch them in post_config or the first time they
 * are needed:
 *
 *     static APR_OPTIONAL_FN_TYPE(seccore_store) *get_store;
 *     get_store = APR_RETRIEVE_OPTIONAL_FN(seccore_store);
 */
#ifndef MOD_SECCORE_H
#define MOD_SECCORE_H

#include <httpd.h>
#include <apr_optional.h>
#include <jansson.h>
#include "sec_store.h"
#include "sec_keyring.h"

/* The store configured for this server (never NULL once a child runs). */
APR_DECLARE_OPTIONAL_FN(sec_store_t *, seccore_store, (server_rec *s));

/* This server's own embedded store (shared memory), whatever SecStore says:
 * for per-server state such as tokens leased from a shared store, local
 * caches and fallback limits while the shared store is away. */
APR_DECLARE_OPTIONAL_FN(sec_store_t *, seccore_local_store, (void));

/* A module's part of the secmods-status document: fn returns a JSON object
 * (new reference) shown under "modules"/name. Register in post_config. */
typedef json_t *seccore_status_fn(request_rec *r);
APR_DECLARE_OPTIONAL_FN(void, seccore_register_status, (const char *name,
                        seccore_status_fn *fn));

/* The keyring from SecKeyFile, or NULL when none is configured. */
APR_DECLARE_OPTIONAL_FN(const sec_keyring_t *, seccore_keyring, (server_rec *s));

/* This request's id (the same for every call, and for subrequests and
 * internal redirects of the same request). */
APR_DECLARE_OPTIONAL_FN(const char *, seccore_request_id, (request_rec *r));

/* Write an audit event for r (time, request id, client ip, user, method and
 * path are filled in). extra is borrowed; fields whose names look like secrets
 * are dropped. A no-op when SecEventLog is not configured. */
APR_DECLARE_OPTIONAL_FN(void, seccore_event, (request_rec *r, const char *mod_name,
                        const char *event, const char *outcome, const char *reason,
                        json_t *extra));

/* Prepare the suite's error envelope for r and return status, to be returned
 * from the calling hook: body as JSON or HTML by the client's Accept, with
 * the request id. extra (borrowed) adds fields such as retryAfter. Counted
 * in secmods_denials_total{module=mod_name,code=code}, so one family shows
 * every refusal of the suite. */
APR_DECLARE_OPTIONAL_FN(int, seccore_error, (request_rec *r, const char *mod_name, int status,
                        const char *code, const char *message, json_t *extra));

/* Add to a counter family of the metrics page, e.g.
 *   ("secmods_ratelimit_requests_total", "zone=\"login\",outcome=\"deny\"", 1). */
APR_DECLARE_OPTIONAL_FN(void, seccore_metric_add, (const char *family, const char *labels,
                        apr_uint64_t delta));

/* Request bodies read ahead -- mod_seccsrf looks for its token field,
 * AuthType SecHMAC checks a signature before the handler runs -- and given
 * back byte for byte to whoever reads the body next (a CGI's stdin, PHP's
 * $_POST, a proxied backend), internal redirects included. What is kept is
 * the body as it came off the connection, de-chunked, below any content
 * input filter.
 *
 * fn sees each piece as it is read (data stays valid as long as the
 * request) and returns 0 to stop reading; the rest then streams from the
 * connection as usual. Reads at most max bytes in all. *complete is set
 * when the whole body was read; it is then handed on with a Content-Length
 * even if the client sent it chunked. Returns OK, or the status httpd
 * would answer for a broken body (400, 408, 413). A second call for the
 * same request shows fn what was kept, then reads on. */
typedef int seccore_body_fn(void *baton, const char *data, apr_size_t len);
APR_DECLARE_OPTIONAL_FN(int, seccore_body_read, (request_rec *r, apr_off_t max,
                        seccore_body_fn *fn, void *baton, int *complete));

/* The request the client sent, for any subrequest or internal redirect of it
 * (ErrorDocument, DirectoryIndex): request ids, notes and per-request state
 * that must be shared by all of them live there. */
static inline request_rec *seccore_initial_request(request_rec *r)
{
    while (r->main) {
        r = r->main;
    }
    while (r->prev) {
        r = r->prev;
    }
    return r;
}

#endif
