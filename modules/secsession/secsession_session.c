/* A request's session: checking the cookie, the local cache of validated
 * sessions, the shared store, creating and ending sessions.
 *
 * Where things live (sec_session.h has the key names):
 *
 *   shared store (SecStore: this server's shm, or memcached for a fleet)
 *     session:r:<ref>   the record, immutable once written; TTL = absolute
 *     session:s:<ref>   last seen (microseconds), written at most every
 *                       sec_session_seen_interval(); a separate key so that
 *                       a late last-seen write can never bring a deleted
 *                       record back
 *     session:x:<ref>   why a session ended (logout, revoked), for the event
 *     session:u:<user>  the user's generation, session:g everyone's: a
 *                       record carries the values it was created under and
 *                       is dead when they differ ("log out everywhere" bumps
 *                       them). A missing generation never matches a record,
 *                       so an evicted key logs people out instead of
 *                       resurrecting revoked sessions.
 *   local store (always this server's shm, shared by its children)
 *     sessc:<ref>       a validated record and when it was validated; fresh
 *                       for SecSessionCacheTTL (no store round trip), kept
 *                       longer for SecSessionOnStoreFail allow-cached;
 *                       "-" for a reference the store did not know
 *     sessg:g, sessg:u:<user>   generations, fresh for SecSessionCacheTTL
 */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_request.h>
#include <apr_strings.h>
#include "secsession.h"
#include "sec_parse.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

#define NEGATIVE "-"

ss_req_t *ss_req(request_rec *r)
{
    request_rec *top = seccore_initial_request(r);
    ss_req_t *st = ap_get_module_config(top->request_config, &secsession_module);

    if (!st) {
        st = apr_pcalloc(top->pool, sizeof(*st));
        st->status = APR_NOTFOUND;
        ap_set_module_config(top->request_config, &secsession_module, st);
    }
    return st;
}

static apr_uint32_t secs_up(apr_interval_time_t t)
{
    apr_int64_t s = (t + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC;
    return s < 1 ? 1 : s > 0x7fffffff ? 0x7fffffff : (apr_uint32_t)s;
}

static const char *gen_key(apr_pool_t *p, const char *user)
{
    return user ? apr_pstrcat(p, SEC_SESSION_KEY_USERGEN, user, NULL) : SEC_SESSION_KEY_GLOBALGEN;
}

/* --- generations ---------------------------------------------------------------- */

/* The current generation (global when user is NULL), through the local
 * cache. APR_NOTFOUND when it does not exist. *as_of: when it was read from
 * the shared store (a cached value is that old). */
static apr_status_t generation(request_rec *r, const char *user, apr_uint64_t *out,
                               apr_time_t *as_of)
{
    ss_srv_t *c = ss_srv(r->server);
    sec_store_t *local = ss_core.local_store(), *shared = ss_core.store(r->server);
    apr_interval_time_t ttl = ss_cache_ttl(c);
    const char *k = gen_key(r->pool, user);
    apr_time_t now = apr_time_now();
    char *v, *sp;
    apr_size_t len;
    apr_status_t rv;

    if (local == shared) {
        ttl = 0;   /* the embedded store is the cache */
    }
    /* cache value: "<generation> <fetched at, us>" or "- <fetched at>" */
    if (ttl > 0 && sec_store_get(local, r->pool, SEC_SESSION_NS_GENCACHE, k, &v, &len) ==
                       APR_SUCCESS && (sp = strchr(v, ' '))) {
        apr_uint64_t at;
        if (sec_parse_uint(sp + 1, 0, APR_UINT64_MAX, &at) == APR_SUCCESS &&
            (apr_time_t)at <= now && now - (apr_time_t)at < ttl) {
            *as_of = (apr_time_t)at;
            if (v[0] == '-') {
                return APR_NOTFOUND;
            }
            if (sec_parse_uint(apr_pstrmemdup(r->pool, v, (apr_size_t)(sp - v)), 0,
                               APR_UINT64_MAX, out) == APR_SUCCESS) {
                return APR_SUCCESS;
            }
        }
    }
    *as_of = now;
    rv = sec_store_get(shared, r->pool, SEC_SESSION_NS, k, &v, &len);
    if (rv == APR_SUCCESS && sec_parse_uint(v, 0, APR_UINT64_MAX, out) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05010)
                      "session generation in the store is not a number; sessions under it "
                      "are refused");
        rv = APR_NOTFOUND;
    }
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return rv;
    }
    if (ttl > 0 && local != shared) {
        const char *cv = rv == APR_SUCCESS
            ? apr_psprintf(r->pool, "%" APR_UINT64_T_FMT " %" APR_TIME_T_FMT, *out, now)
            : apr_psprintf(r->pool, "- %" APR_TIME_T_FMT, now);
        sec_store_set(local, r->pool, SEC_SESSION_NS_GENCACHE, k, cv, strlen(cv), secs_up(ttl));
    }
    return rv;
}

