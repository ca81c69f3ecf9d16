/* The login and logout assertions an application sends back in a response
 * header ("X-SecSession-Login: alice; roles=admin,editor"). The application
 * is trusted to say who logged in, but the text may carry what a user typed
 * (a user name), so it is parsed strictly: anything unexpected refuses the
 * whole assertion rather than guessing. */
#include <string.h>
#include <apr_strings.h>
#include "sec_session.h"

#define LOGIN_HEADER_MAX 4096

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* [start, end) with spaces and tabs around it removed */
static void trim(const char **start, const char **end)
{
    while (*start < *end && is_ows(**start)) (*start)++;
    while (*end > *start && is_ows((*end)[-1])) (*end)--;
}

apr_status_t sec_session_login_header_parse(apr_pool_t *p, const char *value,
                                            const char **user, const char **roles,
                                            const char **err)
{
    const char *s, *end, *semi, *ustart, *uend;
    const char *roles_text = NULL;
    apr_size_t len, i;

    *err = NULL;
    if (!value) {
        *err = "empty";
        return APR_EINVAL;
    }
    len = strnlen(value, LOGIN_HEADER_MAX + 1);
    if (len > LOGIN_HEADER_MAX) {
        *err = "longer than 4096 bytes";
        return APR_EINVAL;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            *err = "control character";
            return APR_EINVAL;
        }
    }
    s = value;
    end = value + len;
    semi = memchr(s, ';', len);
    ustart = s;
    uend = semi ? semi : end;
    trim(&ustart, &uend);
    *user = apr_pstrmemdup(p, ustart, (apr_size_t)(uend - ustart));
    /* Two headers of this name are merged into one by CGI gateways and
     * proxies ("alice, bob"): a comma cannot be told from that. */
    if (strchr(*user, ',')) {
        *err = "a ',' in the user name (the header sent twice?)";
        return APR_EINVAL;
    }
    if (!sec_session_user_valid(*user)) {
        *err = "not a valid user name (1-256 bytes of UTF-8, no control characters)";
        return APR_EINVAL;
    }
    while (semi) {
        const char *ps = semi + 1, *pe, *eq, *ns, *ne, *vs, *ve;
        semi = memchr(ps, ';', (apr_size_t)(end - ps));
        pe = semi ? semi : end;
        ns = ps;
        ne = pe;
        trim(&ns, &ne);
        if (ns == ne) {
            if (!semi) {
                break;   /* a trailing ';' */
            }
            *err = "empty parameter";
            return APR_EINVAL;
        }
        eq = memchr(ns, '=', (apr_size_t)(ne - ns));
        if (!eq) {
            *err = "parameter without '='";
            return APR_EINVAL;
        }
        vs = eq + 1;
        ve = ne;
        ne = eq;
        trim(&ns, &ne);
        trim(&vs, &ve);
        if ((apr_size_t)(ne - ns) != 5 || strncasecmp(ns, "roles", 5)) {
            *err = apr_psprintf(p, "unknown parameter '%.*s'",
                                (int)((ne - ns) > 32 ? 32 : (ne - ns)), ns);
            return APR_EINVAL;
        }
        if (roles_text) {
            *err = "roles= given twice";
            return APR_EINVAL;
        }
        if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
            vs++;
            ve--;
        }
        if (memchr(vs, '"', (apr_size_t)(ve - vs))) {
            *err = "stray quote in roles=";
            return APR_EINVAL;
        }
        roles_text = apr_pstrmemdup(p, vs, (apr_size_t)(ve - vs));
    }
    return sec_session_roles_parse(p, roles_text ? roles_text : "", roles, err);
}

int sec_session_logout_everywhere(const char *value)
{
    const char *s = value, *e;

    if (!s) {
        return 0;
    }
    e = s + strlen(s);
    trim(&s, &e);
    return e - s == 10 && !strncasecmp(s, "everywhere", 10);
}

/* AuthGroupFile's format: "role: user user ...", one role per line, '#'
 * comments. The roles whose line names user, in file order, as a canonical
 * list; lines with a bad role name are skipped and counted. */
apr_status_t sec_session_roles_from_groups(apr_pool_t *p, const char *text, apr_size_t len,
                                           const char *user, const char **roles,
                                           int *bad_lines)
{
    const char *s = text, *end = text + len;
    char *list = apr_pstrdup(p, "");
    const char *canonical, *err;

    *bad_lines = 0;
    while (s < end) {
        const char *eol = memchr(s, '\n', (apr_size_t)(end - s));
        const char *line_end = eol ? eol : end, *colon, *role, *role_end, *w;

        colon = memchr(s, ':', (apr_size_t)(line_end - s));
        role = s;
        while (role < line_end && is_ows(*role)) role++;
        if (role == line_end || *role == '#' || *role == '\r') {
            s = eol ? eol + 1 : end;
            continue;
        }
        if (!colon) {
            (*bad_lines)++;
            s = eol ? eol + 1 : end;
            continue;
        }
        role_end = colon;
        trim(&role, &role_end);
        if (!sec_session_role_valid(role, (apr_size_t)(role_end - role))) {
            (*bad_lines)++;
            s = eol ? eol + 1 : end;
            continue;
        }
        for (w = colon + 1; w < line_end;) {
            const char *we;
            while (w < line_end && (is_ows(*w) || *w == '\r')) w++;
            we = w;
            while (we < line_end && !is_ows(*we) && *we != '\r') we++;
            if (we > w && (apr_size_t)(we - w) == strlen(user) &&
                !memcmp(w, user, (apr_size_t)(we - w))) {
                list = apr_pstrcat(p, list, *list ? "," : "",
                                   apr_pstrmemdup(p, role, (apr_size_t)(role_end - role)), NULL);
                break;
            }
            w = we;
        }
        s = eol ? eol + 1 : end;
    }
    /* duplicates removed, as every role list is stored */
    if (sec_session_roles_parse(p, list, &canonical, &err) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    *roles = canonical;
    return APR_SUCCESS;
}
