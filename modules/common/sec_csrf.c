/* CSRF decision, tokens and form-action checks; see sec_csrf.h. */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_csrf.h"
#include "sec_crypto.h"

/* --- tokens ---------------------------------------------------------------- */

static const char MAC_LABEL[] = "secmods-csrf-v1";   /* with its NUL */

static void token_mac(const sec_key_t *key, const char *binding, const unsigned char *rnd,
                      unsigned char out[SEC_HMAC_LEN])
{
    unsigned char k[SEC_HMAC_LEN];
    sec_buf_t parts[3];

    sec_derive_key(key->secret, key->len, SEC_CSRF_KEY_PURPOSE, k);
    parts[0].data = MAC_LABEL;
    parts[0].len = sizeof(MAC_LABEL);
    parts[1].data = binding;
    parts[1].len = strlen(binding) + 1;
    parts[2].data = rnd;
    parts[2].len = SEC_CSRF_RANDOM_LEN;
    sec_hmac_sha256(k, sizeof(k), parts, 3, out);
    sec_cleanse(k, sizeof(k));
}

char *sec_csrf_token_make(apr_pool_t *p, const sec_keyring_t *kr, const char *binding)
{
    unsigned char rnd[SEC_CSRF_RANDOM_LEN], mac[SEC_HMAC_LEN];

    if (!kr || !kr->current || !binding) {
        return NULL;
    }
    if (sec_random_bytes(rnd, sizeof(rnd)) != APR_SUCCESS) {
        return NULL;
    }
    token_mac(kr->current, binding, rnd, mac);
    return apr_pstrcat(p, kr->current->id, ".", sec_base64url_encode(p, rnd, sizeof(rnd)), ".",
                       sec_base64url_encode(p, mac, sizeof(mac)), NULL);
}

sec_csrf_token_status_e sec_csrf_token_verify(apr_pool_t *p, const sec_keyring_t *kr,
                                              const char *binding, const char *token,
                                              apr_size_t len)
{
    const char *d1, *d2;
    unsigned char *rnd, *mac, want[SEC_HMAC_LEN];
    apr_size_t rlen, mlen;
    const sec_key_t *key;
    int ok;

    if (!token || len == 0 || len > SEC_CSRF_TOKEN_MAX || memchr(token, '\0', len)) {
        return SEC_CSRF_TOKEN_MALFORMED;
    }
    d1 = memchr(token, '.', len);
    if (!d1) {
        return SEC_CSRF_TOKEN_MALFORMED;
    }
    d2 = memchr(d1 + 1, '.', len - (d1 + 1 - token));
    if (!d2 || !sec_keyring_id_valid(token, d1 - token)) {
        return SEC_CSRF_TOKEN_MALFORMED;
    }
    if (sec_base64url_decode(p, d1 + 1, d2 - (d1 + 1), &rnd, &rlen) != APR_SUCCESS ||
        rlen != SEC_CSRF_RANDOM_LEN ||
        sec_base64url_decode(p, d2 + 1, len - (d2 + 1 - token), &mac, &mlen) != APR_SUCCESS ||
        mlen != SEC_HMAC_LEN) {
        return SEC_CSRF_TOKEN_MALFORMED;
    }
    key = kr ? sec_keyring_find(kr, token, d1 - token) : NULL;
    if (!key) {
        return SEC_CSRF_TOKEN_UNKNOWN_KEY;
    }
    if (!binding) {
        return SEC_CSRF_TOKEN_MISMATCH;
    }
    token_mac(key, binding, rnd, want);
    ok = sec_ct_equal(want, mac, SEC_HMAC_LEN);
    sec_cleanse(want, sizeof(want));
    return ok ? SEC_CSRF_TOKEN_VALID : SEC_CSRF_TOKEN_MISMATCH;
}

const char *sec_csrf_token_status_name(sec_csrf_token_status_e st)
{
    switch (st) {
    case SEC_CSRF_TOKEN_VALID:       return "valid";
    case SEC_CSRF_TOKEN_MALFORMED:   return "malformed";
    case SEC_CSRF_TOKEN_UNKNOWN_KEY: return "unknown-key";
    case SEC_CSRF_TOKEN_MISMATCH:    return "mismatch";
    }
    return "malformed";
}

char *sec_csrf_presession_make(apr_pool_t *p)
{
    return sec_random_token(p, 16);
}

int sec_csrf_presession_valid(const char *s)
{
    apr_size_t i;

    if (!s) {
        return 0;
    }
    for (i = 0; s[i]; i++) {
        if (i >= SEC_CSRF_PRESESSION_LEN || !(apr_isalnum(s[i]) || s[i] == '-' || s[i] == '_')) {
            return 0;
        }
    }
    return i == SEC_CSRF_PRESESSION_LEN;
}

