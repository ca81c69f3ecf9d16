/* sec_crypto: base64url, SHA-256, HMAC-SHA256, key derivation, CSPRNG,
 * constant-time compare, SipHash-2-4, hex. */
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_crypto.h"

static void fill_pattern(unsigned char *b, apr_size_t n, unsigned seed)
{
    apr_size_t i;
    for (i = 0; i < n; i++) {
        b[i] = (unsigned char)((i * 131u + seed * 17u + (i >> 3)) & 0xff);
    }
}

START_TEST(b64url_known_vectors)
{
    static const struct { const char *in; const char *out; } v[] = {
        {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
        {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    static const unsigned char url[] = {0xfb, 0xff, 0xbf};
    apr_pool_t *p = unit_pool();
    unsigned char *dec;
    apr_size_t dlen, i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char *e = sec_base64url_encode(p, v[i].in, strlen(v[i].in));
        ck_assert_str_eq(e, v[i].out);
        ck_assert_int_eq(sec_base64url_decode(p, v[i].out, strlen(v[i].out), &dec, &dlen),
                         APR_SUCCESS);
        ck_assert_uint_eq(dlen, strlen(v[i].in));
        ck_assert_int_eq(memcmp(dec, v[i].in, dlen), 0);
        ck_assert_int_eq(dec[dlen], '\0');
    }
    /* the URL-safe alphabet: '-' and '_' where standard base64 has '+' and '/' */
    ck_assert_str_eq(sec_base64url_encode(p, url, 2), "-_8");
    ck_assert_str_eq(sec_base64url_encode(p, url, 3), "-_-_");
    ck_assert_int_eq(sec_base64url_decode(p, "-_-_", 4, &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 3);
    ck_assert_int_eq(memcmp(dec, url, 3), 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(b64url_roundtrip_0_64)
{
    apr_pool_t *p = unit_pool();
    unsigned char in[64];
    apr_size_t n;

    for (n = 0; n <= 64; n++) {
        char *e;
        unsigned char *dec = NULL;
        apr_size_t dlen = 9999, j;
        fill_pattern(in, sizeof(in), (unsigned)n);
        e = sec_base64url_encode(p, in, n);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(strlen(e), (n * 4 + 2) / 3);   /* unpadded length */
        for (j = 0; e[j]; j++) {
            ck_assert_msg(strchr("=+/", e[j]) == NULL, "len %u: '%c' in %s", (unsigned)n, e[j], e);
        }
        ck_assert_int_eq(sec_base64url_decode(p, e, strlen(e), &dec, &dlen), APR_SUCCESS);
        ck_assert_uint_eq(dlen, n);
        ck_assert_msg(memcmp(dec, in, n) == 0, "round trip of %u bytes differs", (unsigned)n);
        ck_assert_int_eq(dec[n], 0);
    }
    /* every byte value survives */
    {
        unsigned char all[256];
        unsigned char *dec;
        apr_size_t dlen, i;
        char *e;
        for (i = 0; i < 256; i++) all[i] = (unsigned char)i;
        e = sec_base64url_encode(p, all, sizeof(all));
        ck_assert_int_eq(sec_base64url_decode(p, e, strlen(e), &dec, &dlen), APR_SUCCESS);
        ck_assert_uint_eq(dlen, 256);
        ck_assert_int_eq(memcmp(dec, all, 256), 0);
    }
    apr_pool_destroy(p);
}
END_TEST

static void b64_bad(apr_pool_t *p, const char *s, apr_size_t len)
{
    unsigned char *dec = NULL;
    apr_size_t dlen = 0;
    apr_status_t rv = sec_base64url_decode(p, s, len, &dec, &dlen);

    ck_assert_msg(rv != APR_SUCCESS, "base64url decode accepted \"%.*s\" (len %u)", (int)len, s,
                  (unsigned)len);
}

START_TEST(b64url_strict)
{
    apr_pool_t *p = unit_pool();
    unsigned char *dec;
    apr_size_t dlen;

    b64_bad(p, "Zg==", 4);        /* padding */
    b64_bad(p, "Zm8=", 4);
    b64_bad(p, "Zg=", 3);
    b64_bad(p, "Zm+v", 4);        /* standard alphabet */
    b64_bad(p, "Zm/v", 4);
    b64_bad(p, "Zm9 v", 5);       /* whitespace */
    b64_bad(p, "Zm9\nv", 5);
    b64_bad(p, " Zm9v", 5);
    b64_bad(p, "Zm9v\t", 5);
    b64_bad(p, "Zm9vY", 5);       /* length % 4 == 1 */
    b64_bad(p, "A", 1);
    b64_bad(p, "Zm.v", 4);
    b64_bad(p, "Zm\0v", 4);       /* NUL inside the given length */
    b64_bad(p, "Zm9v\xc3\xa9", 6);
    /* non-canonical trailing bits */
    b64_bad(p, "AB", 2);
    b64_bad(p, "Zh", 2);
    b64_bad(p, "AAB", 3);
    b64_bad(p, "Zm9", 3);         /* canonical is "Zm8" */

    ck_assert_int_eq(sec_base64url_decode(p, "AA", 2, &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 1);
    ck_assert_int_eq(dec[0], 0);
    ck_assert_int_eq(sec_base64url_decode(p, "AAA", 3, &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 2);
    ck_assert_int_eq(sec_base64url_decode(p, "", 0, &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 0);
    /* slen bounds the input: a longer string is decoded only up to slen */
    ck_assert_int_eq(sec_base64url_decode(p, "Zm9vYmFy", 4, &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 3);
    ck_assert_str_eq((char *)dec, "foo");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(sha256_known)
{
    apr_pool_t *p = unit_pool();
    unsigned char d[SEC_SHA256_LEN];

    sec_sha256("abc", 3, d);
    ck_assert_str_eq(sec_hex(p, d, sizeof(d)),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sec_sha256("", 0, d);
    ck_assert_str_eq(sec_hex(p, d, sizeof(d)),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(hmac_rfc4231)
{
    apr_pool_t *p = unit_pool();
    unsigned char mac[SEC_HMAC_LEN], key1[20];
    const char *d2 = "what do ya want for nothing?";
    sec_buf_t part;

    /* RFC 4231 test case 2 */
    part.data = d2;
    part.len = strlen(d2);
    memset(mac, 0, sizeof(mac));
    sec_hmac_sha256("Jefe", 4, &part, 1, mac);
    ck_assert_str_eq(sec_hex(p, mac, sizeof(mac)),
                     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* RFC 4231 test case 1 */
    memset(key1, 0x0b, sizeof(key1));
    part.data = "Hi There";
    part.len = 8;
    sec_hmac_sha256(key1, sizeof(key1), &part, 1, mac);
    ck_assert_str_eq(sec_hex(p, mac, sizeof(mac)),
                     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* RFC 4231 test cases 6 and 7: a 131-byte key, longer than a block, is
     * hashed first */
    {
        unsigned char key131[131];
        const char *d7 = "This is a test using a larger than block-size key and a larger "
                         "than block-size data. The key needs to be hashed before being "
                         "used by the HMAC algorithm.";
        memset(key131, 0xaa, sizeof(key131));
        part.data = "Test Using Larger Than Block-Size Key - Hash Key First";
        part.len = strlen(part.data);
        sec_hmac_sha256(key131, sizeof(key131), &part, 1, mac);
        ck_assert_str_eq(sec_hex(p, mac, sizeof(mac)),
                         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        part.data = d7;
        part.len = strlen(d7);
        sec_hmac_sha256(key131, sizeof(key131), &part, 1, mac);
        ck_assert_str_eq(sec_hex(p, mac, sizeof(mac)),
                         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }
    /* no parts at all: HMAC of the empty message under the empty key */
    sec_hmac_sha256("", 0, NULL, 0, mac);
    ck_assert_str_eq(sec_hex(p, mac, sizeof(mac)),
                     "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    apr_pool_destroy(p);
}
END_TEST

/* Key lengths around the block size (63, 64, 65) and message lengths
 * around it, against OpenSSL's own HMAC as an independent reference. */
START_TEST(hmac_matches_openssl)
{
    unsigned char key[200], msg[200], mine[SEC_HMAC_LEN], ref[EVP_MAX_MD_SIZE];
    unsigned int rlen;
    static const apr_size_t klens[] = {0, 1, 32, 63, 64, 65, 128, 200};
    static const apr_size_t mlens[] = {0, 1, 55, 56, 63, 64, 65, 200};
    apr_size_t i, j;

    for (i = 0; i < sizeof(key); i++) {
        key[i] = (unsigned char)(i * 7 + 3);
        msg[i] = (unsigned char)(i * 13 + 1);
    }
    for (i = 0; i < sizeof(klens) / sizeof(klens[0]); i++) {
        for (j = 0; j < sizeof(mlens) / sizeof(mlens[0]); j++) {
            sec_buf_t part = {msg, mlens[j]};
            sec_hmac_sha256(key, klens[i], &part, 1, mine);
            ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, (int)klens[i], msg, mlens[j], ref, &rlen));
            ck_assert_uint_eq(rlen, SEC_HMAC_LEN);
            ck_assert_msg(!memcmp(mine, ref, SEC_HMAC_LEN), "key %zu bytes, message %zu bytes",
                          klens[i], mlens[j]);
        }
    }
}
END_TEST

/* Random bytes come from a per-thread buffer: a forked child must not hand
 * out the bytes its parent hands out next. */
START_TEST(random_bytes_fork_differ)
{
    unsigned char first[16], parent[16], child[16];
    int fds[2];
    pid_t pid;
    int status;

    ck_assert_int_eq(sec_random_bytes(first, sizeof(first)), APR_SUCCESS); /* fills the buffer */
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        unsigned char c[16];
        ssize_t w = -1;
        if (sec_random_bytes(c, sizeof(c)) == APR_SUCCESS) {
            w = write(fds[1], c, sizeof(c));
        }
        _exit(w == (ssize_t)sizeof(c) ? 0 : 1);
    }
    ck_assert_int_eq(sec_random_bytes(parent, sizeof(parent)), APR_SUCCESS);
    ck_assert_int_eq(read(fds[0], child, sizeof(child)), (ssize_t)sizeof(child));
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(memcmp(parent, child, sizeof(parent)) != 0,
                  "a forked child handed out its parent's next random bytes");
    ck_assert(memcmp(first, parent, sizeof(first)) != 0);
}
END_TEST

START_TEST(hmac_multipart_equals_single)
{
    const char *data = "what do ya want for nothing?";
    apr_size_t n = strlen(data), cut, cut2;
    unsigned char one[SEC_HMAC_LEN], many[SEC_HMAC_LEN];
    sec_buf_t single, parts[3];

    single.data = data;
    single.len = n;
    sec_hmac_sha256("Jefe", 4, &single, 1, one);
    for (cut = 0; cut <= n; cut++) {
        for (cut2 = cut; cut2 <= n; cut2 += 3) {
            parts[0].data = data;
            parts[0].len = cut;
            parts[1].data = data + cut;
            parts[1].len = cut2 - cut;
            parts[2].data = data + cut2;
            parts[2].len = n - cut2;
            memset(many, 0, sizeof(many));
            sec_hmac_sha256("Jefe", 4, parts, 3, many);
            ck_assert_msg(memcmp(one, many, sizeof(one)) == 0, "split at %u/%u differs",
                          (unsigned)cut, (unsigned)cut2);
        }
    }
    /* and a different key or message gives a different MAC */
    sec_hmac_sha256("Jeff", 4, &single, 1, many);
    ck_assert_int_ne(memcmp(one, many, sizeof(one)), 0);
    single.len = n - 1;
    sec_hmac_sha256("Jefe", 4, &single, 1, many);
    ck_assert_int_ne(memcmp(one, many, sizeof(one)), 0);
}
END_TEST

START_TEST(derive_key_per_purpose)
{
    apr_pool_t *p = unit_pool();
    unsigned char master[32], a[SEC_HMAC_LEN], b[SEC_HMAC_LEN], a2[SEC_HMAC_LEN];
    unsigned char other[32], c[SEC_HMAC_LEN];

    memset(master, 'm', sizeof(master));
    sec_derive_key(master, sizeof(master), "csrf", a);
    sec_derive_key(master, sizeof(master), "session", b);
    sec_derive_key(master, sizeof(master), "csrf", a2);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
    ck_assert_int_eq(memcmp(a, a2, sizeof(a)), 0);
    /* it is HMAC-SHA256(master, "secmods/" purpose) */
    ck_assert_str_eq(sec_hex(p, a, sizeof(a)),
                     "000e9080da341d244a2058dbce075fbfa26ea1794ff6a7dad3f0a29e64178315");
    /* and depends on the master key */
    memcpy(other, master, sizeof(other));
    other[31] ^= 1;
    sec_derive_key(other, sizeof(other), "csrf", c);
    ck_assert_int_ne(memcmp(a, c, sizeof(a)), 0);
    /* the derived key is not the master key */
    ck_assert_int_ne(memcmp(a, master, sizeof(a)), 0);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(ct_equal)
{
    unsigned char a[48], b[48];

    fill_pattern(a, sizeof(a), 3);
    memcpy(b, a, sizeof(b));
    ck_assert_int_eq(sec_ct_equal(a, b, sizeof(a)), 1);
    b[47] ^= 0x80;
    ck_assert_int_eq(sec_ct_equal(a, b, sizeof(a)), 0);
    ck_assert_int_eq(sec_ct_equal(a, b, 47), 1);
    b[47] = a[47];
    b[0] ^= 1;
    ck_assert_int_eq(sec_ct_equal(a, b, sizeof(a)), 0);
    ck_assert_int_eq(sec_ct_equal(a, b, 0), 1);
    ck_assert_int_eq(sec_ct_equal("secret", "secreT", 6), 0);
}
END_TEST

START_TEST(random_bytes_differ)
{
    unsigned char a[32], b[32], zero[32];
    int i, same = 0;

    memset(zero, 0, sizeof(zero));
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    ck_assert_int_eq(sec_random_bytes(a, sizeof(a)), APR_SUCCESS);
    ck_assert_int_eq(sec_random_bytes(b, sizeof(b)), APR_SUCCESS);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
    ck_assert_int_ne(memcmp(a, zero, sizeof(a)), 0);
    for (i = 0; i < 32; i++) {
        same += a[i] == b[i];
    }
    ck_assert_int_lt(same, 12);   /* ~0.125 expected; 12 is astronomically unlikely */
    ck_assert_int_eq(sec_random_bytes(a, 0), APR_SUCCESS);
}
END_TEST

START_TEST(random_token_length)
{
    apr_pool_t *p = unit_pool();
    char *t1 = sec_random_token(p, 16), *t2 = sec_random_token(p, 16);
    unsigned char *dec;
    apr_size_t dlen;

    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    ck_assert_uint_eq(strlen(t1), 22);
    ck_assert_str_ne(t1, t2);
    ck_assert_int_eq(sec_base64url_decode(p, t1, strlen(t1), &dec, &dlen), APR_SUCCESS);
    ck_assert_uint_eq(dlen, 16);
    ck_assert_uint_eq(strlen(sec_random_token(p, 32)), 43);
    ck_assert_uint_eq(strlen(sec_random_token(p, 1)), 2);
    ck_assert_uint_eq(strlen(sec_random_token(p, 0)), 0);
    ck_assert_uint_eq(strlen(sec_random_token(p, 64)), 86);
    apr_pool_destroy(p);
}
END_TEST

/* sec_crypto.h promises "nbytes of CSPRNG output ... (NULL on RNG failure)",
 * with no upper limit on nbytes. */
START_TEST(random_token_large)
{
    apr_pool_t *p = unit_pool();
    char *t = sec_random_token(p, 96);

    ck_assert_msg(t != NULL, "sec_random_token(p, 96) returned NULL although the RNG works "
                  "(the header documents NULL only for RNG failure)");
    ck_assert_uint_eq(strlen(t), 128);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(siphash_reference)
{
    unsigned char key[16], msg[64];
    int i;

    for (i = 0; i < 16; i++) key[i] = (unsigned char)i;
    for (i = 0; i < 64; i++) msg[i] = (unsigned char)i;
    ck_assert_uint_eq(sec_siphash24(key, msg, 15), APR_UINT64_C(0xa129ca6149be45e5));
    ck_assert_uint_eq(sec_siphash24(key, msg, 0), APR_UINT64_C(0x726fdb47dd0e0e31));
    ck_assert_uint_eq(sec_siphash24(key, "", 0), APR_UINT64_C(0x726fdb47dd0e0e31));
    ck_assert_uint_eq(sec_siphash24(key, msg, 1), APR_UINT64_C(0x74f839c593dc67fd));
    ck_assert_uint_eq(sec_siphash24(key, msg, 7), APR_UINT64_C(0xab0200f58b01d137));
    ck_assert_uint_eq(sec_siphash24(key, msg, 8), APR_UINT64_C(0x93f5f5799a932462));
    ck_assert_uint_eq(sec_siphash24(key, msg, 16), APR_UINT64_C(0x3f2acc7f57c29bdb));
    ck_assert_uint_eq(sec_siphash24(key, msg, 63), APR_UINT64_C(0x958a324ceb064572));
    /* keyed: another key, another hash */
    key[0] ^= 1;
    ck_assert_uint_ne(sec_siphash24(key, msg, 15), APR_UINT64_C(0xa129ca6149be45e5));
}
END_TEST

START_TEST(hex_encoding)
{
    apr_pool_t *p = unit_pool();
    static const unsigned char d[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};

    ck_assert_str_eq(sec_hex(p, d, sizeof(d)), "00017f80abff");
    ck_assert_str_eq(sec_hex(p, d, 1), "00");
    ck_assert_str_eq(sec_hex(p, d, 0), "");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(cleanse_wipes)
{
    unsigned char b[20];
    int i;

    memset(b, 0xa5, sizeof(b));
    sec_cleanse(b, 16);
    for (i = 0; i < 16; i++) ck_assert_int_eq(b[i], 0);
    for (i = 16; i < 20; i++) ck_assert_int_eq(b[i], 0xa5);
}
END_TEST

Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("base64url");

    tcase_add_test(tc, b64url_known_vectors);
    tcase_add_test(tc, b64url_roundtrip_0_64);
    tcase_add_test(tc, b64url_strict);
    suite_add_tcase(s, tc);

    tc = tcase_create("mac");
    tcase_add_test(tc, sha256_known);
    tcase_add_test(tc, hmac_rfc4231);
    tcase_add_test(tc, hmac_multipart_equals_single);
    tcase_add_test(tc, hmac_matches_openssl);
    tcase_add_test(tc, random_bytes_fork_differ);
    tcase_add_test(tc, derive_key_per_purpose);
    tcase_add_test(tc, ct_equal);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_add_test(tc, random_bytes_differ);
    tcase_add_test(tc, random_token_length);
    tcase_add_test(tc, random_token_large);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_test(tc, siphash_reference);
    tcase_add_test(tc, hex_encoding);
    tcase_add_test(tc, cleanse_wipes);
    suite_add_tcase(s, tc);
    return s;
}