/* The generation a new session is created under: the current one, or a
 * random start when there is none yet (add: the first server wins). */
static apr_status_t generation_for_new(request_rec *r, const char *user, apr_uint64_t *out)
{
    sec_store_t *shared = ss_core.store(r->server);
    const char *k = gen_key(r->pool, user);
    char *v;
    apr_size_t len;
    apr_status_t rv;
    int attempt;

    for (attempt = 0; attempt < 3; attempt++) {
        apr_uint64_t start;
        const char *sv;
        rv = sec_store_get(shared, r->pool, SEC_SESSION_NS, k, &v, &len);
        if (rv == APR_SUCCESS) {
            if (sec_parse_uint(v, 0, APR_UINT64_MAX, out) == APR_SUCCESS) {
                return APR_SUCCESS;
            }
            /* garbage: replace it (which ends the sessions under it) */
            sec_store_del(shared, r->pool, SEC_SESSION_NS, k);
            continue;
        }
        if (rv != APR_NOTFOUND) {
            return rv;
        }
        /* random, so a key that is lost and made again never matches old records;
         * below 2^62 so increments never wrap */
        if (sec_random_bytes(&start, sizeof(start)) != APR_SUCCESS) {
            return APR_EGENERAL;
        }
        start = (start >> 2) + 1;
        sv = apr_psprintf(r->pool, "%" APR_UINT64_T_FMT, start);
        /* no expiry: a generation must outlive every session made under it */
        rv = sec_store_add(shared, r->pool, SEC_SESSION_NS, k, sv, strlen(sv), 0);
        if (rv == APR_SUCCESS) {
            *out = start;
            return APR_SUCCESS;
        }
        if (rv != SEC_STORE_EEXISTS) {
            return rv;
        }
    }
    return SEC_STORE_EPROTOCOL;
}

apr_status_t ss_bump_user_generation(request_rec *r, const char *user)
{
    sec_store_t *shared = ss_core.store(r->server), *local = ss_core.local_store();
    apr_uint64_t n;
    apr_status_t rv;

    rv = sec_store_incr(shared, r->pool, SEC_SESSION_NS, gen_key(r->pool, user), 1, 0, &n);
    /* this server notices at once */
    sec_store_del(local, r->pool, SEC_SESSION_NS_GENCACHE, gen_key(r->pool, user));
    return rv;
}

/* --- cookie on the response ---------------------------------------------------- */

static void set_cookie(request_rec *r, ss_req_t *st, const char *value, apr_int64_t max_age)
{
    ss_srv_t *c = ss_srv(r->server);
    sec_cookie_attrs_t a;
    const char *line;

    ss_cookie_attrs(c, &a);
    a.max_age = max_age;
    line = sec_cookie_format(r->pool, ss_cookie_name(c), value, &a);
    if (!line) {
        /* cannot happen with the values this module writes; never a NULL header */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05014)
                      "cannot format the session cookie; not set");
        return;
    }
    /* err_headers_out: on redirects and error responses too */
    apr_table_addn(r->err_headers_out, "Set-Cookie", line);
    /* a page that sets or clears the session must never come from a cache */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    st->cookie_written = 1;
}

