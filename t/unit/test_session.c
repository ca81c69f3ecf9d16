/* sec_session: cookie values and their MAC, key rotation, references,
 * users and roles, session records and their timeouts. */
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_session.h"

static sec_keyring_t *keyring(apr_pool_t *p, const char *text)
{
    sec_keyring_t *kr = NULL;
    const char *err = NULL;

    ck_assert_msg(sec_keyring_parse(p, text, strlen(text), &kr, &err) == APR_SUCCESS,
                  "keyring: %s", err ? err : "?");
    return kr;
}

#define KEY_A "key ka lzVikPg8ISQWZRCGnbvWoIDHgb1BXWQgFJ0qD8LFlB4\n"
#define KEY_B "key kb dgTfSoYBKwusqBDhsyh9jwthIRPIOAagmkBnF3iEEQk\n"

START_TEST(cookie_round_trip)
{
    apr_pool_t *p = unit_pool();
    sec_session_keys_t *ks = sec_session_keys_make(p, keyring(p, KEY_A), "session-cookie");
    const char *id = sec_session_id_new(p), *gid = NULL, *kid = NULL;
    char *v;

    ck_assert_ptr_nonnull(ks);
    ck_assert_int_eq(strlen(id), 43);
    v = sec_session_cookie_make(p, ks, id);
    ck_assert_ptr_nonnull(v);
    ck_assert_msg(!strncmp(v, "1.ka.", 5), "cookie %s", v);
    ck_assert_int_eq(strlen(v), 2 + 3 + 43 + 1 + 43);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, v, &gid, &kid), SEC_SC_OK);
    ck_assert_str_eq(gid, id);
    ck_assert_str_eq(kid, "ka");
    /* two ids are never the same */
    ck_assert_str_ne(sec_session_id_new(p), sec_session_id_new(p));
    apr_pool_destroy(p);
}
END_TEST

/* The format pinned: a cookie computed independently (Python's hmac, as
 * t/lib/SecSession.pm does in Perl) for id bytes 0..31 and key t2. */
