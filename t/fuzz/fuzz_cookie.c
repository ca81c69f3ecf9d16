/* sec_cookie_find, sec_cookie_remove (the Cookie request header: attacker
 * input), sec_cookie_format and sec_cookie_check (sec_cookie.h).
 *
 * Input layout: "<name>\n<header>" (the first '\n' splits; without one the
 * whole input is the header and the name is "sid"). The first byte of the
 * header also picks attributes for format/check.
 */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_cookie.h"

#define MAX_OTHERS 16

static int tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Names in the header, by a naive split written apart from the library's:
 * candidates to compare counts for, not an oracle for the counts. */
static int other_names(apr_pool_t *p, const char *h, const char *skip, const char **names)
{
    int n = 0;
    const char *s = h;

    while (*s && n < MAX_OTHERS) {
        const char *e = s + strcspn(s, ";"), *eq = memchr(s, '=', (apr_size_t)(e - s));
        if (eq) {
            const char *a = s, *b = eq;
            while (a < b && (*a == ' ' || *a == '\t')) {
                a++;
            }
            while (b > a && (b[-1] == ' ' || b[-1] == '\t')) {
                b--;
            }
            names[n] = apr_pstrmemdup(p, a, (apr_size_t)(b - a));
            if (strcmp(names[n], skip)) {
                n++;
            }
        }
        s = *e ? e + 1 : e;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[2];
    int nf = fz_split(data, size, "\n", 1, f, 2);
    const char *name = nf > 1 ? f[0] : "sid", *header = nf > 1 ? f[1] : f[0];
    const char *first = "unset", *others[MAX_OTHERS];
    apr_size_t hlen = strlen(header);
    int count, i, no;
    char *rest;

    count = sec_cookie_find(p, header, name, &first);
    FZ_ASSERT(count >= 0);
    FZ_ASSERT((count == 0) == (first == NULL));
    FZ_ASSERT(sec_cookie_find(p, header, name, NULL) == count);
    if (hlen > SEC_COOKIE_HEADER_MAX) {
        FZ_ASSERT(count == 0);
    }
    if (first) {
        /* the value is in the header as it was (quotes aside) */
        FZ_ASSERT(strstr(header, first) != NULL);
        FZ_ASSERT(!strchr(first, ';'));
    }

    rest = sec_cookie_remove(p, header, name);
    if (rest) {
        FZ_ASSERT(*rest);
        FZ_ASSERT(strlen(rest) <= hlen);
        /* the cookie is gone, whatever the header's length */
        FZ_ASSERT(sec_cookie_find(p, rest, name, NULL) == 0);
        FZ_ASSERT(sec_cookie_remove(p, rest, name) != NULL);
        FZ_ASSERT(!strcmp(sec_cookie_remove(p, rest, name), rest));
    }
    if (hlen <= SEC_COOKIE_HEADER_MAX) {
        /* every other cookie keeps its count and its first value */
        no = other_names(p, header, name, others);
        for (i = 0; i < no; i++) {
            const char *v1 = NULL, *v2 = NULL;
            int c1 = sec_cookie_find(p, header, others[i], &v1);
            int c2 = rest ? sec_cookie_find(p, rest, others[i], &v2) : 0;
            FZ_ASSERT(c1 == c2);
            FZ_ASSERT(c1 == 0 || !strcmp(v1, v2));
        }
        if (!rest) {
            FZ_ASSERT(no == 0);
        }
    }

    /* names: exactly the RFC 7230 tokens */
    {
        int valid = *name != '\0';
        const char *c;
        for (c = name; *c; c++) {
            valid = valid && tchar((unsigned char)*c);
        }
        FZ_ASSERT(sec_cookie_name_valid(name) == valid);
    }

    /* format and check, with attributes picked by the first header byte */
    {
        static const char *const ss[] = {NULL, "Strict", "lax", "NONE", "bogus"};
        unsigned char sel = hlen ? (unsigned char)header[0] : 0;
        sec_cookie_attrs_t a;
        const char *why, *value = hlen ? header + 1 : "", *back = NULL;
        char *sc;

        a.path = (sel & 1) ? "/" : (sel & 2) ? "/app" : NULL;
        a.domain = (sel & 4) ? "example.com" : NULL;
        a.secure = (sel & 8) != 0;
        a.http_only = (sel & 16) != 0;
        a.same_site = ss[(sel >> 5) % 5];
        a.max_age = (sel & 0x80) ? 0 : (sel & 0x40) ? 3600 : -1;
        why = sec_cookie_check(name, &a);
        if (!why) {
            FZ_ASSERT(sec_cookie_name_valid(name));
            if (!strncasecmp(name, "__Host-", 7)) {
                FZ_ASSERT(a.secure && a.path && !strcmp(a.path, "/") && !a.domain);
            }
            if (!strncasecmp(name, "__Secure-", 9)) {
                FZ_ASSERT(a.secure);
            }
            if (a.same_site && !strcasecmp(a.same_site, "none")) {
                FZ_ASSERT(a.secure);
            }
        }
        sc = sec_cookie_format(p, name, value, &a);
        if (sc) {
            /* one header line, starting "name=value", and it reads back */
            FZ_ASSERT(!strpbrk(sc, "\r\n"));
            FZ_ASSERT(!strncmp(sc, name, strlen(name)) && sc[strlen(name)] == '=');
            FZ_ASSERT(sec_cookie_name_valid(name));
            FZ_ASSERT(strlen(sc) > SEC_COOKIE_HEADER_MAX || sec_cookie_find(p, sc, name, &back) >= 1);
            if (!back) {
                /* too long to read back */
            }
            else if (strlen(value) >= 2 && value[0] == '"' && value[strlen(value) - 1] == '"') {
                FZ_ASSERT(strlen(back) == strlen(value) - 2 && !strncmp(back, value + 1, strlen(back)));
            }
            else {
                FZ_ASSERT(!strcmp(back, value));
            }
            FZ_ASSERT((strstr(sc, "; Secure") != NULL) == a.secure);
            FZ_ASSERT((strstr(sc, "; HttpOnly") != NULL) == a.http_only);
        }
        else {
            /* a valid name and a base64url value always format */
            FZ_ASSERT(!(sec_cookie_name_valid(name) && strspn(value, "abcABC019-_") == strlen(value)
                        && a.same_site != ss[4]));
        }
    }

    fz_free_fields(f, nf);
    fz_pool_clear(p);
    return 0;
}