void ss_expire_cookie(request_rec *r, ss_req_t *st)
{
    if (st->cookie_written) {
        return;
    }
    set_cookie(r, st, "", 0);
}

void ss_clear_site_data(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Clear-Site-Data", "\"cookies\", \"storage\"");
}

/* --- checking a cookie ------------------------------------------------------------ */

static apr_status_t reject(request_rec *r, ss_req_t *st, const char *reason, int expire)
{
    st->status = APR_NOTFOUND;
    st->reason = reason;
    st->expire_cookie = expire;
    return APR_NOTFOUND;
}

static void cache_put(request_rec *r, const ss_req_t *st, const sec_session_record_t *rec)
{
    ss_srv_t *c = ss_srv(r->server);
    sec_store_t *local = ss_core.local_store();
    apr_interval_time_t keep = ss_cache_ttl(c);
    char *text;
    apr_uint32_t ttl;

    if (c->cache_keep > keep) {
        keep = c->cache_keep;
    }
    if (keep <= 0) {
        return;
    }
    text = sec_session_cache_encode(r->pool, rec);
    ttl = secs_up(keep);
    if (ttl > sec_session_record_ttl(rec, apr_time_now())) {
        ttl = sec_session_record_ttl(rec, apr_time_now());
    }
    if (text) {
        sec_store_set(local, r->pool, SEC_SESSION_NS_CACHE, st->ref, text, strlen(text), ttl);
    }
}

/* Why the store has no record for ref: what the tombstone says, or that
 * the session is unknown (expired from the store, never ours). */
static const char *why_gone(request_rec *r, sec_store_t *shared, const char *ref)
{
    char *v;
    apr_size_t len;

    if (sec_store_get(shared, r->pool, SEC_SESSION_NS,
                      apr_pstrcat(r->pool, SEC_SESSION_KEY_TOMB, ref, NULL), &v, &len) ==
            APR_SUCCESS && len > 0 && len < 32) {
        return apr_pstrcat(r->pool, "ended-", v, NULL);
    }
    return "unknown";
}

static void drop_shared(request_rec *r, const char *ref)
{
    sec_store_t *shared = ss_core.store(r->server), *local = ss_core.local_store();

    sec_store_del(shared, r->pool, SEC_SESSION_NS,
                  apr_pstrcat(r->pool, SEC_SESSION_KEY_RECORD, ref, NULL));
    sec_store_del(shared, r->pool, SEC_SESSION_NS,
                  apr_pstrcat(r->pool, SEC_SESSION_KEY_SEEN, ref, NULL));
    sec_store_del(local, r->pool, SEC_SESSION_NS_CACHE, ref);
}

/* The record from the shared store, with its last-seen time and its
 * generations checked. APR_NOTFOUND (st->reason says why) or an outage. */
