/* sec_keyring: parsing, errors (with line numbers, never the secret), load
 * with permission warning, random keys, format/save round trips, rotation. */
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "unit.h"
#include "sec_keyring.h"
#include "sec_crypto.h"

/* A deterministic, distinctive secret of n bytes, base64url-encoded. */
static const char *secret_b64(apr_pool_t *p, apr_size_t n, unsigned seed)
{
    unsigned char *b = apr_palloc(p, n);
    apr_size_t i;

    for (i = 0; i < n; i++) {
        b[i] = (unsigned char)(i * 37u + seed * 101u + 11u);
    }
    return sec_base64url_encode(p, b, n);
}

static int parse_text(apr_pool_t *p, const char *text, sec_keyring_t **kr, const char **err)
{
    *kr = NULL;
    *err = NULL;
    return sec_keyring_parse(p, text, strlen(text), kr, err);
}

/* The error for text mentions want (e.g. "line 3") and none of the secrets. */
static void expect_error(apr_pool_t *p, const char *text, apr_size_t len, const char *want,
                         const char *const *secrets)
{
    sec_keyring_t *kr = NULL;
    const char *err = NULL;
    apr_status_t rv = sec_keyring_parse(p, text, len, &kr, &err);
    int i;

    ck_assert_msg(rv != APR_SUCCESS, "keyring accepted:\n%s", text);
    ck_assert_msg(err != NULL && *err, "no error message for:\n%s", text);
    if (want) {
        ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" does not mention \"%s\"", err, want);
    }
    for (i = 0; secrets && secrets[i]; i++) {
        char head[12];
        ck_assert_msg(strstr(err, secrets[i]) == NULL, "error leaks the secret: %s", err);
        apr_cpystrn(head, secrets[i], sizeof(head));
        ck_assert_msg(strstr(err, head) == NULL, "error leaks part of the secret: %s", err);
    }
}

static void expect_error_str(apr_pool_t *p, const char *text, const char *want,
                             const char *const *secrets)
{
    expect_error(p, text, strlen(text), want, secrets);
}

