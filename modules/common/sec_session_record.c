/* Session records (JSON in the store), users and roles, timeouts. */
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>
#include "sec_session.h"
#include "sec_parse.h"

#define RECORD_VERSION 1

int sec_session_user_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t len, i;

    if (!s) {
        return 0;
    }
    len = strnlen(s, SEC_SESSION_USER_MAX + 1);
    if (len == 0 || len > SEC_SESSION_USER_MAX || u[0] == ' ' || u[len - 1] == ' ') {
        return 0;
    }
    for (i = 0; i < len;) {
        unsigned char c = u[i];
        apr_size_t n, k;
        apr_uint32_t cp;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return 0;
            }
            i++;
            continue;
        }
        /* UTF-8 in its shortest form, no surrogates, nothing above U+10FFFF,
         * no C1 controls. */
        if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
        else {
            return 0;
        }
        if (i + n >= len) {
            return 0;
        }
        for (k = 1; k <= n; k++) {
            if ((u[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f)) {
            return 0;
        }
        i += n + 1;
    }
    return 1;
}

int sec_session_role_valid(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (!s || len == 0 || len > SEC_SESSION_ROLE_MAX) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

int sec_session_roles_has(const char *roles, const char *role)
{
    apr_size_t rlen;
    const char *p;

    if (!roles || !role || !*role) {
        return 0;
    }
    rlen = strlen(role);
    for (p = roles; *p;) {
        const char *e = strchr(p, ',');
        apr_size_t n = e ? (apr_size_t)(e - p) : strlen(p);
        if (n == rlen && !memcmp(p, role, n)) {
            return 1;
        }
        if (!e) {
            break;
        }
        p = e + 1;
    }
    return 0;
}

apr_status_t sec_session_roles_parse(apr_pool_t *p, const char *s, const char **canonical,
                                     const char **err)
{
    const char *c = s ? s : "";
    char *out, *o;
    int count = 0;

    while (*c == ' ' || *c == '\t') c++;
    out = o = apr_palloc(p, strlen(c) + 1);
    *out = '\0';
    if (!*c) {
        *canonical = out;
        return APR_SUCCESS;
    }
    for (;;) {
        const char *start, *end;
        while (*c == ' ' || *c == '\t') c++;
        start = c;
        while (*c && *c != ',') c++;
        end = c;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
        if (end == start) {
            *err = "empty role name";
            return APR_EINVAL;
        }
        if (!sec_session_role_valid(start, (apr_size_t)(end - start))) {
            *err = apr_psprintf(p, "role '%.*s' is not 1-64 of A-Z a-z 0-9 _ . : -",
                                (int)((end - start) > 64 ? 64 : (end - start)), start);
            return APR_EINVAL;
        }
        *o = '\0';
        {
            char *item = apr_pstrmemdup(p, start, (apr_size_t)(end - start));
            if (!sec_session_roles_has(out, item)) {
                if (++count > SEC_SESSION_ROLES_MAX) {
                    *err = "more than 32 roles";
                    return APR_EINVAL;
                }
                if (o != out) {
                    *o++ = ',';
                }
                memcpy(o, item, (apr_size_t)(end - start));
                o += end - start;
                *o = '\0';
            }
        }
        if (!*c) {
            break;
        }
        c++;   /* the comma */
    }
    *canonical = out;
    return APR_SUCCESS;
}

/* --- the record ----------------------------------------------------------- */

char *sec_session_record_encode(apr_pool_t *p, const sec_session_record_t *rec)
{
    json_t *j = json_object();
    char *text, *out;

    json_object_set_new(j, "v", json_integer(RECORD_VERSION));
    json_object_set_new(j, "u", json_string(rec->user));
    json_object_set_new(j, "r", json_string(rec->roles ? rec->roles : ""));
    json_object_set_new(j, "c", json_integer((json_int_t)rec->created));
    json_object_set_new(j, "s", json_integer((json_int_t)rec->seen));
    json_object_set_new(j, "k", json_string(rec->kid ? rec->kid : ""));
    if (rec->ip) {
        json_object_set_new(j, "ip", json_string(rec->ip));
    }
    json_object_set_new(j, "m", json_string(rec->method ? rec->method : ""));
    /* generations are 64-bit; JSON integers here are signed, so as text */
    json_object_set_new(j, "ug", json_string(apr_psprintf(p, "%" APR_UINT64_T_FMT, rec->user_gen)));
    json_object_set_new(j, "gg", json_string(apr_psprintf(p, "%" APR_UINT64_T_FMT, rec->global_gen)));
    json_object_set_new(j, "i", json_integer((json_int_t)rec->idle));
    json_object_set_new(j, "a", json_integer((json_int_t)rec->absolute));
    if (rec->validated) {
        json_object_set_new(j, "at", json_integer((json_int_t)rec->validated));
    }
    text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!text) {
        return NULL;   /* a user that is not UTF-8: sec_session_user_valid refuses those */
    }
    out = apr_pstrdup(p, text);
    free(text);
    return out;
}

