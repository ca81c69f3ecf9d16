/* Cryptographic primitives on OpenSSL's libcrypto; see sec_crypto.h. */
#include <string.h>
#include <pthread.h>
#include <openssl/rand.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <apr_strings.h>
#include "sec_crypto.h"

/* --- the CSPRNG ---------------------------------------------------------------
 *
 * RAND_bytes costs about 6,700 instructions per call whatever the size (the
 * DRBG's locking and reseed checks), more than the rest of a request id. So
 * small requests are served from a per-thread buffer of CSPRNG output,
 * refilled with one RAND_bytes call; bytes are wiped as they are handed out.
 * A forked child must never hand out its parent's next bytes: the atfork
 * handler forgets the buffer of the forking thread, the only thread a child
 * has. (The state is __thread, not pthread_key: the core library lives in
 * each module's DSO, which httpd unloads at a restart; a key's destructor
 * would then point into unmapped code. glibc drops a DSO's atfork handlers
 * when it is unloaded.)
 */
#define RAND_BUF 512
#define RAND_BUFFERED_MAX 64   /* larger requests go to RAND_bytes directly */

static __thread unsigned char rand_buf[RAND_BUF];
static __thread apr_size_t rand_used = RAND_BUF;
static pthread_once_t rand_once = PTHREAD_ONCE_INIT;

static void rand_forget(void)
{
    OPENSSL_cleanse(rand_buf, sizeof(rand_buf));
    rand_used = RAND_BUF;
}

static void rand_register_atfork(void)
{
    pthread_atfork(NULL, NULL, rand_forget);
}

apr_status_t sec_random_bytes(void *buf, apr_size_t len)
{
    if (len > RAND_BUFFERED_MAX) {
        if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1) {
            return APR_EGENERAL;
        }
        return APR_SUCCESS;
    }
    pthread_once(&rand_once, rand_register_atfork);
    if (RAND_BUF - rand_used < len) {
        if (RAND_bytes(rand_buf, RAND_BUF) != 1) {
            rand_forget();
            return APR_EGENERAL;
        }
        rand_used = 0;
    }
    memcpy(buf, rand_buf + rand_used, len);
    OPENSSL_cleanse(rand_buf + rand_used, len);
    rand_used += len;
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

/* --- SHA-256 and HMAC ----------------------------------------------------------
 *
 * OpenSSL 3's one-shot EVP_Digest fetches the algorithm and allocates a
 * context on every call (5,800 instructions for a short key, half of it
 * overhead), and a fresh EVP_MAC context per HMAC costs 17,900. Both run on
 * every request (store keys, rate-limit keys, cookie MACs), so the digest is
 * fetched once per process and each thread reuses one context for its life
 * (never freed: see the CSPRNG note on __thread). HMAC is RFC 2104 on that
 * context; the unit tests check it against RFC 4231.
 */
static EVP_MD *sha256_md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static __thread EVP_MD_CTX *md_ctx;

static void md_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* Starts a SHA-256 on this thread's context; NULL when OpenSSL can't. */
static EVP_MD_CTX *sha256_begin(void)
{
    pthread_once(&md_once, md_fetch);
    if (!md_ctx) {
        md_ctx = EVP_MD_CTX_new();
    }
    if (!sha256_md || !md_ctx || EVP_DigestInit_ex2(md_ctx, sha256_md, NULL) != 1) {
        return NULL;
    }
    return md_ctx;
}

static int sha256_end(EVP_MD_CTX *ctx, unsigned char out[SEC_SHA256_LEN])
{
    unsigned int olen = SEC_SHA256_LEN;
    return EVP_DigestFinal_ex(ctx, out, &olen) == 1;
}

void sec_sha256(const void *data, apr_size_t len, unsigned char out[SEC_SHA256_LEN])
{
    EVP_MD_CTX *ctx = sha256_begin();

    if (!ctx || EVP_DigestUpdate(ctx, data, len) != 1 || !sha256_end(ctx, out)) {
        /* never a digest that collides with every other failure */
        unsigned int olen = SEC_SHA256_LEN;
        EVP_Digest(data, len, out, &olen, EVP_sha256(), NULL);
    }
}

#define SHA256_BLOCK 64

void sec_hmac_sha256(const void *key, apr_size_t keylen, const sec_buf_t *parts, int nparts,
                     unsigned char out[SEC_HMAC_LEN])
{
    unsigned char k0[SHA256_BLOCK], pad[SHA256_BLOCK], inner[SEC_SHA256_LEN];
    EVP_MD_CTX *ctx;
    int i, ok;

    /* K0: the key, or its digest when longer than a block, zero-padded. */
    memset(k0, 0, sizeof(k0));
    if (keylen > SHA256_BLOCK) {
        sec_sha256(key, keylen, k0);
    }
    else if (keylen) {
        memcpy(k0, key, keylen);
    }
    for (i = 0; i < SHA256_BLOCK; i++) {
        pad[i] = k0[i] ^ 0x36;
    }
    ok = (ctx = sha256_begin()) != NULL && EVP_DigestUpdate(ctx, pad, SHA256_BLOCK) == 1;
    for (i = 0; ok && i < nparts; i++) {
        ok = EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) == 1;
    }
    ok = ok && sha256_end(ctx, inner);
    for (i = 0; i < SHA256_BLOCK; i++) {
        pad[i] = k0[i] ^ 0x5c;
    }
    ok = ok && (ctx = sha256_begin()) != NULL && EVP_DigestUpdate(ctx, pad, SHA256_BLOCK) == 1 &&
         EVP_DigestUpdate(ctx, inner, sizeof(inner)) == 1 && sha256_end(ctx, out);
    OPENSSL_cleanse(k0, sizeof(k0));
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(inner, sizeof(inner));
    if (!ok) {
        /* Never leave a predictable MAC behind: a random one verifies nothing. */
        RAND_bytes(out, SEC_HMAC_LEN);
    }
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
