/* secctl: sessions (mod_secsession) in the store the server uses, and
 * signatures for AuthType SecHMAC callers.
 *
 *   secctl session show REF          the record behind a reference (from the event log)
 *   secctl session revoke REF        end one session
 *   secctl session logout-user USER  end every session of a user
 *   secctl session logout-all        end every session
 *   secctl sign KEYFILE [FILE] [--id KEY] [--timestamp T]   (FILE: default stdin)
 *                                    the X-Timestamp / X-Signature headers for a body
 *
 * The store layout is in include/sec_session.h, shared with the module.
 * Other servers notice within their SecSessionCacheTTL (2 s by default); a
 * server whose store is this machine's shared memory at once for revoke.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_time.h>
#include "sec_store.h"
#include "sec_session.h"
#include "sec_keyring.h"
#include "sec_parse.h"
#include "secctl.h"

static const char *iso(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t x;
    char buf[64];
    apr_size_t n;

    apr_time_exp_gmt(&x, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &x);
    return apr_pstrdup(p, buf);
}

static const char *key(apr_pool_t *p, const char *prefix, const char *ref)
{
    return apr_pstrcat(p, prefix, ref, NULL);
}

static int load(apr_pool_t *p, sec_store_t *st, const char *ref, sec_session_record_t *rec)
{
    char *v;
    apr_size_t len;
    apr_uint64_t seen;
    apr_status_t rv = sec_store_get(st, p, SEC_SESSION_NS, key(p, SEC_SESSION_KEY_RECORD, ref),
                                    &v, &len);

    if (rv == APR_NOTFOUND) {
        fprintf(stderr, "secctl: no session %s (ended, expired or never there)\n", ref);
        return 0;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: store %s: %s\n", st->name, sec_store_strerror(p, rv));
        return 0;
    }
    if (sec_session_record_decode(p, v, len, rec) != APR_SUCCESS) {
        fprintf(stderr, "secctl: session %s: the record is unreadable\n", ref);
        return 0;
    }
    if (sec_store_get(st, p, SEC_SESSION_NS, key(p, SEC_SESSION_KEY_SEEN, ref), &v, &len) ==
            APR_SUCCESS &&
        sec_parse_uint(v, 0, APR_UINT64_MAX, &seen) == APR_SUCCESS && (apr_time_t)seen > rec->seen) {
        rec->seen = (apr_time_t)seen;
    }
    return 1;
}

static int show(apr_pool_t *p, sec_store_t *st, const char *ref)
{
    sec_session_record_t rec;

    if (!load(p, st, ref, &rec)) {
        return 1;
    }
    printf("ref:        %s\n", ref);
    printf("user:       %s\n", rec.user);
    printf("roles:      %s\n", *rec.roles ? rec.roles : "(none)");
    printf("created:    %s\n", iso(p, rec.created));
    printf("last seen:  %s (as last written; servers write it at most once a minute)\n",
           iso(p, rec.seen));
    printf("idle limit: %" APR_TIME_T_FMT " s\n", apr_time_sec(rec.idle));
    printf("expires:    %s at the latest\n", iso(p, rec.created + rec.absolute));
    printf("login:      %s from %s\n", *rec.method ? rec.method : "?", rec.ip ? rec.ip : "?");
    printf("key id:     %s\n", rec.kid);
    return 0;
}

static int revoke_one(apr_pool_t *p, const secctl_opts_t *o, sec_store_t *st, const char *ref)
{
    sec_session_record_t rec;
    apr_status_t rv;
    apr_uint32_t ttl = 86400;

    if (!load(p, st, ref, &rec)) {
        return 1;
    }
    ttl = sec_session_record_ttl(&rec, apr_time_now());
    /* the reason first, so a server that misses the record can say why */
    sec_store_set(st, p, SEC_SESSION_NS, key(p, SEC_SESSION_KEY_TOMB, ref), "revoked", 7, ttl);
    rv = sec_store_del(st, p, SEC_SESSION_NS, key(p, SEC_SESSION_KEY_RECORD, ref));
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        fprintf(stderr, "secctl: revoke %s: %s\n", ref, sec_store_strerror(p, rv));
        return 1;
    }
    sec_store_del(st, p, SEC_SESSION_NS, key(p, SEC_SESSION_KEY_SEEN, ref));
    /* this machine's local cache, when the store is its shared memory */
    sec_store_del(st, p, SEC_SESSION_NS_CACHE, ref);
    secctl_event(p, o, "session.revoke", rec.user, "admin", json_pack("{s:s}", "ref", ref));
    printf("session %s of %s revoked; servers refuse it within their SecSessionCacheTTL "
           "(2 s by default).\n", ref, rec.user);
    return 0;
}