static const char *get_str(apr_pool_t *p, json_t *j, const char *name, int required)
{
    json_t *v = json_object_get(j, name);

    if (!v) {
        return required ? NULL : "";
    }
    return json_is_string(v) ? apr_pstrdup(p, json_string_value(v)) : NULL;
}

static int get_time(json_t *j, const char *name, apr_time_t *out)
{
    json_t *v = json_object_get(j, name);

    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return 0;
    }
    *out = (apr_time_t)json_integer_value(v);
    return 1;
}

static int get_u64(json_t *j, const char *name, apr_uint64_t *out)
{
    json_t *v = json_object_get(j, name);
    const char *s;

    if (!json_is_string(v)) {
        return 0;
    }
    s = json_string_value(v);
    return sec_parse_uint(s, 0, APR_UINT64_MAX, out) == APR_SUCCESS;
}

apr_status_t sec_session_record_decode(apr_pool_t *p, const char *buf, apr_size_t len,
                                       sec_session_record_t *rec)
{
    json_t *j, *v;
    const char *roles, *err;
    apr_status_t rv = APR_EINVAL;

    memset(rec, 0, sizeof(*rec));
    if (!buf || len == 0 || len > 8192) {
        return APR_EINVAL;
    }
    j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return APR_EINVAL;
    }
    v = json_object_get(j, "v");
    if (!json_is_integer(v) || json_integer_value(v) != RECORD_VERSION) {
        goto done;
    }
    rec->user = get_str(p, j, "u", 1);
    roles = get_str(p, j, "r", 1);
    rec->kid = get_str(p, j, "k", 1);
    rec->method = get_str(p, j, "m", 0);
    if (json_object_get(j, "ip")) {
        if (!(rec->ip = get_str(p, j, "ip", 1))) {
            goto done;
        }
    }
    if (!rec->user || !sec_session_user_valid(rec->user) || !roles || !rec->kid ||
        !rec->method) {
        goto done;
    }
    /* the stored list must already be canonical */
    if (sec_session_roles_parse(p, roles, &rec->roles, &err) != APR_SUCCESS ||
        strcmp(rec->roles, roles)) {
        goto done;
    }
    if (!get_time(j, "c", &rec->created) || !get_time(j, "s", &rec->seen) ||
        !get_time(j, "i", &rec->idle) || !get_time(j, "a", &rec->absolute) ||
        !get_u64(j, "ug", &rec->user_gen) || !get_u64(j, "gg", &rec->global_gen)) {
        goto done;
    }
    if (json_object_get(j, "at") && !get_time(j, "at", &rec->validated)) {
        goto done;
    }
    if (rec->idle <= 0 || rec->absolute <= 0 || rec->seen < rec->created) {
        goto done;
    }
    rv = APR_SUCCESS;
done:
    json_decref(j);
    if (rv != APR_SUCCESS) {
        memset(rec, 0, sizeof(*rec));
    }
    return rv;
}

/* --- the local cache's entry --------------------------------------------------- */

#define CACHE_FIELDS 13

char *sec_session_cache_encode(apr_pool_t *p, const sec_session_record_t *rec)
{
    if (!rec->user || !sec_session_user_valid(rec->user) || !rec->kid || strchr(rec->kid, '\t') ||
        (rec->method && strchr(rec->method, '\t')) || (rec->ip && strchr(rec->ip, '\t')) ||
        (rec->roles && strchr(rec->roles, '\t'))) {
        return NULL;
    }
    return apr_psprintf(p, "c1\t%" APR_TIME_T_FMT "\t%" APR_TIME_T_FMT "\t%" APR_TIME_T_FMT
                        "\t%" APR_TIME_T_FMT "\t%" APR_TIME_T_FMT "\t%" APR_UINT64_T_FMT
                        "\t%" APR_UINT64_T_FMT "\t%s\t%s\t%s\t%s\t%s",
                        rec->validated, rec->created, rec->seen, rec->idle, rec->absolute,
                        rec->user_gen, rec->global_gen, rec->kid, rec->method ? rec->method : "",
                        rec->ip && *rec->ip ? rec->ip : "-", rec->roles ? rec->roles : "",
                        rec->user);
}