/* --- the decision ------------------------------------------------------------ */

int sec_csrf_method_protected(const char *method)
{
    return !method || (strcmp(method, "GET") && strcmp(method, "HEAD") &&
                       strcmp(method, "OPTIONS") && strcmp(method, "TRACE"));
}

static void set(sec_csrf_result_t *out, sec_csrf_verdict_e v, const char *reason,
                const char *check)
{
    out->verdict = v;
    out->reason = reason;
    out->check = check;
}

static int trusted(const sec_csrf_input_t *in, const sec_origin_t *o)
{
    return in->trusted && sec_origin_list_match(in->trusted, o);
}

void sec_csrf_decide(apr_pool_t *p, const sec_csrf_input_t *in, sec_csrf_result_t *out)
{
    sec_origin_t o;

    memset(out, 0, sizeof(*out));
    if (!sec_csrf_method_protected(in->method)) {
        set(out, SEC_CSRF_PASS, "safe-method", "method");
        return;
    }

    /* 1. Fetch Metadata: set by the browser, never by page script. */
    out->read |= SEC_CSRF_READ_FETCH_SITE;
    if (in->fetch_site) {
        const char *fs = in->fetch_site;
        if (!strcasecmp(fs, "same-origin")) {
            set(out, SEC_CSRF_PASS, "same-origin", "fetch-metadata");
            return;
        }
        if (!strcasecmp(fs, "none")) {
            set(out, SEC_CSRF_PASS, "user-initiated", "fetch-metadata");
            return;
        }
        if (!strcasecmp(fs, "cross-site")) {
            set(out, SEC_CSRF_REFUSE, "cross-site", "fetch-metadata");
            return;
        }
        if (!strcasecmp(fs, "same-site")) {
            out->read |= SEC_CSRF_READ_ORIGIN;
            if (in->origin && !sec_origin_is_null(in->origin) &&
                sec_origin_parse(p, in->origin, &o) == APR_SUCCESS && trusted(in, &o)) {
                set(out, SEC_CSRF_PASS, "trusted-origin", "fetch-metadata");
                return;
            }
            set(out, SEC_CSRF_REFUSE, "same-site", "fetch-metadata");
            return;
        }
        /* An unknown value: decide by the layers below, as without it. */
    }

    /* 2. Origin. */
    out->read |= SEC_CSRF_READ_ORIGIN;
    if (in->origin) {
        if (sec_origin_is_null(in->origin) ||
            sec_origin_parse(p, in->origin, &o) != APR_SUCCESS) {
            set(out, SEC_CSRF_REFUSE, "bad-origin", "origin");
            return;
        }
        if (in->self && sec_origin_equal(&o, in->self)) {
            set(out, SEC_CSRF_PASS, "origin", "origin");
            return;
        }
        if (trusted(in, &o)) {
            set(out, SEC_CSRF_PASS, "trusted-origin", "origin");
            return;
        }
        set(out, SEC_CSRF_REFUSE, "bad-origin", "origin");
        return;
    }

    /* 3. Referer, then the token. */
    out->read |= SEC_CSRF_READ_REFERER;
    if (in->referer && in->self && sec_origin_from_url(p, in->referer, &o) == APR_SUCCESS &&
        sec_origin_equal(&o, in->self)) {
        set(out, SEC_CSRF_PASS, "referer", "referer");
        return;
    }
    if (in->no_origin_refuse) {
        set(out, SEC_CSRF_REFUSE, "no-origin", "referer");
        return;
    }
    switch (in->token) {
    case SEC_CSRF_TOKEN_UNCHECKED:
        set(out, SEC_CSRF_NEED_TOKEN, NULL, "token");
        return;
    case SEC_CSRF_TOKEN_OK:
        set(out, SEC_CSRF_PASS, "token", "token");
        return;
    case SEC_CSRF_TOKEN_BAD:
        set(out, SEC_CSRF_REFUSE, "bad-token", "token");
        return;
    case SEC_CSRF_TOKEN_ABSENT:
    default:
        set(out, SEC_CSRF_REFUSE, "missing-token", "token");
        return;
    }
}

/* --- form actions ------------------------------------------------------------ */

static const struct {
    const char *name;
    char c;
} named_refs[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"sol", '/'},
    {"bsol", '\\'}, {"colon", ':'}, {"Tab", '\t'}, {"NewLine", '\n'}, {"period", '.'},
    {"quest", '?'}, {"num", '#'}, {"excl", '!'}, {"equals", '='}, {"commat", '@'},
    {"lowbar", '_'}, {"percnt", '%'}, {"plus", '+'}, {"semi", ';'}, {"comma", ','},
    {"lpar", '('}, {"rpar", ')'}, {"dollar", '$'}, {"ast", '*'}, {"midast", '*'},
    {NULL, 0}
};