static int bump(apr_pool_t *p, const secctl_opts_t *o, sec_store_t *st, const char *user)
{
    const char *k = user ? apr_pstrcat(p, SEC_SESSION_KEY_USERGEN, user, NULL)
                         : SEC_SESSION_KEY_GLOBALGEN;
    apr_uint64_t n;
    apr_status_t rv = sec_store_incr(st, p, SEC_SESSION_NS, k, 1, 0, &n);

    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: %s: %s\n", user ? "logout-user" : "logout-all",
                sec_store_strerror(p, rv));
        return 1;
    }
    sec_store_del(st, p, SEC_SESSION_NS_GENCACHE, k);
    secctl_event(p, o, user ? "session.logout-user" : "session.logout-all", user, "admin", NULL);
    if (user) {
        printf("every session of %s ends; servers refuse them within their "
               "SecSessionCacheTTL (2 s by default).\n", user);
    }
    else {
        printf("every session ends; servers refuse them within their SecSessionCacheTTL "
               "(2 s by default).\n");
    }
    return 0;
}

int secctl_cmd_session(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *sub = secctl_arg(o, 1), *arg = secctl_arg(o, 2);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "logout-all") && !arg)) {
        secctl_usage(stderr);
        return 2;
    }
    if ((!strcmp(sub, "show") || !strcmp(sub, "revoke")) && !sec_session_ref_valid(arg)) {
        fprintf(stderr, "secctl: %s is not a session reference (22 characters, as the event "
                "log's \"ref\" shows)\n", arg);
        return 2;
    }
    if (!strcmp(sub, "logout-user") && !sec_session_user_valid(arg)) {
        fprintf(stderr, "secctl: not a user name\n");
        return 2;
    }
    if (strcmp(sub, "show") && strcmp(sub, "revoke") && strcmp(sub, "logout-user") &&
        strcmp(sub, "logout-all")) {
        secctl_usage(stderr);
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "show")) return show(p, st, arg);
    if (!strcmp(sub, "revoke")) return revoke_one(p, o, st, arg);
    if (!strcmp(sub, "logout-user")) return bump(p, o, st, arg);
    return bump(p, o, st, NULL);
}

static int read_all(apr_pool_t *p, const char *path, char **data, apr_size_t *len)
{
    apr_file_t *f;
    apr_status_t rv;
    char buf[65536];
    char *out = NULL;
    apr_size_t total = 0;

    if (!path || !strcmp(path, "-")) {
        rv = apr_file_open_stdin(&f, p);
    }
    else {
        rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, APR_OS_DEFAULT, p);
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: cannot read %s\n", path ? path : "stdin");
        return 0;
    }
    for (;;) {
        apr_size_t n = sizeof(buf);
        rv = apr_file_read(f, buf, &n);
        if (n > 0) {
            char *grown = apr_palloc(p, total + n + 1);
            if (total) {
                memcpy(grown, out, total);
            }
            memcpy(grown + total, buf, n);
            out = grown;
            total += n;
        }
        if (rv == APR_EOF) {
            break;
        }
        if (rv != APR_SUCCESS) {
            fprintf(stderr, "secctl: reading %s failed\n", path ? path : "stdin");
            return 0;
        }
    }
    *data = out ? out : "";
    *len = total;
    return 1;
}

int secctl_cmd_sign(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *path = secctl_arg(o, 1), *body_path = secctl_arg(o, 2), *why = NULL;
    const sec_key_t *k;
    sec_keyring_t *kr;
    int perm = 0;
    char *body, *ts;
    apr_size_t len;
    apr_int64_t t;
    sec_buf_t part;
    unsigned char mac[SEC_HMAC_LEN];
    const char *secret;

    if (!path) {
        secctl_usage(stderr);
        return 2;
    }
    if (sec_keyring_load(p, path, &kr, &why, &perm) != APR_SUCCESS) {
        fprintf(stderr, "secctl: %s: %s\n", path, why ? why : "cannot load");
        return 1;
    }
    k = o->id ? sec_keyring_find(kr, o->id, strlen(o->id)) : kr->current;
    if (!k) {
        fprintf(stderr, "secctl: no key %s in %s\n", o->id, path);
        return 1;
    }
    if (o->timestamp) {
        if (sec_hmac_parse_timestamp(o->timestamp, &t) != APR_SUCCESS) {
            fprintf(stderr, "secctl: --timestamp %s: expected Unix seconds\n", o->timestamp);
            return 2;
        }
        ts = apr_psprintf(p, "%" APR_INT64_T_FMT, t);
    }
    else {
        ts = apr_psprintf(p, "%" APR_TIME_T_FMT, apr_time_sec(apr_time_now()));
    }
    if (!read_all(p, body_path, &body, &len)) {
        return 1;
    }
    part.data = body;
    part.len = len;
    secret = sec_hmac_key_text(p, k);
    sec_hmac_sign(secret, strlen(secret), ts, &part, 1, mac);
    printf("X-Timestamp: %s\nX-Signature: %s\nX-Signature-Key: %s\n", ts,
           sec_hmac_signature_string(p, mac), k->id);
    return 0;
}