static apr_status_t from_store(request_rec *r, ss_req_t *st, sec_session_record_t *rec)
{
    sec_store_t *shared = ss_core.store(r->server), *local = ss_core.local_store();
    char *v;
    apr_size_t len;
    apr_uint64_t seen, gen;
    apr_time_t global_as_of, user_as_of;
    apr_status_t rv;

    rv = sec_store_get(shared, r->pool, SEC_SESSION_NS,
                       apr_pstrcat(r->pool, SEC_SESSION_KEY_RECORD, st->ref, NULL), &v, &len);
    if (rv == APR_NOTFOUND) {
        apr_interval_time_t ttl = ss_cache_ttl(ss_srv(r->server));
        st->reason = why_gone(r, shared, st->ref);
        if (ttl > 0 && local != shared) {
            sec_store_set(local, r->pool, SEC_SESSION_NS_CACHE, st->ref, NEGATIVE, 1,
                          secs_up(ttl));
        }
        return APR_NOTFOUND;
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (sec_session_record_decode(r->pool, v, len, rec) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05011)
                      "session %s: the record in the store is unreadable; refused", st->ref);
        st->reason = "corrupt";
        return APR_NOTFOUND;
    }
    rv = sec_store_get(shared, r->pool, SEC_SESSION_NS,
                       apr_pstrcat(r->pool, SEC_SESSION_KEY_SEEN, st->ref, NULL), &v, &len);
    if (rv == APR_SUCCESS) {
        if (sec_parse_uint(v, 0, APR_UINT64_MAX, &seen) == APR_SUCCESS &&
            (apr_time_t)seen > rec->seen) {
            rec->seen = (apr_time_t)seen;
        }
    }
    else if (rv != APR_NOTFOUND) {
        return rv;
    }
    rv = generation(r, NULL, &gen, &global_as_of);
    if (rv == APR_SUCCESS && gen != rec->global_gen) {
        rv = APR_NOTFOUND;
    }
    if (rv == APR_NOTFOUND) {
        st->reason = "revoked-all";
        drop_shared(r, st->ref);
        return APR_NOTFOUND;
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = generation(r, rec->user, &gen, &user_as_of);
    if (rv == APR_SUCCESS && gen != rec->user_gen) {
        rv = APR_NOTFOUND;
    }
    if (rv == APR_NOTFOUND) {
        st->reason = "revoked-user";
        drop_shared(r, st->ref);
        return APR_NOTFOUND;
    }
    if (rv == APR_SUCCESS) {
        /* As current as the oldest thing it was checked against: a
         * generation from the local cache is up to one cache TTL old, and
         * the session entry cached now must not add another TTL on top. */
        rec->validated = global_as_of < user_as_of ? global_as_of : user_as_of;
    }
    return rv;
}

static apr_status_t validate(request_rec *r, ss_req_t *st)
{
    ss_srv_t *c = ss_srv(r->server);
    ss_dir_t *d = ss_dir(r);
    sec_store_t *local, *shared;
    sec_session_record_t rec, stale;
    const char *id, *kid;
    sec_session_cookie_e e;
    apr_time_t now;
    apr_interval_time_t ttl = ss_cache_ttl(c);
    int have_stale = 0, fresh = 0;
    char *v;
    apr_size_t len;
    apr_status_t rv;

    ss_stash_cookie(r, st);
    if (st->cookie_count == 0) {
        return reject(r, st, "none", 0);
    }
    if (st->cookie_count > 1) {
        /* A second cookie of our name is someone planting one (a sibling
         * domain, an injected header): refuse both rather than guess. */
        return reject(r, st, "duplicate", 1);
    }
    if (!c->keys) {
        return reject(r, st, "no-keyring", 0);
    }
    e = sec_session_cookie_parse(r->pool, c->keys, st->cookie_value, &id, &kid);
    if (e != SEC_SC_OK) {
        return reject(r, st, sec_session_cookie_reason(e), 1);
    }
    st->id = id;
    st->ref = sec_session_ref(r->pool, id);
    local = ss_core.local_store();
    shared = ss_core.store(r->server);
    now = apr_time_now();

    rv = sec_store_get(local, r->pool, SEC_SESSION_NS_CACHE, st->ref, &v, &len);
    if (rv == APR_SUCCESS) {
        if (len == 1 && v[0] == NEGATIVE[0]) {
            return reject(r, st, "unknown", 1);
        }
        if (sec_session_cache_decode(r->pool, v, len, &stale) == APR_SUCCESS &&
            stale.validated <= now) {
            have_stale = 1;
            fresh = ttl > 0 && now - stale.validated < ttl;
        }
    }
    if (fresh) {
        rec = stale;
    }
    else {
        memset(&rec, 0, sizeof(rec));
        rv = from_store(r, st, &rec);
        if (rv == APR_NOTFOUND) {
            st->rec.user = rec.user;   /* known for revoked sessions: for the event */
            return reject(r, st, st->reason ? st->reason : "unknown", 1);
        }
        if (rv != APR_SUCCESS) {
            /* The store could not answer: not "no session". */
            if (d->on_store_fail == SS_FAIL_CACHED && have_stale &&
                now - stale.validated <= d->cached_max) {
                rec = stale;
                st->from_stale_cache = 1;
            }
            else {
                ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05012)
                              "session %s: the store did not answer (%s)", st->ref,
                              sec_store_strerror(r->pool, rv));
                st->status = rv;
                st->reason = "store-unavailable";
                return rv;
            }
        }
    }
    switch (sec_session_record_check(&rec, now, ss_idle(d), ss_absolute(d))) {
    case SEC_SR_VALID:
        break;
    case SEC_SR_IDLE:
        st->rec.user = rec.user;
        if (!st->from_stale_cache) {
            drop_shared(r, st->ref);
        }
        return reject(r, st, "expired-idle", 1);
    case SEC_SR_ABSOLUTE:
        st->rec.user = rec.user;
        if (!st->from_stale_cache) {
            drop_shared(r, st->ref);
        }
        return reject(r, st, "expired-absolute", 1);
    }
    /* Last seen, throttled: one write per session per interval, not per
     * request. */
    {
        apr_interval_time_t idle = ss_idle(d) < rec.idle ? ss_idle(d) : rec.idle;
        int wrote = 0;
        if (!st->from_stale_cache && now - rec.seen >= sec_session_seen_interval(idle)) {
            const char *sv = apr_psprintf(r->pool, "%" APR_TIME_T_FMT, now);
            if (sec_store_set(shared, r->pool, SEC_SESSION_NS,
                              apr_pstrcat(r->pool, SEC_SESSION_KEY_SEEN, st->ref, NULL), sv,
                              strlen(sv), sec_session_record_ttl(&rec, now)) == APR_SUCCESS) {
                rec.seen = now;
                wrote = 1;
            }
        }
        if (!st->from_stale_cache && (!fresh || wrote)) {
            cache_put(r, st, &rec);
        }
    }
    st->rec = rec;
    st->status = APR_SUCCESS;
    st->reason = NULL;
    st->info.user = rec.user;
    st->info.roles = rec.roles;
    st->info.ref = st->ref;
    st->info.created = rec.created;
    return APR_SUCCESS;
}

