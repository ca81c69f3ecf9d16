/* mod_secsession's API for the other secmods modules.
 *
 * mod_seccsrf binds its tokens to the session through this; any module may
 * ask who the request's user is. Reached through an APR optional function,
 * so a module that uses it still loads, and works without sessions, when
 * mod_secsession is absent:
 *
 *     static APR_OPTIONAL_FN_TYPE(secsession_current) *session_current;
 *     session_current = APR_RETRIEVE_OPTIONAL_FN(secsession_current);  // NULL: not loaded
 */
#ifndef MOD_SECSESSION_H
#define MOD_SECSESSION_H

#include <httpd.h>
#include <apr_optional.h>
#include <apr_time.h>

typedef struct {
    const char *user;
    const char *roles;      /* comma-separated; "" when none */
    /* A reference to the session that is not its id: stable for the
     * session's whole life, different for every session, useless for
     * taking it over. Safe to log and to bind other tokens to. */
    const char *ref;
    apr_time_t created;
} secsession_info_t;

/* The valid session of the request the client sent (subrequests and
 * internal redirects share it). When no hook of mod_secsession has looked
 * yet (a location without AuthType SecSession), the cookie is read and
 * verified now, with the same checks and local cache.
 *   APR_SUCCESS   *info is the session (lives as long as r)
 *   APR_NOTFOUND  no session: no cookie, a forged, expired or revoked one
 *   other         the store could not answer: an outage, not "no session";
 *                 apply your own failure policy. */
APR_DECLARE_OPTIONAL_FN(apr_status_t, secsession_current,
                        (request_rec *r, const secsession_info_t **info));

#endif
