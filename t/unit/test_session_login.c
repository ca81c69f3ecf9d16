/* sec_session_login_header_parse: the application's login assertion. */
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "unit.h"
#include "sec_session.h"

static void ok(const char *in, const char *user, const char *roles)
{
    apr_pool_t *p = unit_pool();
    const char *u = NULL, *r = NULL, *err = NULL;
    apr_status_t rv = sec_session_login_header_parse(p, in, &u, &r, &err);

    ck_assert_msg(rv == APR_SUCCESS, "refused \"%s\": %s", in, err ? err : "?");
    ck_assert_str_eq(u, user);
    ck_assert_str_eq(r, roles);
    apr_pool_destroy(p);
}

static void bad(const char *in, const char *why)
{
    apr_pool_t *p = unit_pool();
    const char *u = NULL, *r = NULL, *err = NULL;
    apr_status_t rv = sec_session_login_header_parse(p, in, &u, &r, &err);

    ck_assert_msg(rv != APR_SUCCESS, "accepted \"%s\"", in ? in : "(null)");
    ck_assert_ptr_nonnull(err);
    if (why) {
        ck_assert_msg(strstr(err, why) != NULL, "\"%s\": error \"%s\" lacks \"%s\"", in, err, why);
    }
    apr_pool_destroy(p);
}

START_TEST(accepted)
{
    ok("alice", "alice", "");
    ok("alice; roles=admin,editor", "alice", "admin,editor");
    ok("  alice  ;  roles = admin , editor  ", "alice", "admin,editor");
    ok("alice;roles=\"admin,editor\"", "alice", "admin,editor");
    ok("alice; ROLES=ops", "alice", "ops");
    ok("alice; roles=", "alice", "");
    ok("alice;", "alice", "");
    ok("Jos\xc3\xa9 Garc\xc3\xad" "a; roles=a", "Jos\xc3\xa9 Garc\xc3\xad" "a", "a");
    ok("a@example.com; roles=x,x,y", "a@example.com", "x,y");
}
END_TEST

START_TEST(refused)
{
    bad(NULL, NULL);
    bad("", "user");
    bad("   ", "user");
    bad("; roles=admin", "user");
    bad("alice; role=admin", "unknown parameter");
    bad("alice; admin", "without '='");
    bad("alice; roles=a; roles=b", "twice");
    bad("alice; roles=a b", "role");
    bad("alice; roles=\"a", "quote");
    bad("alice;; roles=a", "empty parameter");
    bad("ali\rce", "control");
    bad("alice\r\nSet-Cookie: x=1", "control");
    bad("alice\x7f", "control");
    bad("alice, bob", "','");
    bad("alice, alice; roles=admin", "','");
    bad("\xff\xfe", "user");
    {
        char *big = malloc(5000);
        memset(big, 'a', 4999);
        big[4999] = '\0';
        bad(big, "longer");
        big[300] = '\0';
        bad(big, "user");
        free(big);
    }
}
END_TEST

START_TEST(logout_value)
{
    ck_assert(sec_session_logout_everywhere("everywhere"));
    ck_assert(sec_session_logout_everywhere(" Everywhere "));
    ck_assert(!sec_session_logout_everywhere("1"));
    ck_assert(!sec_session_logout_everywhere(""));
    ck_assert(!sec_session_logout_everywhere(NULL));
    ck_assert(!sec_session_logout_everywhere("everywhere-else"));
}
END_TEST

static const char *roles_of(const char *file, const char *user, int *bad)
{
    apr_pool_t *p = unit_pool();
    const char *roles = NULL;
    static char out[256];

    ck_assert_int_eq(sec_session_roles_from_groups(p, file, strlen(file), user, &roles, bad),
                     APR_SUCCESS);
    apr_cpystrn(out, roles, sizeof(out));
    apr_pool_destroy(p);
    return out;
}

START_TEST(role_file)
{
    const char *file = "# roles of the admin area\n"
                       "admin: alice carol\n"
                       "  editor :bob alice\r\n"
                       "\n"
                       "ops.oncall: alicex bob\n"
                       "bad role: alice\n"
                       "no colon alice\n"
                       "admin: alice\n"
                       "readers: alice";
    int bad = -1;

    ck_assert_str_eq(roles_of(file, "alice", &bad), "admin,editor,readers");
    ck_assert_int_eq(bad, 2);
    ck_assert_str_eq(roles_of(file, "bob", &bad), "editor,ops.oncall");
    ck_assert_str_eq(roles_of(file, "carol", &bad), "admin");
    /* whole words only: "alicex" is not alice, "ali" is nobody */
    ck_assert_str_eq(roles_of(file, "ali", &bad), "");
    ck_assert_str_eq(roles_of("", "alice", &bad), "");
    ck_assert_int_eq(bad, 0);
}
END_TEST

Suite *session_login_suite(void)
{
    Suite *s = suite_create("session_login");
    TCase *tc = tcase_create("header");

    tcase_add_test(tc, accepted);
    tcase_add_test(tc, refused);
    tcase_add_test(tc, logout_value);
    tcase_add_test(tc, role_file);
    suite_add_tcase(s, tc);
    return s;
}
