/* Cryptographic primitives on OpenSSL's libcrypto; see sec_crypto.h. */
#include <string.h>
#include <pthread.h>
#include <openssl/rand.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <apr_strings.h>
#include "sec_crypto.h"

apr_status_t sec_random_bytes(void *buf, apr_size_t len)
{
    if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1) {
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

char *sec_random_token(apr_pool_t *p, apr_size_t nbytes)
{
    unsigned char *buf = apr_palloc(p, nbytes ? nbytes : 1);
    char *out;

    if (sec_random_bytes(buf, nbytes) != APR_SUCCESS) {
        return NULL;
    }
    out = sec_base64url_encode(p, buf, nbytes);
    sec_cleanse(buf, nbytes);
    return out;
}

void sec_sha256(const void *data, apr_size_t len, unsigned char out[SEC_SHA256_LEN])
{
    unsigned int olen = SEC_SHA256_LEN;
    EVP_Digest(data, len, out, &olen, EVP_sha256(), NULL);
}

/* EVP_MAC is OpenSSL 3's non-deprecated HMAC interface. Fetching the
 * algorithm is the expensive part, so it is done once per process; the
 * fetched object is immutable and safe to share between threads. */
static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
    hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static EVP_MAC *hmac_algorithm(void)
{
    pthread_once(&hmac_once, hmac_fetch);
    return hmac_alg;
}

void sec_hmac_sha256(const void *key, apr_size_t keylen, const sec_buf_t *parts, int nparts,
                     unsigned char out[SEC_HMAC_LEN])
{
    EVP_MAC *mac = hmac_algorithm();
    EVP_MAC_CTX *ctx;
    OSSL_PARAM params[2];
    size_t olen = 0;
    int i;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    if (!ctx || !EVP_MAC_init(ctx, key, keylen, params)) {
        /* Never leave a predictable MAC behind: a random one verifies nothing. */
        RAND_bytes(out, SEC_HMAC_LEN);
        EVP_MAC_CTX_free(ctx);
        return;
    }
    for (i = 0; i < nparts; i++) {
        EVP_MAC_update(ctx, parts[i].data, parts[i].len);
    }
    EVP_MAC_final(ctx, out, &olen, SEC_HMAC_LEN);
    EVP_MAC_CTX_free(ctx);
}

void sec_derive_key(const void *master, apr_size_t masterlen, const char *purpose,
                    unsigned char out[SEC_HMAC_LEN])
{
    sec_buf_t parts[2];

    parts[0].data = "secmods/";
    parts[0].len = 8;
    parts[1].data = purpose;
    parts[1].len = strlen(purpose);
    sec_hmac_sha256(master, masterlen, parts, 2, out);
}

int sec_ct_equal(const void *a, const void *b, apr_size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

void sec_cleanse(void *p, apr_size_t len)
{
    OPENSSL_cleanse(p, len);
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *sec_base64url_encode(apr_pool_t *p, const void *data, apr_size_t len)
{
    const unsigned char *in = data;
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1), *o = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = b64url[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *o++ = b64url[in[i + 2] & 63];
    }
    if (len - i == 1) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[(in[i] & 3) << 4];
    }
    else if (len - i == 2) {
        *o++ = b64url[in[i] >> 2];
        *o++ = b64url[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *o++ = b64url[(in[i + 1] & 15) << 2];
    }
    *o = '\0';
    return out;
}

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

apr_status_t sec_base64url_decode(apr_pool_t *p, const char *s, apr_size_t slen,
                                  unsigned char **out, apr_size_t *outlen)
{
    unsigned char *buf, *o;
    apr_size_t i, rem = slen % 4;
    int v[4];

    if (rem == 1) {
        return APR_EINVAL;
    }
    buf = o = apr_palloc(p, slen / 4 * 3 + 3);
    for (i = 0; i + 3 < slen; i += 4) {
        int k;
        for (k = 0; k < 4; k++) {
            if ((v[k] = b64url_value((unsigned char)s[i + k])) < 0) {
                return APR_EINVAL;
            }
        }
        *o++ = (unsigned char)((v[0] << 2) | (v[1] >> 4));
        *o++ = (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2));
        *o++ = (unsigned char)(((v[2] & 3) << 6) | v[3]);
    }
    if (rem) {
        int k;
        for (k = 0; k < (int)rem; k++) {
            if ((v[k] = b64url_value((unsigned char)s[i + k])) < 0) {
                return APR_EINVAL;
            }
        }
        *o++ = (unsigned char)((v[0] << 2) | (v[1] >> 4));
        if (rem == 2) {
            if (v[1] & 15) {
                return APR_EINVAL;   /* non-canonical: stray low bits */
            }
        }
        else {
            *o++ = (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2));
            if (v[2] & 3) {
                return APR_EINVAL;
            }
        }
    }
    *o = '\0';
    *out = buf;
    *outlen = (apr_size_t)(o - buf);
    return APR_SUCCESS;
}

char *sec_hex(apr_pool_t *p, const unsigned char *data, apr_size_t len)
{
    static const char hx[] = "0123456789abcdef";
    char *out = apr_palloc(p, len * 2 + 1);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hx[data[i] >> 4];
        out[2 * i + 1] = hx[data[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}

/* SipHash-2-4 (Aumasson & Bernstein): a keyed hash for hash tables whose keys
 * an attacker influences. Not a MAC for anything that leaves the process. */
#define ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                               \
    do {                                                                       \
        v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);          \
        v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;                               \
        v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;                               \
        v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);          \
    } while (0)

static apr_uint64_t load_le64(const unsigned char *p)
{
    return (apr_uint64_t)p[0] | (apr_uint64_t)p[1] << 8 | (apr_uint64_t)p[2] << 16 |
           (apr_uint64_t)p[3] << 24 | (apr_uint64_t)p[4] << 32 | (apr_uint64_t)p[5] << 40 |
           (apr_uint64_t)p[6] << 48 | (apr_uint64_t)p[7] << 56;
}

apr_uint64_t sec_siphash24(const unsigned char key[16], const void *data, apr_size_t len)
{
    const unsigned char *in = data, *end = in + (len - len % 8);
    apr_uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    apr_uint64_t v0 = k0 ^ APR_UINT64_C(0x736f6d6570736575);
    apr_uint64_t v1 = k1 ^ APR_UINT64_C(0x646f72616e646f6d);
    apr_uint64_t v2 = k0 ^ APR_UINT64_C(0x6c7967656e657261);
    apr_uint64_t v3 = k1 ^ APR_UINT64_C(0x7465646279746573);
    apr_uint64_t b = (apr_uint64_t)len << 56, m;
    int left = (int)(len & 7);

    for (; in != end; in += 8) {
        m = load_le64(in);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    switch (left) {
    case 7: b |= (apr_uint64_t)in[6] << 48; /* fall through */
    case 6: b |= (apr_uint64_t)in[5] << 40; /* fall through */
    case 5: b |= (apr_uint64_t)in[4] << 32; /* fall through */
    case 4: b |= (apr_uint64_t)in[3] << 24; /* fall through */
    case 3: b |= (apr_uint64_t)in[2] << 16; /* fall through */
    case 2: b |= (apr_uint64_t)in[1] << 8;  /* fall through */
    case 1: b |= (apr_uint64_t)in[0]; break;
    default: break;
    }
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}
