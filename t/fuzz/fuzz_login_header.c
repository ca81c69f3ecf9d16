/* sec_session_login_header_parse and sec_session_logout_everywhere
 * (sec_session.h) on the NUL-terminated input: the X-SecSession-Login value
 * an application sends, which may carry what a user typed.
 *
 * Invariants: an accepted user passes sec_session_user_valid (so no control
 * character, CR or LF can reach a log line or a header) and has no ';' or
 * ',' (a merged duplicate header); the roles are
 * canonical (parsing them again gives the same text) and every role is
 * valid; a refusal always says why. The same input as a role file
 * (sec_session_roles_from_groups) gives a canonical role list or a refusal. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    const char *user = NULL, *roles = NULL, *err = NULL;

    if (sec_session_login_header_parse(p, s, &user, &roles, &err) == APR_SUCCESS) {
        const char *again = NULL, *r, *e2 = NULL;
        FZ_ASSERT(user && roles);
        FZ_ASSERT(sec_session_user_valid(user));
        FZ_ASSERT(!strpbrk(user, "\r\n;,"));
        FZ_ASSERT(sec_session_roles_parse(p, roles, &again, &e2) == APR_SUCCESS);
        FZ_ASSERT(!strcmp(again, roles));
        for (r = roles; *r;) {
            const char *c = strchr(r, ',');
            apr_size_t n = c ? (apr_size_t)(c - r) : strlen(r);
            FZ_ASSERT(sec_session_role_valid(r, n));
            FZ_ASSERT(sec_session_roles_has(roles, apr_pstrmemdup(p, r, n)));
            if (!c) {
                break;
            }
            r = c + 1;
        }
    }
    else {
        FZ_ASSERT(err && *err);
    }
    (void)sec_session_logout_everywhere(s);
    /* The same bytes as a SecSessionRoleFile (read by length, not to a
     * NUL): whatever it says, the roles a user gets are a valid list. */
    {
        const char *fr = NULL, *again = NULL, *e3 = NULL;
        int bad = 0;
        if (sec_session_roles_from_groups(p, (const char *)data, size, "alice", &fr, &bad) ==
            APR_SUCCESS) {
            FZ_ASSERT(fr && bad >= 0);
            FZ_ASSERT(sec_session_roles_parse(p, fr, &again, &e3) == APR_SUCCESS);
            FZ_ASSERT(!strcmp(again, fr));
        }
    }
    free(s);
    fz_pool_clear(p);
    return 0;
}