/* Decodes the character references of an attribute value. Returns NULL when
 * a reference before the query or fragment can't be decoded to ASCII (its
 * meaning for the origin is unclear). */
static char *decode_refs(apr_pool_t *p, const char *s)
{
    apr_size_t n = strlen(s);
    char *out = apr_palloc(p, n + 1), *o = out;
    int in_query = 0;

    while (*s) {
        if (*s == '&') {
            const char *e = strchr(s, ';');
            long cp = -1;
            if (e && e - s > 1 && e - s < 12) {
                if (s[1] == '#') {
                    /* digits only: no sign, no space, at most 9 of them */
                    int hex = s[2] == 'x' || s[2] == 'X';
                    const char *d = s + (hex ? 3 : 2);
                    cp = d < e ? 0 : -1;
                    for (; d < e && cp >= 0; d++) {
                        if (hex ? apr_isxdigit(*d) : apr_isdigit(*d)) {
                            cp = cp * (hex ? 16 : 10) +
                                 (apr_isdigit(*d) ? *d - '0' : (apr_tolower(*d) - 'a' + 10));
                        }
                        else {
                            cp = -1;
                        }
                    }
                }
                else {
                    int i;
                    for (i = 0; named_refs[i].name; i++) {
                        if ((apr_size_t)(e - s - 1) == strlen(named_refs[i].name) &&
                            !strncmp(s + 1, named_refs[i].name, e - s - 1)) {
                            cp = (unsigned char)named_refs[i].c;
                            break;
                        }
                    }
                }
            }
            if (cp > 0 && cp < 128) {
                *o++ = (char)cp;
                if (cp == '?' || cp == '#') {
                    in_query = 1;
                }
                s = e + 1;
                continue;
            }
            if (!in_query) {
                return NULL;
            }
            *o++ = *s++;
            continue;
        }
        if ((unsigned char)*s >= 0x80 && !in_query) {
            return NULL;
        }
        if (*s == '?' || *s == '#') {
            in_query = 1;
        }
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}

/* The URL parser's clean-up: trim C0 controls and spaces, drop tabs and
 * newlines, '\' as '/' (for http(s), which is all we accept). */
static char *url_clean(apr_pool_t *p, const char *s)
{
    apr_size_t n;
    char *out, *o;

    while (*s && (unsigned char)*s <= 0x20) {
        s++;
    }
    n = strlen(s);
    while (n > 0 && (unsigned char)s[n - 1] <= 0x20) {
        n--;
    }
    out = o = apr_palloc(p, n + 1);
    for (; n > 0; n--, s++) {
        if (*s == '\t' || *s == '\n' || *s == '\r') {
            continue;
        }
        *o++ = *s == '\\' ? '/' : *s;
    }
    *o = '\0';
    return out;
}

enum { URL_EMPTY, URL_RELATIVE, URL_SAME, URL_OTHER };

static int classify_url(apr_pool_t *p, const char *raw, const sec_origin_t *self)
{
    char *d = decode_refs(p, raw), *s, *c;
    sec_origin_t o;

    if (!d) {
        return URL_OTHER;
    }
    s = url_clean(p, d);
    if (!*s) {
        return URL_EMPTY;
    }
    if (s[0] == '/' && s[1] == '/') {
        /* scheme-relative: the page's scheme */
        if (!self || sec_origin_from_url(p, apr_pstrcat(p, self->scheme, ":", s, NULL), &o) != APR_SUCCESS) {
            return URL_OTHER;
        }
        return sec_origin_equal(&o, self) ? URL_SAME : URL_OTHER;
    }
    /* A scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any '/', '?', '#'. */
    for (c = s; apr_isalnum(*c) || *c == '+' || *c == '-' || *c == '.'; c++) {
    }
    if (*c == ':' && c > s && apr_isalpha(*s)) {
        if (!self || sec_origin_from_url(p, s, &o) != APR_SUCCESS) {
            return URL_OTHER;
        }
        return sec_origin_equal(&o, self) ? URL_SAME : URL_OTHER;
    }
    return URL_RELATIVE;
}

int sec_csrf_action_same_origin(apr_pool_t *p, const char *action, const sec_origin_t *self,
                                int base_cross)
{
    if (!self) {
        return 0;
    }
    if (!action) {
        return 1;    /* no action: the document's own URL */
    }
    switch (classify_url(p, action, self)) {
    case URL_EMPTY:
        return 1;    /* "": the document's URL, whatever <base> says */
    case URL_RELATIVE:
        return !base_cross;
    case URL_SAME:
        return 1;
    default:
        return 0;
    }
}

int sec_csrf_base_cross(apr_pool_t *p, const char *href, const sec_origin_t *self)
{
    if (!href) {
        return 0;
    }
    return classify_url(p, href, self) == URL_OTHER;
}
