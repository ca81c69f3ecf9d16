/* Session cookie values: "1.<kid>.<id>.<mac>" (see sec_session.h), the
 * per-purpose keys that MAC them, and session references. */
#include <string.h>
#include <apr_strings.h>
#include "sec_session.h"

#define COOKIE_VERSION "1"
#define REF_PREFIX "secmods-session-ref:"
#define ID_LEN 43      /* base64url of 32 bytes, no padding */
#define MAC_LEN 43

static apr_status_t wipe_keys(void *data)
{
    sec_session_keys_t *ks = data;
    int i;

    for (i = 0; i < ks->keys->nelts; i++) {
        sec_session_key_t *k = &APR_ARRAY_IDX(ks->keys, i, sec_session_key_t);
        sec_cleanse(k->key, sizeof(k->key));
    }
    return APR_SUCCESS;
}

sec_session_keys_t *sec_session_keys_make(apr_pool_t *p, const sec_keyring_t *kr,
                                          const char *purpose)
{
    sec_session_keys_t *ks;
    int i;

    if (!kr || !kr->keys || kr->keys->nelts == 0) {
        return NULL;
    }
    ks = apr_pcalloc(p, sizeof(*ks));
    ks->keys = apr_array_make(p, kr->keys->nelts, sizeof(sec_session_key_t));
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *k = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        sec_session_key_t *d = apr_array_push(ks->keys);
        d->kid = apr_pstrdup(p, k->id);
        sec_derive_key(k->secret, k->len, purpose, d->key);
    }
    apr_pool_cleanup_register(p, ks, wipe_keys, apr_pool_cleanup_null);
    for (i = 0; i < ks->keys->nelts; i++) {
        const sec_session_key_t *d = &APR_ARRAY_IDX(ks->keys, i, sec_session_key_t);
        if (kr->current && !strcmp(d->kid, kr->current->id)) {
            ks->current = d;
        }
    }
    if (!ks->current) {
        ks->current = &APR_ARRAY_IDX(ks->keys, 0, sec_session_key_t);
    }
    return ks;
}

const sec_session_key_t *sec_session_keys_find(const sec_session_keys_t *ks, const char *kid,
                                               apr_size_t len)
{
    int i;

    if (!ks) {
        return NULL;
    }
    for (i = 0; i < ks->keys->nelts; i++) {
        const sec_session_key_t *k = &APR_ARRAY_IDX(ks->keys, i, sec_session_key_t);
        if (strlen(k->kid) == len && !memcmp(k->kid, kid, len)) {
            return k;
        }
    }
    return NULL;
}

char *sec_session_id_new(apr_pool_t *p)
{
    return sec_random_token(p, SEC_SESSION_ID_BYTES);
}

static void cookie_mac(const sec_session_key_t *k, const char *signed_part, apr_size_t len,
                       unsigned char mac[SEC_HMAC_LEN])
{
    sec_buf_t part;

    part.data = signed_part;
    part.len = len;
    sec_hmac_sha256(k->key, sizeof(k->key), &part, 1, mac);
}

char *sec_session_cookie_make(apr_pool_t *p, const sec_session_keys_t *ks, const char *id)
{
    unsigned char mac[SEC_HMAC_LEN];
    char *signed_part;

    if (!ks || !ks->current || !id) {
        return NULL;
    }
    signed_part = apr_pstrcat(p, COOKIE_VERSION ".", ks->current->kid, ".", id, NULL);
    cookie_mac(ks->current, signed_part, strlen(signed_part), mac);
    return apr_pstrcat(p, signed_part, ".", sec_base64url_encode(p, mac, sizeof(mac)), NULL);
}

static int is_b64url(const char *s, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_')) {
            return 0;
        }
    }
    return 1;
}