apr_status_t ss_load(request_rec *r, ss_req_t **out)
{
    ss_req_t *st = ss_req(r);

    *out = st;
    if (st->looked) {
        return st->status;
    }
    st->looked = 1;
    if (!ss_core.store) {
        return reject(r, st, "no-seccore", 0);
    }
    validate(r, st);
    if (st->status == APR_SUCCESS) {
        if (st->from_stale_cache) {
            json_t *extra = json_pack("{s:s}", "ref", st->ref);
            char *before = r->user;
            r->user = (char *)st->info.user;     /* the event names whose session */
            ss_event(r, "session.store-unavailable", "allow", "allow-cached", extra);
            r->user = before;
            json_decref(extra);
            ss_metric(r, "secmods_session_checks_total", "result=\"allow_cached\"");
        }
    }
    else if (st->status == APR_NOTFOUND) {
        if (strcmp(st->reason, "none") && strcmp(st->reason, "no-keyring")) {
            json_t *extra = st->ref ? json_pack("{s:s}", "ref", st->ref) : NULL;
            char *before = r->user;
            /* whose session it was, when the record said (an expired one); the
             * request itself stays unauthenticated */
            if (!r->user && st->rec.user) {
                r->user = (char *)st->rec.user;
            }
            ss_event(r, !strncmp(st->reason, "revoked", 7) || !strcmp(st->reason, "ended-revoked")
                            ? "session.revoked" : "session.reject",
                     "deny", st->reason, extra);
            r->user = before;
            json_decref(extra);
            ss_metric(r, "secmods_session_checks_total",
                      apr_psprintf(r->pool, "result=\"%s\"", st->reason));
        }
    }
    else {
        ss_metric(r, "secmods_session_checks_total", "result=\"store_unavailable\"");
    }
    return st->status;
}

/* --- creating and ending ---------------------------------------------------------- */

