/* Cryptographic primitives, all from OpenSSL's libcrypto: CSPRNG, SHA-256,
 * HMAC-SHA256, key derivation, constant-time comparison, base64url. */
#ifndef SEC_CRYPTO_H
#define SEC_CRYPTO_H

#include <apr_pools.h>

#define SEC_SHA256_LEN 32
#define SEC_HMAC_LEN 32

/* Fill buf from the CSPRNG (RAND_bytes). Fails rather than return weak bytes. */
apr_status_t sec_random_bytes(void *buf, apr_size_t len);

/* nbytes of CSPRNG output as base64url without padding (NULL on RNG failure). */
char *sec_random_token(apr_pool_t *p, apr_size_t nbytes);

void sec_sha256(const void *data, apr_size_t len, unsigned char out[SEC_SHA256_LEN]);

/* HMAC-SHA256 over the concatenation of n (ptr, len) parts. */
typedef struct { const void *data; apr_size_t len; } sec_buf_t;
void sec_hmac_sha256(const void *key, apr_size_t keylen, const sec_buf_t *parts, int nparts,
                     unsigned char out[SEC_HMAC_LEN]);

/* A per-purpose key: HMAC-SHA256(master, "secmods/" purpose), so one keyring
 * key never signs two kinds of thing with the same bytes. */
void sec_derive_key(const void *master, apr_size_t masterlen, const char *purpose,
                    unsigned char out[SEC_HMAC_LEN]);

/* Constant-time equality (CRYPTO_memcmp); 1 when equal. */
int sec_ct_equal(const void *a, const void *b, apr_size_t len);

/* Wipe memory that held key material. */
void sec_cleanse(void *p, apr_size_t len);

/* base64url (RFC 4648 section 5) without padding. */
char *sec_base64url_encode(apr_pool_t *p, const void *data, apr_size_t len);
/* Strict decoder: rejects padding, whitespace, bad characters and non-canonical
 * trailing bits. *out is NUL-terminated for convenience. */
apr_status_t sec_base64url_decode(apr_pool_t *p, const char *s, apr_size_t slen,
                                  unsigned char **out, apr_size_t *outlen);

/* SipHash-2-4 of data under a 16-byte key: hash-table keys an attacker
 * influences can't be aimed at one bucket without the key. */
apr_uint64_t sec_siphash24(const unsigned char key[16], const void *data, apr_size_t len);

/* Lower-case hex. */
char *sec_hex(apr_pool_t *p, const unsigned char *data, apr_size_t len);

#endif