static int cache_time(const char *s, apr_time_t *out)
{
    apr_uint64_t v;

    if (sec_parse_uint(s, 0, (apr_uint64_t)APR_INT64_MAX, &v) != APR_SUCCESS) {
        return 0;
    }
    *out = (apr_time_t)v;
    return 1;
}

apr_status_t sec_session_cache_decode(apr_pool_t *p, const char *buf, apr_size_t len,
                                      sec_session_record_t *rec)
{
    char *copy, *f[CACHE_FIELDS], *c;
    const char *canon, *err;
    int n = 0;

    memset(rec, 0, sizeof(*rec));
    if (!buf || len < 3 || len > 4096 || memchr(buf, '\0', len)) {
        return APR_EINVAL;
    }
    copy = apr_pstrmemdup(p, buf, len);
    for (c = copy; n < CACHE_FIELDS; n++) {
        char *tab;
        f[n] = c;
        tab = strchr(c, '\t');
        if (n == CACHE_FIELDS - 1) {
            break;                      /* the user: the rest of the line */
        }
        if (!tab) {
            return APR_EINVAL;
        }
        *tab = '\0';
        c = tab + 1;
    }
    if (strcmp(f[0], "c1") || strchr(f[12], '\t')) {
        return APR_EINVAL;
    }
    if (!cache_time(f[1], &rec->validated) || !cache_time(f[2], &rec->created) ||
        !cache_time(f[3], &rec->seen) || !cache_time(f[4], &rec->idle) ||
        !cache_time(f[5], &rec->absolute) ||
        sec_parse_uint(f[6], 0, APR_UINT64_MAX, &rec->user_gen) != APR_SUCCESS ||
        sec_parse_uint(f[7], 0, APR_UINT64_MAX, &rec->global_gen) != APR_SUCCESS) {
        goto bad;
    }
    rec->kid = f[8];
    rec->method = f[9];
    rec->ip = strcmp(f[10], "-") && *f[10] ? f[10] : NULL;
    rec->user = f[12];
    if (!sec_keyring_id_valid(rec->kid, strlen(rec->kid)) || !sec_session_user_valid(rec->user) ||
        sec_session_roles_parse(p, f[11], &canon, &err) != APR_SUCCESS || strcmp(canon, f[11]) ||
        rec->idle <= 0 || rec->absolute <= 0 || rec->seen < rec->created) {
        goto bad;
    }
    rec->roles = f[11];
    return APR_SUCCESS;
bad:
    memset(rec, 0, sizeof(*rec));
    return APR_EINVAL;
}

sec_session_check_e sec_session_record_check(const sec_session_record_t *rec, apr_time_t now,
                                             apr_interval_time_t idle,
                                             apr_interval_time_t absolute)
{
    apr_interval_time_t i = rec->idle, a = rec->absolute;

    if (idle > 0 && idle < i) {
        i = idle;
    }
    if (absolute > 0 && absolute < a) {
        a = absolute;
    }
    if (now - rec->created >= a) {
        return SEC_SR_ABSOLUTE;
    }
    if (now - (rec->seen > rec->created ? rec->seen : rec->created) >= i) {
        return SEC_SR_IDLE;
    }
    return SEC_SR_VALID;
}

apr_interval_time_t sec_session_seen_interval(apr_interval_time_t idle)
{
    apr_interval_time_t t = idle / 8;

    if (t < apr_time_from_sec(1)) {
        t = apr_time_from_sec(1);
    }
    if (t > apr_time_from_sec(60)) {
        t = apr_time_from_sec(60);
    }
    return t;
}

apr_uint32_t sec_session_record_ttl(const sec_session_record_t *rec, apr_time_t now)
{
    apr_interval_time_t left = rec->created + rec->absolute - now;
    apr_int64_t s = (apr_int64_t)((left + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);

    if (s < 1) {
        return 1;
    }
    if (s > 0x7fffffff) {
        return 0x7fffffff;
    }
    return (apr_uint32_t)s;
}