START_TEST(cookie_known_value)
{
    apr_pool_t *p = unit_pool();
    sec_session_keys_t *ks = sec_session_keys_make(p, keyring(p, KEY_A "key t2 dgTfSoYBKwusqBDhsyh9jwthIRPIOAagmkBnF3iEEQk\ncurrent t2\n"), "session-cookie");
    unsigned char raw[32];
    const char *id, *gid, *kid;
    int i;

    for (i = 0; i < 32; i++) {
        raw[i] = (unsigned char)i;
    }
    id = sec_base64url_encode(p, raw, 32);
    ck_assert_str_eq(sec_session_cookie_make(p, ks, id),
                     "1.t2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8."
                     "kkUsXgCTXTTqXH397wml612DQ4D7ZjzOXj_cQkdArVk");
    ck_assert_int_eq(sec_session_cookie_parse(p, ks,
                     "1.t2.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8."
                     "kkUsXgCTXTTqXH397wml612DQ4D7ZjzOXj_cQkdArVk", &gid, &kid), SEC_SC_OK);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(cookie_tampering_is_refused)
{
    apr_pool_t *p = unit_pool();
    sec_session_keys_t *ks = sec_session_keys_make(p, keyring(p, KEY_A), "session-cookie");
    const char *id = sec_session_id_new(p), *gid, *kid;
    char *v = sec_session_cookie_make(p, ks, id), *w;
    apr_size_t i, len = strlen(v);

    /* every single-character change is refused, never accepted */
    for (i = 0; i < len; i++) {
        w = apr_pstrdup(p, v);
        w[i] = w[i] == 'A' ? 'B' : 'A';
        ck_assert_msg(sec_session_cookie_parse(p, ks, w, &gid, &kid) != SEC_SC_OK,
                      "accepted a change at %u: %s", (unsigned)i, w);
    }
    /* the MAC of another id */
    w = apr_pstrdup(p, v);
    w[5] = w[5] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, w, &gid, &kid), SEC_SC_BAD_MAC);
    /* truncated, extended, empty, junk */
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, apr_pstrndup(p, v, len - 1), &gid, &kid),
                     SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, apr_pstrcat(p, v, "A", NULL), &gid, &kid),
                     SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, "", &gid, &kid), SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, NULL, &gid, &kid), SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, "1....", &gid, &kid), SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, "2.ka.x.y", &gid, &kid), SEC_SC_MALFORMED);
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, "deleted", &gid, &kid), SEC_SC_MALFORMED);
    /* oversized */
    w = apr_palloc(p, 100001);
    memset(w, 'A', 100000);
    w[100000] = '\0';
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, w, &gid, &kid), SEC_SC_MALFORMED);
    /* the raw id (what the record is *not* stored under) is no cookie */
    ck_assert_int_eq(sec_session_cookie_parse(p, ks, id, &gid, &kid), SEC_SC_MALFORMED);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(cookie_needs_a_key_of_the_ring)
{
    apr_pool_t *p = unit_pool();
    sec_session_keys_t *a = sec_session_keys_make(p, keyring(p, KEY_A), "session-cookie");
    /* the same secret under another id, and another secret under the same id */
    sec_session_keys_t *b = sec_session_keys_make(
        p, keyring(p, "key kb lzVikPg8ISQWZRCGnbvWoIDHgb1BXWQgFJ0qD8LFlB4\n"), "session-cookie");
    sec_session_keys_t *c = sec_session_keys_make(
        p, keyring(p, "key ka dgTfSoYBKwusqBDhsyh9jwthIRPIOAagmkBnF3iEEQk\n"), "session-cookie");
    sec_session_keys_t *other = sec_session_keys_make(p, keyring(p, KEY_A), "csrf");
    const char *id = sec_session_id_new(p), *gid, *kid;
    char *v = sec_session_cookie_make(p, a, id);

    ck_assert_int_eq(sec_session_cookie_parse(p, b, v, &gid, &kid), SEC_SC_UNKNOWN_KEY);
    ck_assert_int_eq(sec_session_cookie_parse(p, c, v, &gid, &kid), SEC_SC_BAD_MAC);
    /* another purpose's derived key does not verify session cookies */
    ck_assert_int_eq(sec_session_cookie_parse(p, other, v, &gid, &kid), SEC_SC_BAD_MAC);
    ck_assert_int_eq(sec_session_cookie_parse(p, NULL, v, &gid, &kid), SEC_SC_UNKNOWN_KEY);
    ck_assert_ptr_null(sec_session_keys_make(p, NULL, "session-cookie"));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(rotation_keeps_old_cookies)
{
    apr_pool_t *p = unit_pool();
    sec_session_keys_t *before = sec_session_keys_make(p, keyring(p, KEY_A), "session-cookie");
    sec_session_keys_t *after =
        sec_session_keys_make(p, keyring(p, KEY_A KEY_B "current kb\n"), "session-cookie");
    sec_session_keys_t *retired = sec_session_keys_make(p, keyring(p, KEY_B), "session-cookie");
    const char *id = sec_session_id_new(p), *gid, *kid;
    char *old = sec_session_cookie_make(p, before, id), *fresh = sec_session_cookie_make(p, after, id);

    ck_assert_str_eq(after->current->kid, "kb");
    ck_assert_int_eq(sec_session_cookie_parse(p, after, old, &gid, &kid), SEC_SC_OK);
    ck_assert_str_eq(kid, "ka");
    ck_assert_msg(!strncmp(fresh, "1.kb.", 5), "new cookies use the current key: %s", fresh);
    ck_assert_int_eq(sec_session_cookie_parse(p, retired, old, &gid, &kid), SEC_SC_UNKNOWN_KEY);
    ck_assert_int_eq(sec_session_cookie_parse(p, retired, fresh, &gid, &kid), SEC_SC_OK);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(derived_keys_are_wiped)
{
    apr_pool_t *p = unit_pool(), *sub;
    sec_session_keys_t *ks;
    unsigned char zero[SEC_HMAC_LEN];
    unsigned char *k;

    apr_pool_create(&sub, p);
    ks = sec_session_keys_make(sub, keyring(p, KEY_A), "session-cookie");
    k = APR_ARRAY_IDX(ks->keys, 0, sec_session_key_t).key;
    memset(zero, 0, sizeof(zero));
    ck_assert_msg(memcmp(k, zero, sizeof(zero)), "derived key is zero");
    /* Clearing runs the cleanups; APR keeps a pool's first block, so the
     * memory is still there to look at. */
    apr_pool_clear(sub);
    ck_assert_msg(!memcmp(k, zero, sizeof(zero)), "derived key not wiped");
    apr_pool_destroy(p);
}
END_TEST

START_TEST(references)
{
    apr_pool_t *p = unit_pool();
    const char *id = sec_session_id_new(p);
    char *ref = sec_session_ref(p, id);

    ck_assert_int_eq(strlen(ref), SEC_SESSION_REF_LEN);
    ck_assert(sec_session_ref_valid(ref));
    /* stable, and not the id or any part of it */
    ck_assert_str_eq(ref, sec_session_ref(p, id));
    ck_assert_ptr_null(strstr(id, ref));
    ck_assert_str_ne(ref, sec_session_ref(p, sec_session_id_new(p)));
    /* a known value, so secctl and the module can never disagree */
    ck_assert_str_eq(sec_session_ref(p, "abc"), "g5_PKCqXj6CRTxLEPC7pAg");
    ck_assert(!sec_session_ref_valid(NULL));
    ck_assert(!sec_session_ref_valid(""));
    ck_assert(!sec_session_ref_valid("g5_PKCqXj6CRTxLEPC7pA"));
    ck_assert(!sec_session_ref_valid("g5_PKCqXj6CRTxLEPC7pAgA"));
    ck_assert(!sec_session_ref_valid("g5_PKCqXj6CRTxLEPC7pA/"));
    ck_assert(!sec_session_ref_valid("g5_PKCqXj6CRTxLEPC7pAh"));   /* non-canonical */
    apr_pool_destroy(p);
}
END_TEST

START_TEST(users)
{
    ck_assert(sec_session_user_valid("alice"));
    ck_assert(sec_session_user_valid("alice@example.com"));
    ck_assert(sec_session_user_valid("Jos\xc3\xa9 Garc\xc3\xad" "a"));
    ck_assert(sec_session_user_valid("\xf0\x9f\x98\x80"));
    ck_assert(!sec_session_user_valid(""));
    ck_assert(!sec_session_user_valid(NULL));
    ck_assert(!sec_session_user_valid(" alice"));
    ck_assert(!sec_session_user_valid("alice "));
    ck_assert(!sec_session_user_valid("ali\tce"));
    ck_assert(!sec_session_user_valid("ali\rce"));
    ck_assert(!sec_session_user_valid("a\x7f"));
    ck_assert(!sec_session_user_valid("\xc3"));           /* truncated */
    ck_assert(!sec_session_user_valid("\xc0\xaf"));       /* overlong */
    ck_assert(!sec_session_user_valid("\xed\xa0\x80"));   /* surrogate */
    ck_assert(!sec_session_user_valid("\xc2\x85"));       /* C1 NEL */
    ck_assert(!sec_session_user_valid("\xff"));
    {
        char big[300];
        memset(big, 'a', sizeof(big) - 1);
        big[256] = '\0';
        ck_assert(sec_session_user_valid(big));
        big[256] = 'a';
        big[257] = '\0';
        ck_assert(!sec_session_user_valid(big));
    }
}
END_TEST

START_TEST(roles)
{
    apr_pool_t *p = unit_pool();
    const char *c = NULL, *err = NULL;

    ck_assert_int_eq(sec_session_roles_parse(p, " admin, editor ,admin,ops:read ", &c, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(c, "admin,editor,ops:read");
    ck_assert(sec_session_roles_has(c, "editor"));
    ck_assert(sec_session_roles_has(c, "ops:read"));
    ck_assert(!sec_session_roles_has(c, "edit"));
    ck_assert(!sec_session_roles_has(c, "editor,admin"));
    ck_assert(!sec_session_roles_has(c, ""));
    ck_assert_int_eq(sec_session_roles_parse(p, "", &c, &err), APR_SUCCESS);
    ck_assert_str_eq(c, "");
    ck_assert_int_eq(sec_session_roles_parse(p, NULL, &c, &err), APR_SUCCESS);
    ck_assert_int_eq(sec_session_roles_parse(p, "a,,b", &c, &err), APR_EINVAL);
    ck_assert_int_eq(sec_session_roles_parse(p, "a,", &c, &err), APR_EINVAL);
    ck_assert_int_eq(sec_session_roles_parse(p, "a b", &c, &err), APR_EINVAL);
    ck_assert_int_eq(sec_session_roles_parse(p, "admin;x", &c, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "admin;x"));
    {
        char many[400] = "";
        int i;
        for (i = 0; i < 33; i++) {
            strcat(many, apr_psprintf(p, "%sr%d", i ? "," : "", i));
        }
        ck_assert_int_eq(sec_session_roles_parse(p, many, &c, &err), APR_EINVAL);
    }
    apr_pool_destroy(p);
}
END_TEST

static sec_session_record_t sample(void)
{
    sec_session_record_t r;

    memset(&r, 0, sizeof(r));
    r.user = "alice@example.com";
    r.roles = "admin,editor";
    r.created = apr_time_from_sec(1700000000);
    r.seen = r.created + 5;
    r.kid = "t2";
    r.ip = "192.0.2.7";
    r.method = "form";
    r.user_gen = 18446744073709551615ULL;
    r.global_gen = 42;
    r.idle = apr_time_from_sec(1800);
    r.absolute = apr_time_from_sec(8 * 3600);
    return r;
}

START_TEST(record_round_trip)
{
    apr_pool_t *p = unit_pool();
    sec_session_record_t r = sample(), d;
    char *text = sec_session_record_encode(p, &r);

    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(sec_session_record_decode(p, text, strlen(text), &d), APR_SUCCESS);
    ck_assert_str_eq(d.user, r.user);
    ck_assert_str_eq(d.roles, r.roles);
    ck_assert_str_eq(d.kid, "t2");
    ck_assert_str_eq(d.ip, "192.0.2.7");
    ck_assert_str_eq(d.method, "form");
    ck_assert(d.created == r.created && d.seen == r.seen);
    ck_assert(d.user_gen == r.user_gen && d.global_gen == 42);
    ck_assert(d.idle == r.idle && d.absolute == r.absolute);
    ck_assert(d.validated == 0);
    ck_assert_ptr_null(strstr(text, "\"at\""));
    r.validated = r.seen + 1;
    r.ip = NULL;
    text = sec_session_record_encode(p, &r);
    ck_assert_int_eq(sec_session_record_decode(p, text, strlen(text), &d), APR_SUCCESS);
    ck_assert(d.validated == r.validated);
    ck_assert_ptr_null(d.ip);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(record_decode_is_strict)
{
    apr_pool_t *p = unit_pool();
    sec_session_record_t d;
    static const char *bad[] = {
        "", "{", "[]", "null", "1", "{}",
        "{\"v\":2,\"u\":\"a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        /* no user, bad user, bad roles, roles not canonical */
        "{\"v\":1,\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\" a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"a b\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"b, a\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        /* negative time, generation as a number, zero timeouts, seen before created */
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":-1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":1,\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":0,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":5,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"-1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        /* duplicate keys: which one would win? */
        "{\"v\":1,\"u\":\"a\",\"u\":\"b\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}",
        NULL
    };
    const char *good =
        "{\"v\":1,\"u\":\"a\",\"r\":\"\",\"c\":1,\"s\":1,\"k\":\"t\",\"m\":\"f\",\"ug\":\"1\",\"gg\":\"1\",\"i\":1,\"a\":1}";
    int i;

    ck_assert_int_eq(sec_session_record_decode(p, good, strlen(good), &d), APR_SUCCESS);
    for (i = 0; bad[i]; i++) {
        ck_assert_msg(sec_session_record_decode(p, bad[i], strlen(bad[i]), &d) != APR_SUCCESS,
                      "accepted %s", bad[i]);
        ck_assert_ptr_null(d.user);
    }
    ck_assert(sec_session_record_decode(p, NULL, 0, &d) != APR_SUCCESS);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(cache_entry_round_trip)
{
    apr_pool_t *p = unit_pool();
    sec_session_record_t r = sample(), d;
    char *text;
    static const char *bad[] = {
        "", "c1", "c2\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\talice",
        "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\t",              /* no user */
        "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\tb,a x\talice",      /* bad roles */
        "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\tb, a\talice",       /* not canonical */
        "c1\t1\t5\t1\t1\t1\t1\t1\tk\tm\t-\t\talice",           /* seen < created */
        "c1\t1\t1\t1\t0\t1\t1\t1\tk\tm\t-\t\talice",           /* idle 0 */
        "c1\t-1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\talice",
        "c1\t1\t1\t1\t1\t1\t1\t1\tk!\tm\t-\t\talice",          /* bad key id */
        "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\talice\tx",       /* a tab in the user */
        "c1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\talice",               /* a field short */
        NULL
    };
    int i;

    r.validated = r.seen + 7;
    text = sec_session_cache_encode(p, &r);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(sec_session_cache_decode(p, text, strlen(text), &d), APR_SUCCESS);
    ck_assert_str_eq(d.user, r.user);
    ck_assert_str_eq(d.roles, r.roles);
    ck_assert_str_eq(d.kid, r.kid);
    ck_assert_str_eq(d.ip, r.ip);
    ck_assert_str_eq(d.method, r.method);
    ck_assert(d.validated == r.validated && d.created == r.created && d.seen == r.seen &&
              d.idle == r.idle && d.absolute == r.absolute && d.user_gen == r.user_gen &&
              d.global_gen == r.global_gen);
    r.ip = NULL;
    r.roles = "";
    text = sec_session_cache_encode(p, &r);
    ck_assert_int_eq(sec_session_cache_decode(p, text, strlen(text), &d), APR_SUCCESS);
    ck_assert_ptr_null(d.ip);
    ck_assert_str_eq(d.roles, "");
    ck_assert_int_eq(sec_session_cache_decode(p, "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\talice", 29, &d),
                     APR_SUCCESS);
    for (i = 0; bad[i]; i++) {
        ck_assert_msg(sec_session_cache_decode(p, bad[i], strlen(bad[i]), &d) != APR_SUCCESS,
                      "accepted cache entry %d", i);
        ck_assert_ptr_null(d.user);
    }
    /* a NUL inside is refused, not cut short */
    ck_assert(sec_session_cache_decode(p, "c1\t1\t1\t1\t1\t1\t1\t1\tk\tm\t-\t\tali\0ce", 34, &d)
              != APR_SUCCESS);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(timeouts)
{
    sec_session_record_t r = sample();
    apr_time_t c = r.created;
    apr_interval_time_t s = APR_USEC_PER_SEC;

    r.seen = c;
    r.idle = 30 * s;
    r.absolute = 100 * s;
    ck_assert_int_eq(sec_session_record_check(&r, c + 29 * s, 0, 0), SEC_SR_VALID);
    ck_assert_int_eq(sec_session_record_check(&r, c + 30 * s, 0, 0), SEC_SR_IDLE);
    r.seen = c + 80 * s;
    ck_assert_int_eq(sec_session_record_check(&r, c + 99 * s, 0, 0), SEC_SR_VALID);
    ck_assert_int_eq(sec_session_record_check(&r, c + 100 * s, 0, 0), SEC_SR_ABSOLUTE);
    /* a location can shorten ... */
    ck_assert_int_eq(sec_session_record_check(&r, c + 90 * s, 5 * s, 0), SEC_SR_IDLE);
    ck_assert_int_eq(sec_session_record_check(&r, c + 85 * s, 0, 84 * s), SEC_SR_ABSOLUTE);
    /* ... but never extend */
    ck_assert_int_eq(sec_session_record_check(&r, c + 100 * s, 3600 * s, 7200 * s),
                     SEC_SR_ABSOLUTE);
    ck_assert_int_eq(sec_session_record_check(&r, c + 99 * s, 3600 * s, 7200 * s), SEC_SR_VALID);
    r.seen = c;
    ck_assert_int_eq(sec_session_record_check(&r, c + 31 * s, 3600 * s, 0), SEC_SR_IDLE);

    ck_assert(sec_session_seen_interval(2 * s) == s);
    ck_assert(sec_session_seen_interval(80 * s) == 10 * s);
    ck_assert(sec_session_seen_interval(1800 * s) == 60 * s);
    r.absolute = 100 * s;
    ck_assert_uint_eq(sec_session_record_ttl(&r, c), 100);
    ck_assert_uint_eq(sec_session_record_ttl(&r, c + 99 * s + 1), 1);
    ck_assert_uint_eq(sec_session_record_ttl(&r, c + 500 * s), 1);
}
END_TEST

Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("cookie");

    tcase_add_test(tc, cookie_round_trip);
    tcase_add_test(tc, cookie_known_value);
    tcase_add_test(tc, cookie_tampering_is_refused);
    tcase_add_test(tc, cookie_needs_a_key_of_the_ring);
    tcase_add_test(tc, rotation_keeps_old_cookies);
    tcase_add_test(tc, derived_keys_are_wiped);
    tcase_add_test(tc, references);
    suite_add_tcase(s, tc);

    tc = tcase_create("record");
    tcase_add_test(tc, users);
    tcase_add_test(tc, roles);
    tcase_add_test(tc, record_round_trip);
    tcase_add_test(tc, record_decode_is_strict);
    tcase_add_test(tc, cache_entry_round_trip);
    tcase_add_test(tc, timeouts);
    suite_add_tcase(s, tc);
    return s;
}
