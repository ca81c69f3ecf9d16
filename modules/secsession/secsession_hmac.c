/* AuthType SecHMAC: requests signed by another service (webhooks, workers).
 *
 *     X-Timestamp: 1700000000
 *     X-Signature: base64(HMAC-SHA256(key, "1700000000:" + body))
 *     X-Signature-Key: partner1          (optional: which key; else any)
 *
 * The signature covers the body, so the body is read here, in the
 * authentication phase, into memory (bounded by SecHMACMaxBody: more is
 * 413) by mod_seccore's seccore_body_read, which hands it back to the
 * handler: the handler, a CGI or a proxied backend sees the body exactly as
 * sent, with a Content-Length (a chunked request is de-chunked, which
 * legacy PHP needs anyway).
 *
 * Checks, cheapest first, so a bad request costs no body read and no store
 * lookup: headers present, timestamp well-formed and inside the window,
 * origin allowed, signature well-formed; then the body, the MAC (constant
 * time), and the replay check (the MAC's digest added to the store for the
 * window's length: a second use is refused). */
#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>
#include "secsession.h"
#include "sec_origin.h"
#include "sec_log.h"

APLOG_USE_MODULE(secsession);

static int deny(request_rec *r, int status, const char *code, const char *message,
                const char *reason)
{
    ss_event(r, "hmac.deny", "deny", reason, NULL);
    ss_metric(r, "secmods_hmac_requests_total", apr_psprintf(r->pool, "outcome=\"%s\"", reason));
    if (status == HTTP_UNAUTHORIZED) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", SS_HMAC_AUTH_TYPE);
    }
    return ss_core.error(r, SS_MODULE_NAME, status, code, message, NULL);
}

/* The body's pieces as seccore reads them ahead (valid as long as r). */
typedef struct {
    apr_array_header_t *parts;   /* of sec_buf_t */
    apr_off_t total;
} body_parts_t;

static int collect(void *baton, const char *data, apr_size_t len)
{
    body_parts_t *bp = baton;
    sec_buf_t *b = apr_array_push(bp->parts);

    b->data = data;
    b->len = len;
    bp->total += (apr_off_t)len;
    return 1;
}

/* Reads the whole body ahead: OK, or the status to answer. */
static int read_body(request_rec *r, apr_off_t max, body_parts_t *bp)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    int complete = 0, rc;

    if (cl) {
        apr_off_t n;
        char *end;
        if (apr_strtoff(&n, cl, &end, 10) == APR_SUCCESS && !*end && n > max) {
            return HTTP_REQUEST_ENTITY_TOO_LARGE;   /* refused before reading a byte */
        }
    }
    bp->parts = apr_array_make(r->pool, 8, sizeof(sec_buf_t));
    bp->total = 0;
    if (!ss_core.body_read) {
        return HTTP_SERVICE_UNAVAILABLE;   /* never: mod_seccore is checked at start-up */
    }
    /* One byte more than allowed tells "too large" from "exactly max". */
    rc = ss_core.body_read(r, max + 1, collect, bp, &complete);
    if (rc != OK) {
        return rc;
    }
    return complete && bp->total <= max ? OK : HTTP_REQUEST_ENTITY_TOO_LARGE;
}

/* The MAC of "<ts>:" + body under key. */
static void body_mac(const char *key, const char *ts, const body_parts_t *bp,
                     unsigned char mac[SEC_HMAC_LEN])
{
    sec_hmac_sign(key, strlen(key), ts, (const sec_buf_t *)bp->parts->elts, bp->parts->nelts,
                  mac);
}