apr_status_t ss_create(request_rec *r, const char *user, const char *roles, const char *method)
{
    ss_srv_t *c = ss_srv(r->server);
    ss_dir_t *d = ss_dir(r);
    ss_req_t *st = ss_req(r);
    sec_store_t *shared;
    sec_session_record_t rec;
    const char *id, *ref, *cookie, *text;
    apr_time_t now = apr_time_now();
    apr_status_t rv;

    if (!ss_core.store || !c->keys) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05013)
                      "cannot create a session: %s", !c->keys
                      ? "no SecKeyFile for this server (mod_seccore)" : "mod_seccore missing");
        return APR_EGENERAL;
    }
    shared = ss_core.store(r->server);
    memset(&rec, 0, sizeof(rec));
    if ((rv = generation_for_new(r, NULL, &rec.global_gen)) != APR_SUCCESS ||
        (rv = generation_for_new(r, user, &rec.user_gen)) != APR_SUCCESS) {
        return rv;
    }
    /* A generation this server cached as missing may just have been made. */
    sec_store_del(ss_core.local_store(), r->pool, SEC_SESSION_NS_GENCACHE, gen_key(r->pool, NULL));
    sec_store_del(ss_core.local_store(), r->pool, SEC_SESSION_NS_GENCACHE, gen_key(r->pool, user));
    if (!(id = sec_session_id_new(r->pool))) {
        return APR_EGENERAL;
    }
    ref = sec_session_ref(r->pool, id);
    rec.user = user;
    rec.roles = roles ? roles : "";
    rec.created = rec.seen = now;
    rec.kid = c->keys->current->kid;
    rec.ip = r->useragent_ip;
    rec.method = method;
    rec.idle = ss_idle(d);
    rec.absolute = ss_absolute(d);
    text = sec_session_record_encode(r->pool, &rec);
    if (!text) {
        return APR_EINVAL;
    }
    rv = sec_store_set(shared, r->pool, SEC_SESSION_NS,
                       apr_pstrcat(r->pool, SEC_SESSION_KEY_RECORD, ref, NULL), text,
                       strlen(text), sec_session_record_ttl(&rec, now));
    if (rv != APR_SUCCESS) {
        return rv;
    }
    cookie = sec_session_cookie_make(r->pool, c->keys, id);
    {
        ss_req_t tmp = *st;
        tmp.ref = ref;
        rec.validated = now;
        cache_put(r, &tmp, &rec);
    }
    /* The rest of this request, and its response, belong to the new session. */
    st->looked = 1;
    st->status = APR_SUCCESS;
    st->reason = NULL;
    st->id = id;
    st->ref = ref;
    st->rec = rec;
    st->info.user = rec.user;
    st->info.roles = rec.roles;
    st->info.ref = ref;
    st->info.created = rec.created;
    st->expire_cookie = 0;
    st->cookie_written = 0;
    set_cookie(r, st, cookie, c->cookie_persistent == 1
                                  ? (apr_int64_t)apr_time_sec(rec.absolute) : -1);
    return APR_SUCCESS;
}

void ss_end(request_rec *r, const char *how, int everywhere)
{
    sec_store_t *shared;
    ss_req_t *st;

    if (!ss_core.store) {
        return;
    }
    shared = ss_core.store(r->server);
    if (ss_load(r, &st) == APR_SUCCESS) {
        const char *tomb = apr_pstrcat(r->pool, SEC_SESSION_KEY_TOMB, st->ref, NULL);
        /* the reason first, so a server that misses the record can say why */
        sec_store_set(shared, r->pool, SEC_SESSION_NS, tomb, "logout", 6,
                      sec_session_record_ttl(&st->rec, apr_time_now()));
        drop_shared(r, st->ref);
        if (everywhere) {
            ss_bump_user_generation(r, st->info.user);
        }
        st->status = APR_NOTFOUND;
        st->reason = "logged-out";
    }
    if (strcmp(how, "relogin")) {
        /* (a new login replaces the cookie anyway) */
        st->expire_cookie = 1;
        st->cookie_written = 0;
        ss_expire_cookie(r, st);
    }
}
