/* sec_session_record_decode (sec_session.h) on raw bytes: a session record
 * as read back from the store. The store is ours, but memcached is a
 * network service another tenant or a poisoned node could write to, so a
 * bad value must be "no session", never a crash.
 *
 * Invariants: an accepted record has a valid user, canonical roles,
 * positive timeouts and seen >= created, and encoding it and decoding again
 * gives the same fields. The same bytes are also decoded as a local cache
 * entry (sec_session_cache_decode), with the same invariants. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    sec_session_record_t r, d;

    if (sec_session_record_decode(p, (const char *)data, size, &r) == APR_SUCCESS) {
        char *text;
        const char *canon, *err;
        FZ_ASSERT(sec_session_user_valid(r.user));
        FZ_ASSERT(sec_session_roles_parse(p, r.roles, &canon, &err) == APR_SUCCESS &&
                  !strcmp(canon, r.roles));
        FZ_ASSERT(r.idle > 0 && r.absolute > 0 && r.seen >= r.created);
        text = sec_session_record_encode(p, &r);
        FZ_ASSERT(text != NULL);
        FZ_ASSERT(sec_session_record_decode(p, text, strlen(text), &d) == APR_SUCCESS);
        FZ_ASSERT(!strcmp(d.user, r.user) && !strcmp(d.roles, r.roles) &&
                  !strcmp(d.kid, r.kid) && !strcmp(d.method, r.method));
        FZ_ASSERT(d.created == r.created && d.seen == r.seen && d.idle == r.idle &&
                  d.absolute == r.absolute && d.validated == r.validated &&
                  d.user_gen == r.user_gen && d.global_gen == r.global_gen);
        FZ_ASSERT((!d.ip && !r.ip) || (d.ip && r.ip && !strcmp(d.ip, r.ip)));
        (void)sec_session_record_check(&r, r.created, 0, 0);
    }
    if (sec_session_cache_decode(p, (const char *)data, size, &r) == APR_SUCCESS) {
        char *text;
        const char *canon, *err;
        FZ_ASSERT(sec_session_user_valid(r.user) && !strchr(r.user, '\t'));
        FZ_ASSERT(sec_session_roles_parse(p, r.roles, &canon, &err) == APR_SUCCESS &&
                  !strcmp(canon, r.roles));
        FZ_ASSERT(r.idle > 0 && r.absolute > 0 && r.seen >= r.created);
        text = sec_session_cache_encode(p, &r);
        FZ_ASSERT(text != NULL);
        FZ_ASSERT(sec_session_cache_decode(p, text, strlen(text), &d) == APR_SUCCESS);
        FZ_ASSERT(!strcmp(d.user, r.user) && !strcmp(d.roles, r.roles) &&
                  !strcmp(d.kid, r.kid) && !strcmp(d.method, r.method));
        FZ_ASSERT(d.created == r.created && d.seen == r.seen && d.idle == r.idle &&
                  d.absolute == r.absolute && d.validated == r.validated &&
                  d.user_gen == r.user_gen && d.global_gen == r.global_gen);
        FZ_ASSERT((!d.ip && !r.ip) || (d.ip && r.ip && !strcmp(d.ip, r.ip)));
    }
    fz_pool_clear(p);
    return 0;
}