START_TEST(parse_single_implicit_current)
{
    apr_pool_t *p = unit_pool();
    const char *s = secret_b64(p, 32, 1);
    sec_keyring_t *kr;
    const char *err;
    unsigned char *raw;
    apr_size_t rawlen;

    ck_assert_int_eq(parse_text(p, apr_pstrcat(p, "key k1 ", s, "\n", NULL), &kr, &err),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(kr);
    ck_assert_int_eq(kr->keys->nelts, 1);
    ck_assert_ptr_nonnull(kr->current);
    ck_assert_str_eq(kr->current->id, "k1");
    ck_assert_uint_eq(kr->current->len, 32);
    ck_assert_int_eq(sec_base64url_decode(p, s, strlen(s), &raw, &rawlen), APR_SUCCESS);
    ck_assert_int_eq(memcmp(kr->current->secret, raw, 32), 0);
    ck_assert_ptr_eq(sec_keyring_find(kr, "k1", 2), kr->current);
    ck_assert_ptr_null(sec_keyring_find(kr, "k2", 2));
    ck_assert_ptr_null(sec_keyring_find(kr, "k", 1));
    /* no trailing newline, longer key */
    s = secret_b64(p, 64, 2);
    ck_assert_int_eq(parse_text(p, apr_pstrcat(p, "key long_key-1 ", s, NULL), &kr, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(kr->current->id, "long_key-1");
    ck_assert_uint_eq(kr->current->len, 64);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(parse_several_with_current)
{
    apr_pool_t *p = unit_pool();
    const char *s1 = secret_b64(p, 32, 1), *s2 = secret_b64(p, 40, 2), *s3 = secret_b64(p, 48, 3);
    const char *text = apr_pstrcat(p,
        "# secmods keyring\n"
        "\n"
        "key a ", s1, "   # the old one\n"
        "   \t \n"
        "\tkey  b\t", s2, "\r\n"
        "# current is defined before the key it names\n"
        "current c\n"
        "key c ", s3, "\n"
        "#key d AAAA\n", NULL);
    sec_keyring_t *kr;
    const char *err;
    const sec_key_t *b;

    ck_assert_msg(parse_text(p, text, &kr, &err) == APR_SUCCESS, "parse failed: %s", err);
    ck_assert_int_eq(kr->keys->nelts, 3);
    ck_assert_str_eq(kr->current->id, "c");
    ck_assert_uint_eq(kr->current->len, 48);
    b = sec_keyring_find(kr, "b", 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->len, 40);
    ck_assert_ptr_nonnull(sec_keyring_find(kr, "a", 1));
    ck_assert_ptr_null(sec_keyring_find(kr, "d", 1));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(parse_errors_with_line_numbers)
{
    apr_pool_t *p = unit_pool();
    const char *s1 = secret_b64(p, 32, 7), *s2 = secret_b64(p, 32, 8);
    const char *shortk = secret_b64(p, 31, 9);
    const char *secrets[] = {s1, s2, shortk, NULL};
    const char *hdr = "# comment\n\n";   /* so the bad line is line 3 */
    const char *t;

    /* bad ids */
    expect_error_str(p, apr_pstrcat(p, hdr, "key bad.id ", s1, "\n", NULL), "line 3", secrets);
    expect_error_str(p, apr_pstrcat(p, hdr, "key 123456789012345678901234567890123 ", s1, "\n",
                                    NULL), "line 3", secrets);
    expect_error_str(p, apr_pstrcat(p, hdr, "key a/b ", s1, "\n", NULL), "line 3", secrets);
    /* duplicate id */
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\n", hdr, "key a ", s2, "\ncurrent a\n",
                                    NULL), "line 4", secrets);
    /* short key */
    expect_error_str(p, apr_pstrcat(p, hdr, "key short ", shortk, "\n", NULL),
                     "line 3", secrets);
    expect_error_str(p, apr_pstrcat(p, hdr, "key short ", shortk, "\n", NULL),
                     "31", secrets);
    /* bad base64url: standard alphabet, padding, stray bits */
    expect_error_str(p, apr_pstrcat(p, hdr, "key b64 ", s1, "+/\n", NULL), "line 3", secrets);
    expect_error_str(p, apr_pstrcat(p, hdr, "key b64 ", s1, "=\n", NULL), "line 3", secrets);
    expect_error_str(p, apr_pstrcat(p, "key ok ", s2, "\nkey b64 ", s1, "!x\ncurrent ok\n",
                                    NULL), "line 2", secrets);
    /* current names a key that isn't there */
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\n", hdr, "current nope\n", NULL),
                     "line 4", secrets);
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\n", hdr, "current nope\n", NULL),
                     "nope", secrets);
    /* current twice */
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\ncurrent a\ncurrent a\n", NULL),
                     "line 3", secrets);
    /* several keys, no current */
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\nkey b ", s2, "\n", NULL),
                     "current", secrets);
    /* junk lines */
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\n", hdr, "hello world\n", NULL),
                     "line 4", secrets);
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\nkey b\n", NULL), "line 2", secrets);
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, " extra\n", NULL), "line 1", secrets);
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\ncurrent\n", NULL), "line 2", secrets);
    expect_error_str(p, apr_pstrcat(p, "key a ", s1, "\nKEY b ", s2, "\n", NULL),
                     "line 2", secrets);
    /* no keys at all */
    expect_error(p, "# only a comment\n", 17, NULL, secrets);
    expect_error(p, "", 0, NULL, secrets);
    /* a NUL byte inside the text */
    {
        char buf[256];
        apr_size_t n;
        t = apr_pstrcat(p, "key a ", s1, "\n", NULL);
        n = strlen(t);
        memcpy(buf, t, n);
        buf[n] = '\0';
        memcpy(buf + n + 1, "key b ", 6);
        memcpy(buf + n + 7, s2, strlen(s2));
        n += 7 + strlen(s2);
        expect_error(p, buf, n, "NUL", secrets);
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(id_valid)
{
    ck_assert_int_eq(sec_keyring_id_valid("a", 1), 1);
    ck_assert_int_eq(sec_keyring_id_valid("Key_2024-01", 11), 1);
    ck_assert_int_eq(sec_keyring_id_valid("12345678901234567890123456789012", 32), 1);
    ck_assert_int_eq(sec_keyring_id_valid("123456789012345678901234567890123", 33), 0);
    ck_assert_int_eq(sec_keyring_id_valid("", 0), 0);
    ck_assert_int_eq(sec_keyring_id_valid("a.b", 3), 0);
    ck_assert_int_eq(sec_keyring_id_valid("a b", 3), 0);
    ck_assert_int_eq(sec_keyring_id_valid("a\xc3\xa9", 3), 0);
    /* only len bytes are looked at */
    ck_assert_int_eq(sec_keyring_id_valid("ab!", 2), 1);
}
END_TEST

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    apr_size_t n = strlen(text);

    ck_assert_msg(fd >= 0, "cannot create %s", path);
    ck_assert_int_eq((int)write(fd, text, n), (int)n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(close(fd), 0);
}

static char *tmpdir;

static void tmpdir_setup(void)
{
    tmpdir = unit_mkdtemp("keyring");
}

static void tmpdir_teardown(void)
{
    unit_rmtree(tmpdir);
}

START_TEST(load_file_and_permissions)
{
    apr_pool_t *p = unit_pool();
    const char *s1 = secret_b64(p, 32, 1), *s2 = secret_b64(p, 32, 2);
    char *path = apr_pstrcat(p, tmpdir, "/keys", NULL);
    sec_keyring_t *kr = NULL;
    const char *err = NULL;
    int warn = -1;

    write_file(path, apr_pstrcat(p, "key a ", s1, "\nkey b ", s2, "\ncurrent b\n", NULL), 0600);
    ck_assert_msg(sec_keyring_load(p, path, &kr, &err, &warn) == APR_SUCCESS, "load: %s", err);
    ck_assert_int_eq(warn, 0);
    ck_assert_int_eq(kr->keys->nelts, 2);
    ck_assert_str_eq(kr->current->id, "b");

    ck_assert_int_eq(chmod(path, 0644), 0);
    warn = -1;
    ck_assert_int_eq(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_int_eq(warn, 1);

    ck_assert_int_eq(chmod(path, 0640), 0);
    warn = -1;
    ck_assert_int_eq(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_int_eq(warn, 1);

    ck_assert_int_eq(chmod(path, 0400), 0);
    warn = -1;
    ck_assert_int_eq(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_int_eq(warn, 0);
    apr_pool_destroy(p);
}
END_TEST

/* What is warned about: group/other access either way, and an owner other
 * than the user who reads the file at startup (who could swap the keys). */
START_TEST(permission_flags)
{
    const apr_fileperms_t u = APR_FPROT_UREAD | APR_FPROT_UWRITE;

    ck_assert_int_eq(sec_keyring_perm_flags(u, 0, 0), 0);
    ck_assert_int_eq(sec_keyring_perm_flags(APR_FPROT_UREAD, 0, 0), 0);
    ck_assert_int_eq(sec_keyring_perm_flags(u | APR_FPROT_GREAD, 0, 0), SEC_KEYRING_LOOSE_MODE);
    ck_assert_int_eq(sec_keyring_perm_flags(u | APR_FPROT_WREAD, 0, 0), SEC_KEYRING_LOOSE_MODE);
    ck_assert_int_eq(sec_keyring_perm_flags(u | APR_FPROT_GWRITE, 0, 0), SEC_KEYRING_LOOSE_MODE);
    ck_assert_int_eq(sec_keyring_perm_flags(u | APR_FPROT_WWRITE, 0, 0), SEC_KEYRING_LOOSE_MODE);
    ck_assert_int_eq(sec_keyring_perm_flags(u, 33, 0), SEC_KEYRING_OTHER_OWNER);
    ck_assert_int_eq(sec_keyring_perm_flags(u | APR_FPROT_GREAD | APR_FPROT_WREAD, 33, 0),
                     SEC_KEYRING_LOOSE_MODE | SEC_KEYRING_OTHER_OWNER);
    ck_assert_str_eq(sec_keyring_perm_text(SEC_KEYRING_LOOSE_MODE),
                     "is readable or writable by group or others");
    ck_assert_str_eq(sec_keyring_perm_text(SEC_KEYRING_OTHER_OWNER), "is owned by another user");
    ck_assert_ptr_nonnull(strstr(sec_keyring_perm_text(SEC_KEYRING_LOOSE_MODE |
                                                       SEC_KEYRING_OTHER_OWNER), "and owned"));
}
END_TEST

START_TEST(load_errors)
{
    apr_pool_t *p = unit_pool();
    const char *s1 = secret_b64(p, 32, 1);
    char *path = apr_pstrcat(p, tmpdir, "/bad", NULL);
    sec_keyring_t *kr = NULL;
    const char *err = NULL;
    int warn = -1;

    ck_assert_int_ne(sec_keyring_load(p, apr_pstrcat(p, tmpdir, "/missing", NULL), &kr, &err,
                                      &warn), APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    err = NULL;
    ck_assert_int_ne(sec_keyring_load(p, tmpdir, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    /* parse errors come through, still without the secret */
    write_file(path, apr_pstrcat(p, "# x\nkey bad! ", s1, "\n", NULL), 0600);
    err = NULL;
    ck_assert_int_ne(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "line 2") != NULL, "error: %s", err);
    ck_assert_ptr_null(strstr(err, s1));
    apr_pool_destroy(p);
}
END_TEST

START_TEST(add_random_format_parse)
{
    apr_pool_t *p = unit_pool();
    sec_keyring_t *kr = sec_keyring_make(p), *back = NULL;
    const sec_key_t *k1 = NULL, *k2 = NULL;
    const char *err = NULL, *id1;
    char *text;
    int i;

    ck_assert_ptr_nonnull(kr);
    ck_assert_int_eq(kr->keys->nelts, 0);
    ck_assert_ptr_null(kr->current);
    ck_assert_int_eq(sec_keyring_add_random(p, kr, NULL, 1, &k1), APR_SUCCESS);
    ck_assert_ptr_nonnull(k1);
    id1 = apr_pstrdup(p, k1->id);
    /* a date-based id: k<yyyymmdd><4 hex> */
    ck_assert_uint_eq(strlen(id1), 13);
    ck_assert_int_eq(id1[0], 'k');
    for (i = 1; i < 9; i++) ck_assert_msg(apr_isdigit(id1[i]), "id %s", id1);
    for (i = 9; i < 13; i++) ck_assert_msg(apr_isxdigit(id1[i]), "id %s", id1);
    ck_assert_int_eq(sec_keyring_id_valid(id1, strlen(id1)), 1);
    ck_assert_uint_ge(k1->len, SEC_KEY_MIN_LEN);
    ck_assert_ptr_nonnull(kr->current);
    ck_assert_str_eq(kr->current->id, id1);

    ck_assert_int_eq(sec_keyring_add_random(p, kr, "second", 0, &k2), APR_SUCCESS);
    ck_assert_str_eq(kr->current->id, id1);
    ck_assert_int_ne(memcmp(sec_keyring_find(kr, id1, strlen(id1))->secret, k2->secret,
                            SEC_KEY_MIN_LEN), 0);
    ck_assert_int_eq(sec_keyring_add_random(p, kr, "second", 0, NULL), APR_EEXIST);
    ck_assert_int_eq(sec_keyring_add_random(p, kr, "bad id", 0, NULL), APR_EINVAL);
    ck_assert_int_eq(kr->keys->nelts, 2);

    text = sec_keyring_format(p, kr);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, apr_pstrcat(p, "current ", id1, "\n", NULL)));
    ck_assert_msg(parse_text(p, text, &back, &err) == APR_SUCCESS, "reparse: %s\n%s", err, text);
    ck_assert_int_eq(back->keys->nelts, 2);
    ck_assert_str_eq(back->current->id, id1);
    for (i = 0; i < kr->keys->nelts; i++) {
        const sec_key_t *a = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        const sec_key_t *b = sec_keyring_find(back, a->id, strlen(a->id));
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(a->len, b->len);
        ck_assert_int_eq(memcmp(a->secret, b->secret, a->len), 0);
    }
    apr_pool_destroy(p);
}
END_TEST

START_TEST(save_mode_0600_roundtrip)
{
    apr_pool_t *p = unit_pool();
    sec_keyring_t *kr = sec_keyring_make(p), *back = NULL;
    char *path = apr_pstrcat(p, tmpdir, "/keyring", NULL);
    struct stat st;
    const char *err = NULL;
    int warn = -1, nfiles = 0, i;
    mode_t old = umask(022);
    DIR *d;
    struct dirent *e;

    ck_assert_int_eq(sec_keyring_add_random(p, kr, "one", 1, NULL), APR_SUCCESS);
    ck_assert_int_eq(sec_keyring_add_random(p, kr, "two", 0, NULL), APR_SUCCESS);
    /* over an existing world-readable file */
    write_file(path, "old contents\n", 0644);
    ck_assert_int_eq(sec_keyring_save(p, kr, path), APR_SUCCESS);
    umask(old);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg((st.st_mode & 07777) == 0600, "saved with mode %o", (unsigned)(st.st_mode & 07777));
    ck_assert_msg(S_ISREG(st.st_mode), "not a regular file");
    ck_assert_msg(sec_keyring_load(p, path, &back, &err, &warn) == APR_SUCCESS, "load: %s", err);
    ck_assert_int_eq(warn, 0);
    ck_assert_int_eq(back->keys->nelts, 2);
    ck_assert_str_eq(back->current->id, "one");
    for (i = 0; i < 2; i++) {
        const sec_key_t *a = &APR_ARRAY_IDX(kr->keys, i, sec_key_t);
        const sec_key_t *b = sec_keyring_find(back, a->id, strlen(a->id));
        ck_assert_ptr_nonnull(b);
        ck_assert_int_eq(memcmp(a->secret, b->secret, a->len), 0);
    }
    /* the temporary file was renamed, not left behind */
    d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (!strncmp(e->d_name, "keyring", 7)) {
            nfiles++;
            ck_assert_msg(!strcmp(e->d_name, "keyring"), "left behind: %s", e->d_name);
        }
    }
    closedir(d);
    ck_assert_int_eq(nfiles, 1);
    /* saving into a directory that doesn't exist fails */
    ck_assert_int_ne(sec_keyring_save(p, kr, apr_pstrcat(p, tmpdir, "/no/such/dir/k", NULL)),
                     APR_SUCCESS);
    apr_pool_destroy(p);
}
END_TEST

START_TEST(rotation)
{
    apr_pool_t *p = unit_pool();
    const char *s1 = secret_b64(p, 32, 1);
    char *path = apr_pstrcat(p, tmpdir, "/rot", NULL);
    sec_keyring_t *kr = NULL;
    const char *err = NULL;
    const sec_key_t *old, *added = NULL;
    unsigned char old_secret[32];
    int warn, i;

    write_file(path, apr_pstrcat(p, "key old ", s1, "\n", NULL), 0600);
    ck_assert_int_eq(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_str_eq(kr->current->id, "old");
    memcpy(old_secret, kr->current->secret, 32);

    ck_assert_int_eq(sec_keyring_add_random(p, kr, "new", 1, &added), APR_SUCCESS);
    ck_assert_ptr_nonnull(added);
    ck_assert_str_eq(kr->current->id, "new");
    old = sec_keyring_find(kr, "old", 3);
    ck_assert_ptr_nonnull(old);
    ck_assert_int_eq(memcmp(old->secret, old_secret, 32), 0);

    /* more keys that are not made current: current stays "new" even when
     * the array grows and moves */
    for (i = 0; i < 6; i++) {
        ck_assert_int_eq(sec_keyring_add_random(p, kr, apr_psprintf(p, "extra%d", i), 0, NULL),
                         APR_SUCCESS);
        ck_assert_str_eq(kr->current->id, "new");
        ck_assert_ptr_eq(kr->current, sec_keyring_find(kr, "new", 3));
    }
    ck_assert_int_eq(kr->keys->nelts, 8);

    ck_assert_int_eq(sec_keyring_save(p, kr, path), APR_SUCCESS);
    ck_assert_int_eq(sec_keyring_load(p, path, &kr, &err, &warn), APR_SUCCESS);
    ck_assert_int_eq(kr->keys->nelts, 8);
    ck_assert_str_eq(kr->current->id, "new");
    old = sec_keyring_find(kr, "old", 3);
    ck_assert_ptr_nonnull(old);
    ck_assert_int_eq(memcmp(old->secret, old_secret, 32), 0);
    apr_pool_destroy(p);
}
END_TEST

Suite *keyring_suite(void)
{
    Suite *s = suite_create("keyring");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, parse_single_implicit_current);
    tcase_add_test(tc, parse_several_with_current);
    tcase_add_test(tc, parse_errors_with_line_numbers);
    tcase_add_test(tc, id_valid);
    tcase_add_test(tc, add_random_format_parse);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    /* in the runner process: the directory is removed even when a test fails */
    tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
    tcase_add_test(tc, load_file_and_permissions);
    tcase_add_test(tc, permission_flags);
    tcase_add_test(tc, load_errors);
    tcase_add_test(tc, save_mode_0600_roundtrip);
    tcase_add_test(tc, rotation);
    suite_add_tcase(s, tc);
    return s;
}