sec_session_cookie_e sec_session_cookie_parse(apr_pool_t *p, const sec_session_keys_t *ks,
                                              const char *value, const char **id,
                                              const char **kid)
{
    const char *d1, *d2, *d3, *end;
    apr_size_t kidlen, total;
    const sec_session_key_t *k;
    unsigned char want[SEC_HMAC_LEN], *got;
    apr_size_t gotlen;

    if (!value) {
        return SEC_SC_MALFORMED;
    }
    total = strnlen(value, SEC_SESSION_COOKIE_MAX + 1);
    if (total > SEC_SESSION_COOKIE_MAX) {
        return SEC_SC_MALFORMED;
    }
    end = value + total;
    /* "1." version */
    if (total < 2 || value[0] != '1' || value[1] != '.') {
        return SEC_SC_MALFORMED;
    }
    d1 = value + 1;
    d2 = memchr(d1 + 1, '.', (apr_size_t)(end - d1 - 1));
    if (!d2) {
        return SEC_SC_MALFORMED;
    }
    d3 = memchr(d2 + 1, '.', (apr_size_t)(end - d2 - 1));
    if (!d3) {
        return SEC_SC_MALFORMED;
    }
    kidlen = (apr_size_t)(d2 - d1 - 1);
    if (!sec_keyring_id_valid(d1 + 1, kidlen) ||
        (apr_size_t)(d3 - d2 - 1) != ID_LEN || !is_b64url(d2 + 1, ID_LEN) ||
        (apr_size_t)(end - d3 - 1) != MAC_LEN) {
        return SEC_SC_MALFORMED;
    }
    if (sec_base64url_decode(p, d3 + 1, MAC_LEN, &got, &gotlen) != APR_SUCCESS ||
        gotlen != SEC_HMAC_LEN) {
        return SEC_SC_MALFORMED;
    }
    k = sec_session_keys_find(ks, d1 + 1, kidlen);
    if (!k) {
        return SEC_SC_UNKNOWN_KEY;
    }
    cookie_mac(k, value, (apr_size_t)(d3 - value), want);
    if (!sec_ct_equal(want, got, SEC_HMAC_LEN)) {
        return SEC_SC_BAD_MAC;
    }
    /* The id's base64url must be canonical too: a second spelling of the
     * same bytes would be a second session reference. */
    {
        unsigned char *raw;
        apr_size_t rawlen;
        if (sec_base64url_decode(p, d2 + 1, ID_LEN, &raw, &rawlen) != APR_SUCCESS ||
            rawlen != SEC_SESSION_ID_BYTES) {
            return SEC_SC_MALFORMED;
        }
    }
    *id = apr_pstrmemdup(p, d2 + 1, ID_LEN);
    *kid = apr_pstrmemdup(p, d1 + 1, kidlen);
    return SEC_SC_OK;
}

const char *sec_session_cookie_reason(sec_session_cookie_e e)
{
    switch (e) {
    case SEC_SC_OK: return "ok";
    case SEC_SC_MALFORMED: return "malformed";
    case SEC_SC_UNKNOWN_KEY: return "unknown-key";
    case SEC_SC_BAD_MAC: return "bad-mac";
    }
    return "malformed";
}

char *sec_session_ref(apr_pool_t *p, const char *id)
{
    unsigned char d[SEC_SHA256_LEN];
    apr_size_t plen = sizeof(REF_PREFIX) - 1, idlen = strlen(id);
    char *buf = apr_palloc(p, plen + idlen);

    memcpy(buf, REF_PREFIX, plen);
    memcpy(buf + plen, id, idlen);
    sec_sha256(buf, plen + idlen, d);
    /* 16 bytes: 128 bits, unique among sessions, short in logs. */
    return sec_base64url_encode(p, d, 16);
}

int sec_session_ref_valid(const char *ref)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *last;

    if (!ref || strnlen(ref, SEC_SESSION_REF_LEN + 1) != SEC_SESSION_REF_LEN ||
        !is_b64url(ref, SEC_SESSION_REF_LEN)) {
        return 0;
    }
    /* 16 bytes in 22 characters: the last one carries 2 bits, the other 4
     * must be zero for the one canonical spelling. */
    last = strchr(alphabet, ref[SEC_SESSION_REF_LEN - 1]);
    return last && ((last - alphabet) & 15) == 0;
}
