/* Service-to-service request signatures:
 *     X-Timestamp: <Unix seconds>
 *     X-Signature: base64(HMAC-SHA256(key, "<timestamp>:<body>"))
 * Parsing the two headers (attacker input) and computing the MAC. */
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "sec_session.h"

apr_status_t sec_hmac_parse_timestamp(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    apr_size_t i, len;

    if (!s) {
        return APR_EINVAL;
    }
    len = strnlen(s, SEC_HMAC_TS_DIGITS_MAX + 1);
    if (len == 0 || len > SEC_HMAC_TS_DIGITS_MAX) {
        return APR_EINVAL;
    }
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return APR_EINVAL;
        }
        v = v * 10 + (s[i] - '0');   /* 12 digits cannot overflow */
    }
    *out = v;
    return APR_SUCCESS;
}

sec_hmac_time_e sec_hmac_check_time(apr_int64_t ts, apr_int64_t now, apr_int64_t max_age,
                                    apr_int64_t skew)
{
    if (ts > now + skew) {
        return SEC_HMAC_TIME_FUTURE;
    }
    if (ts < now - max_age) {
        return SEC_HMAC_TIME_EXPIRED;
    }
    return SEC_HMAC_TIME_OK;
}

static int b64value(char c, int *std, int *url)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '/') { *std = 1; return c == '+' ? 62 : 63; }
    if (c == '-' || c == '_') { *url = 1; return c == '-' ? 62 : 63; }
    return -1;
}

apr_status_t sec_hmac_parse_signature(const char *s, unsigned char mac[SEC_HMAC_LEN])
{
    apr_size_t len, i;
    apr_uint32_t acc = 0;
    int bits = 0, std = 0, url = 0, o = 0;

    if (!s) {
        return APR_EINVAL;
    }
    len = strnlen(s, 45);
    /* 32 bytes: 43 characters, plus one '=' when padded */
    if (!(len == 43 || (len == 44 && s[43] == '='))) {
        return APR_EINVAL;
    }
    for (i = 0; i < 43; i++) {
        int v = b64value(s[i], &std, &url);
        if (v < 0) {
            return APR_EINVAL;
        }
        acc = (acc << 6) | (apr_uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            mac[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* one alphabet, not a mix; and the 2 bits left over must be zero (the one
     * canonical spelling) */
    if ((std && url) || acc != 0 || o != SEC_HMAC_LEN) {
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

void sec_hmac_sign(const void *key, apr_size_t keylen, const char *ts, const sec_buf_t *body,
                   int nbody, unsigned char mac[SEC_HMAC_LEN])
{
    sec_buf_t small[8], *parts = small;
    int i, n = nbody + 2;

    if (n > (int)(sizeof(small) / sizeof(small[0]))) {
        parts = malloc(sizeof(*parts) * (apr_size_t)n);
        if (!parts) {
            /* unverifiable rather than predictable */
            sec_random_bytes(mac, SEC_HMAC_LEN);
            return;
        }
    }
    parts[0].data = ts;
    parts[0].len = strlen(ts);
    parts[1].data = ":";
    parts[1].len = 1;
    for (i = 0; i < nbody; i++) {
        parts[i + 2] = body[i];
    }
    sec_hmac_sha256(key, keylen, parts, n, mac);
    if (parts != small) {
        free(parts);
    }
}

char *sec_hmac_signature_string(apr_pool_t *p, const unsigned char mac[SEC_HMAC_LEN])
{
    char *s = sec_base64url_encode(p, mac, SEC_HMAC_LEN), *c;

    for (c = s; *c; c++) {
        if (*c == '-') *c = '+';
        else if (*c == '_') *c = '/';
    }
    return apr_pstrcat(p, s, "=", NULL);
}

const char *sec_hmac_key_text(apr_pool_t *p, const sec_key_t *k)
{
    return sec_base64url_encode(p, k->secret, k->len);
}