int ss_hmac_authn(request_rec *r)
{
    ss_dir_t *d = ss_dir(r);
    ss_srv_t *c = ss_srv(r->server);
    const char *sig_h = d->hmac_sig ? d->hmac_sig : SS_DEFAULT_HMAC_SIG;
    const char *ts_h = d->hmac_ts ? d->hmac_ts : SS_DEFAULT_HMAC_TS;
    const char *kid_h = d->hmac_kid ? d->hmac_kid : SS_DEFAULT_HMAC_KID;
    apr_int64_t max_age = d->hmac_max_age > 0 ? d->hmac_max_age : SS_DEFAULT_HMAC_MAX_AGE;
    apr_int64_t skew = d->hmac_skew >= 0 ? d->hmac_skew : SS_DEFAULT_HMAC_SKEW;
    apr_off_t max_body = d->hmac_max_body >= 0 ? d->hmac_max_body : SS_DEFAULT_HMAC_MAX_BODY;
    const char *sig, *ts, *kid;
    const sec_key_t *matched = NULL;
    unsigned char want[SEC_HMAC_LEN], got[SEC_HMAC_LEN];
    body_parts_t body;
    apr_int64_t t;
    int rc, i;

    if (!ss_core.store) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (r->main || r->prev) {
        /* the request the client sent was checked; its body is already read */
        request_rec *top = seccore_initial_request(r);
        if (top->user && top->ap_auth_type && !strcmp(top->ap_auth_type, SS_HMAC_AUTH_TYPE)) {
            r->user = top->user;
            r->ap_auth_type = top->ap_auth_type;
            return OK;
        }
    }
    if (!c->hmac_keyring) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SECLOGNO(05030)
                      "AuthType SecHMAC on %s, but no SecHMACKeyFile for this server", r->uri);
        return ss_core.error(r, SS_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "HMAC_NOT_CONFIGURED",
                             "Signed requests are not configured on this server.", NULL);
    }
    sig = apr_table_get(r->headers_in, sig_h);
    ts = apr_table_get(r->headers_in, ts_h);
    if (!sig || !ts) {
        return deny(r, HTTP_UNAUTHORIZED, "SIGNATURE_MISSING",
                    apr_psprintf(r->pool, "The %s and %s headers are required.", sig_h, ts_h),
                    "missing");
    }
    if (sec_hmac_parse_timestamp(ts, &t) != APR_SUCCESS) {
        return deny(r, HTTP_UNAUTHORIZED, "TIMESTAMP_INVALID",
                    apr_psprintf(r->pool, "%s must be Unix time in seconds.", ts_h),
                    "bad-timestamp");
    }
    switch (sec_hmac_check_time(t, apr_time_sec(apr_time_now()), max_age, skew)) {
    case SEC_HMAC_TIME_EXPIRED:
        return deny(r, HTTP_UNAUTHORIZED, "TIMESTAMP_EXPIRED",
                    "The signature is too old.", "expired");
    case SEC_HMAC_TIME_FUTURE:
        return deny(r, HTTP_UNAUTHORIZED, "TIMESTAMP_FUTURE",
                    "The timestamp is in the future (check the sender's clock).", "future");
    case SEC_HMAC_TIME_OK:
        break;
    }
    if (d->hmac_origins) {
        const char *origin = apr_table_get(r->headers_in, "Origin");
        sec_origin_t o;
        if (!origin || sec_origin_parse(r->pool, origin, &o) != APR_SUCCESS ||
            !sec_origin_list_match(d->hmac_origins, &o)) {
            return deny(r, HTTP_FORBIDDEN, "ORIGIN_NOT_ALLOWED",
                        "Requests from this origin are not accepted here.", "origin");
        }
    }
    if (sec_hmac_parse_signature(sig, got) != APR_SUCCESS) {
        return deny(r, HTTP_UNAUTHORIZED, "SIGNATURE_INVALID", "The signature does not match.",
                    "malformed-signature");
    }
    kid = apr_table_get(r->headers_in, kid_h);
    if (kid && !sec_keyring_find(c->hmac_keyring, kid, strlen(kid))) {
        return deny(r, HTTP_UNAUTHORIZED, "SIGNATURE_INVALID", "The signature does not match.",
                    "unknown-key");
    }
    if ((rc = read_body(r, max_body, &body)) != OK) {
        if (rc == HTTP_REQUEST_ENTITY_TOO_LARGE) {
            return deny(r, rc, "BODY_TOO_LARGE",
                        apr_psprintf(r->pool, "Signed bodies are limited to %" APR_OFF_T_FMT
                                     " bytes here.", max_body), "too-large");
        }
        return deny(r, rc, "BAD_REQUEST", "The request body could not be read.", "body");
    }
    for (i = 0; i < c->hmac_keyring->keys->nelts && !matched; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(c->hmac_keyring->keys, i, sec_key_t);
        if (kid && strcmp(kid, k->id)) {
            continue;
        }
        body_mac(sec_hmac_key_text(r->pool, k), ts, &body, want);
        if (sec_ct_equal(want, got, SEC_HMAC_LEN)) {
            matched = k;
        }
    }
    sec_cleanse(want, sizeof(want));
    if (!matched) {
        return deny(r, HTTP_UNAUTHORIZED, "SIGNATURE_INVALID", "The signature does not match.",
                    "bad-signature");
    }
    /* Replay: a valid signature works once inside its window. */
    {
        unsigned char dg[SEC_SHA256_LEN];
        apr_status_t rv;
        sec_sha256(got, sizeof(got), dg);
        rv = sec_store_add(ss_core.store(r->server), r->pool, SEC_HMAC_NS,
                           sec_base64url_encode(r->pool, dg, sizeof(dg)), "1", 1,
                           (apr_uint32_t)(max_age + skew + 1));
        if (rv == SEC_STORE_EEXISTS) {
            return deny(r, HTTP_UNAUTHORIZED, "SIGNATURE_REPLAYED",
                        "This signature has been used already.", "replay");
        }
        if (rv != APR_SUCCESS) {
            if (d->hmac_on_store_fail != SS_FAIL_ALLOW) {
                ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05031)
                              "SecHMAC: the replay check could not reach the store (%s); "
                              "refused (SecHMACOnStoreFail deny)",
                              sec_store_strerror(r->pool, rv));
                ss_event(r, "hmac.deny", "error", "store-unavailable", NULL);
                apr_table_setn(r->err_headers_out, "Retry-After", "5");
                return ss_core.error(r, SS_MODULE_NAME, HTTP_SERVICE_UNAVAILABLE, "STORE_UNAVAILABLE",
                                     "Signed requests cannot be checked right now. Try again "
                                     "shortly.", NULL);
            }
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SECLOGNO(05032)
                          "SecHMAC: the replay check could not reach the store (%s); "
                          "accepted without it (SecHMACOnStoreFail allow)",
                          sec_store_strerror(r->pool, rv));
            ss_event(r, "hmac.replay-unchecked", "allow", "store-unavailable", NULL);
        }
    }
    r->user = apr_pstrdup(r->pool, matched->id);
    r->ap_auth_type = (char *)SS_HMAC_AUTH_TYPE;
    apr_table_setn(r->subprocess_env, SS_ENV_HMAC_KEY, r->user);
    ss_metric(r, "secmods_hmac_requests_total", "outcome=\"accepted\"");
    /* seccore hands the body to the handler, with its Content-Length. */
    return OK;
}

