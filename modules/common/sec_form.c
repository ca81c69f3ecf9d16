/* Streaming form-field extractor; see sec_form.h.
 *
 * Both parsers are byte-driven state machines whose whole state lives in
 * the struct, so a chunk boundary can fall anywhere (inside a %-escape, a
 * multipart delimiter, a part header) without changing the result. The
 * multipart delimiter ("\r\n--" boundary) is matched with a KMP automaton:
 * on a mismatch the bytes that fell out of a partial match are known (a
 * prefix of the delimiter plus the new byte), so a captured value never
 * needs to look back into earlier chunks.
 */
#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "sec_form.h"

enum {
    MP_PREAMBLE = 0,   /* before the first delimiter */
    MP_AFTER_DELIM,    /* just after a delimiter: "--", padding or CRLF */
    MP_AFTER_DASH,     /* saw one '-' */
    MP_PAD,            /* transport padding (spaces, tabs) */
    MP_CR,             /* saw the CR that ends the delimiter line */
    MP_HEADERS,        /* a part's header block */
    MP_CONTENT         /* a part's content */
};

struct sec_form_t {
    sec_form_kind_e kind;
    sec_form_state_e state;
    const char *field;
    apr_size_t field_len;
    char *value;
    apr_size_t vlen, vmax;
    int overlong;
    apr_size_t consumed;

    /* urlencoded */
    int u_in_value;      /* after the pair's '=' */
    int u_capture;       /* this pair's name is the field */
    apr_size_t u_name_pos;
    int u_name_bad;      /* the decoded name already differs */
    int u_pct;           /* 0, 1: saw '%', 2: saw '%' and one hex digit */
    char u_hex1;

    /* multipart */
    char *delim;         /* "\r\n--" boundary */
    apr_size_t dlen;
    apr_size_t *fail;    /* KMP failure function of delim */
    apr_size_t k;        /* delimiter bytes matched */
    int m_phase;
    int m_capture;
    char *hbuf;
    apr_size_t hlen;
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void value_add(sec_form_t *f, const char *s, apr_size_t n)
{
    apr_size_t room = f->vmax - f->vlen;

    if (n > room) {
        f->overlong = 1;
        n = room;
    }
    memcpy(f->value + f->vlen, s, n);
    f->vlen += n;
    f->value[f->vlen] = '\0';
}

static void found(sec_form_t *f)
{
    f->state = SEC_FORM_FOUND;
}

/* --- Content-Type ---------------------------------------------------------- */

/* Skips optional whitespace. */
static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

/* The next parameter of a header value's ';'-separated list (the first
 * item, before any ';', is skipped): its name and value (quotes removed,
 * no escapes: browsers percent-encode '"' in form-data names). Returns 0
 * when there is none left, -1 for an unterminated quoted value. */
static int next_param(const char **sp, const char **pn, apr_size_t *pnlen, const char **val,
                      apr_size_t *vlen)
{
    const char *s = strchr(*sp, ';'), *e;

    if (!s) {
        return 0;
    }
    s = skip_ws(s + 1);
    *pn = s;
    while (*s && *s != '=' && *s != ';' && *s != ' ' && *s != '\t') {
        s++;
    }
    *pnlen = s - *pn;
    s = skip_ws(s);
    *val = NULL;
    *vlen = 0;
    if (*s == '=') {
        s = skip_ws(s + 1);
        if (*s == '"') {
            e = strchr(s + 1, '"');
            if (!e) {
                return -1;
            }
            *val = s + 1;
            *vlen = e - (s + 1);
            s = e + 1;
        }
        else {
            e = s;
            while (*e && *e != ';' && *e != ' ' && *e != '\t') {
                e++;
            }
            *val = s;
            *vlen = e - s;
            s = e;
        }
    }
    *sp = s;
    return 1;
}

static int param_is(const char *pn, apr_size_t pnlen, const char *name)
{
    return pnlen == strlen(name) && !strncasecmp(pn, name, pnlen);
}

/* 1 when the first item of a header value (up to ';') is type. */
static int header_type_is(const char *value, const char *type)
{
    apr_size_t n = strlen(type);
    const char *s = skip_ws(value), *e;

    if (strncasecmp(s, type, n) != 0) {
        return 0;
    }
    e = skip_ws(s + n);
    return *e == '\0' || *e == ';';
}

int sec_form_kind(apr_pool_t *p, const char *content_type, const char **boundary)
{
    const char *b;

    if (boundary) {
        *boundary = NULL;
    }
    if (!content_type) {
        return 0;
    }
    if (header_type_is(content_type, "application/x-www-form-urlencoded")) {
        return SEC_FORM_URLENCODED;
    }
    if (!header_type_is(content_type, "multipart/form-data")) {
        return 0;
    }
    {
        const char *s = content_type, *pn, *val;
        apr_size_t pnlen, vlen;
        int rc;
        while ((rc = next_param(&s, &pn, &pnlen, &val, &vlen)) > 0) {
            if (param_is(pn, pnlen, "boundary")) {
                if (val && vlen > 0 && vlen <= SEC_FORM_BOUNDARY_MAX &&
                    !memchr(val, '\r', vlen) && !memchr(val, '\n', vlen) && boundary) {
                    b = apr_pstrmemdup(p, val, vlen);
                    *boundary = b;
                }
                break;
            }
        }
    }
    return SEC_FORM_MULTIPART;
}

apr_status_t sec_form_make(apr_pool_t *p, const char *content_type, const char *field,
                           apr_size_t max_value, sec_form_t **out)
{
    sec_form_t *f;
    const char *boundary = NULL;
    int kind = sec_form_kind(p, content_type, &boundary);
    apr_size_t i, k;

    *out = NULL;
    if (!kind) {
        return APR_ENOTIMPL;
    }
    if (!field || !*field || (kind == SEC_FORM_MULTIPART && !boundary)) {
        return APR_EINVAL;
    }
    f = apr_pcalloc(p, sizeof(*f));
    f->kind = kind;
    f->state = SEC_FORM_MORE;
    f->field = apr_pstrdup(p, field);
    f->field_len = strlen(field);
    f->vmax = max_value;
    f->value = apr_palloc(p, max_value + 1);
    f->value[0] = '\0';
    if (kind == SEC_FORM_MULTIPART) {
        f->delim = apr_pstrcat(p, "\r\n--", boundary, NULL);
        f->dlen = strlen(f->delim);
        f->fail = apr_pcalloc(p, f->dlen * sizeof(*f->fail));
        for (i = 1, k = 0; i < f->dlen; i++) {
            while (k > 0 && f->delim[i] != f->delim[k]) {
                k = f->fail[k - 1];
            }
            if (f->delim[i] == f->delim[k]) {
                k++;
            }
            f->fail[i] = k;
        }
        /* The body starts with "--boundary": act as if a CRLF came first. */
        f->k = 2;
        f->m_phase = MP_PREAMBLE;
        f->hbuf = apr_palloc(p, SEC_FORM_HEADERS_MAX + 1);
    }
    *out = f;
    return APR_SUCCESS;
}

/* --- urlencoded ------------------------------------------------------------ */

static void u_name_byte(sec_form_t *f, char c)
{
    if (f->u_name_bad) {
        return;
    }
    if (f->u_name_pos < f->field_len && f->field[f->u_name_pos] == c) {
        f->u_name_pos++;
    }
    else {
        f->u_name_bad = 1;
    }
}

static void u_decoded(sec_form_t *f, char c)
{
    if (!f->u_in_value) {
        u_name_byte(f, c);
    }
    else if (f->u_capture) {
        value_add(f, &c, 1);
    }
}

static void u_end_name(sec_form_t *f)
{
    f->u_capture = !f->u_name_bad && f->u_name_pos == f->field_len;
}

static void u_reset_pair(sec_form_t *f)
{
    f->u_in_value = 0;
    f->u_capture = 0;
    f->u_name_pos = 0;
    f->u_name_bad = 0;
}

/* Flush a %-escape that turned out not to be one: its bytes are literal. */
static void u_flush_pct(sec_form_t *f)
{
    if (f->u_pct >= 1) {
        u_decoded(f, '%');
    }
    if (f->u_pct == 2) {
        u_decoded(f, f->u_hex1);
    }
    f->u_pct = 0;
}

static void u_feed(sec_form_t *f, const char *data, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len && f->state == SEC_FORM_MORE; i++) {
        char c = data[i];
        f->consumed++;
        if (f->u_pct == 1) {
            if (hexval(c) >= 0) {
                f->u_hex1 = c;
                f->u_pct = 2;
                continue;
            }
            u_flush_pct(f);
        }
        else if (f->u_pct == 2) {
            if (hexval(c) >= 0) {
                u_decoded(f, (char)(hexval(f->u_hex1) * 16 + hexval(c)));
                f->u_pct = 0;
                continue;
            }
            u_flush_pct(f);
        }
        if (c == '&') {
            if (!f->u_in_value) {
                u_end_name(f);     /* a name without '=': an empty value */
            }
            if (f->u_capture) {
                found(f);
                return;
            }
            u_reset_pair(f);
        }
        else if (c == '=' && !f->u_in_value) {
            u_end_name(f);
            f->u_in_value = 1;
        }
        else if (c == '%') {
            f->u_pct = 1;
        }
        else {
            u_decoded(f, c == '+' ? ' ' : c);
        }
    }
}

static void u_finish(sec_form_t *f)
{
    u_flush_pct(f);
    if (!f->u_in_value && (f->u_name_pos > 0 || f->u_name_bad)) {
        u_end_name(f);
    }
    if (f->u_capture) {
        found(f);
    }
    else {
        f->state = SEC_FORM_DONE;
    }
}

/* --- multipart ------------------------------------------------------------- */

/* Parses a finished header block: is this the part we want? */
static int mp_part_wanted(sec_form_t *f)
{
    char *line = f->hbuf, *next;
    static const char cd[] = "Content-Disposition";

    f->hbuf[f->hlen] = '\0';
    for (; line && *line; line = next) {
        const char *s, *pn, *val;
        char *colon;
        apr_size_t pnlen, vlen;
        int rc, is_name = 0, has_name = 0, has_filename = 0;

        next = strstr(line, "\r\n");
        if (next) {
            *next = '\0';
            next += 2;
        }
        colon = strchr(line, ':');
        if (!colon || (apr_size_t)(colon - line) != sizeof(cd) - 1 ||
            strncasecmp(line, cd, sizeof(cd) - 1) != 0) {
            continue;
        }
        s = colon + 1;
        if (!header_type_is(s, "form-data")) {
            return 0;
        }
        while ((rc = next_param(&s, &pn, &pnlen, &val, &vlen)) > 0) {
            if (param_is(pn, pnlen, "filename") || param_is(pn, pnlen, "filename*")) {
                has_filename = 1;
            }
            else if (param_is(pn, pnlen, "name") && val && !has_name) {
                has_name = 1;
                is_name = vlen == f->field_len && !memcmp(val, f->field, vlen);
            }
        }
        /* The first Content-Disposition decides; a malformed one never matches. */
        return rc == 0 && is_name && !has_filename;
    }
    return 0;
}

/* One byte through the delimiter automaton. Returns 1 when the delimiter is
 * complete; appends confirmed content bytes to the value when capturing. */
static int mp_match(sec_form_t *f, char c)
{
    apr_size_t k = f->k, nk = k;

    while (nk > 0 && f->delim[nk] != c) {
        nk = f->fail[nk - 1];
    }
    if (f->delim[nk] == c) {
        nk++;
    }
    if (f->m_capture && nk < k + 1) {
        /* The first (k + 1 - nk) bytes of delim[0..k) + c are content. */
        apr_size_t n = k + 1 - nk;
        if (n <= k) {
            value_add(f, f->delim, n);
        }
        else {
            value_add(f, f->delim, k);
            value_add(f, &c, 1);
        }
    }
    f->k = nk;
    if (nk == f->dlen) {
        f->k = 0;
        return 1;
    }
    return 0;
}

static void mp_feed(sec_form_t *f, const char *data, apr_size_t len)
{
    apr_size_t i = 0;

    while (i < len && f->state == SEC_FORM_MORE) {
        char c;
        if ((f->m_phase == MP_CONTENT || f->m_phase == MP_PREAMBLE) && f->k == 0) {
            /* Fast path: nothing matched, skip to the next CR. */
            const char *cr = memchr(data + i, '\r', len - i);
            apr_size_t n = cr ? (apr_size_t)(cr - (data + i)) : len - i;
            if (n) {
                if (f->m_capture) {
                    value_add(f, data + i, n);
                }
                i += n;
                f->consumed += n;
                continue;
            }
        }
        c = data[i++];
        f->consumed++;
        switch (f->m_phase) {
        case MP_PREAMBLE:
        case MP_CONTENT:
            if (mp_match(f, c)) {
                if (f->m_capture) {
                    found(f);
                    return;
                }
                f->m_phase = MP_AFTER_DELIM;
            }
            break;
        case MP_AFTER_DELIM:
            if (c == '-') {
                f->m_phase = MP_AFTER_DASH;
            }
            else if (c == ' ' || c == '\t') {
                f->m_phase = MP_PAD;
            }
            else if (c == '\r') {
                f->m_phase = MP_CR;
            }
            else {
                f->state = SEC_FORM_DONE;
            }
            break;
        case MP_AFTER_DASH:
            /* "--": the close delimiter; anything else is malformed. */
            f->state = SEC_FORM_DONE;
            break;
        case MP_PAD:
            if (c == '\r') {
                f->m_phase = MP_CR;
            }
            else if (c != ' ' && c != '\t') {
                f->state = SEC_FORM_DONE;
            }
            break;
        case MP_CR:
            if (c == '\n') {
                f->m_phase = MP_HEADERS;
                f->hlen = 0;
            }
            else {
                f->state = SEC_FORM_DONE;
            }
            break;
        case MP_HEADERS:
            if (f->hlen >= SEC_FORM_HEADERS_MAX) {
                f->state = SEC_FORM_DONE;
                break;
            }
            f->hbuf[f->hlen++] = c;
            if ((f->hlen == 2 && !memcmp(f->hbuf, "\r\n", 2)) ||
                (f->hlen >= 4 && !memcmp(f->hbuf + f->hlen - 4, "\r\n\r\n", 4))) {
                f->m_capture = mp_part_wanted(f);
                f->m_phase = MP_CONTENT;
                f->k = 0;
            }
            break;
        }
    }
}

/* --- public ---------------------------------------------------------------- */

sec_form_state_e sec_form_feed(sec_form_t *f, const char *data, apr_size_t len)
{
    if (f->state != SEC_FORM_MORE || !len) {
        return f->state;
    }
    if (f->kind == SEC_FORM_URLENCODED) {
        u_feed(f, data, len);
    }
    else {
        mp_feed(f, data, len);
    }
    return f->state;
}

sec_form_state_e sec_form_finish(sec_form_t *f)
{
    if (f->state != SEC_FORM_MORE) {
        return f->state;
    }
    if (f->kind == SEC_FORM_URLENCODED) {
        u_finish(f);
    }
    else {
        /* A part cut off before its delimiter is not a complete value. */
        f->state = SEC_FORM_DONE;
    }
    return f->state;
}

sec_form_state_e sec_form_state(const sec_form_t *f)
{
    return f->state;
}

const char *sec_form_value(const sec_form_t *f, apr_size_t *len)
{
    if (f->state != SEC_FORM_FOUND) {
        return NULL;
    }
    if (len) {
        *len = f->vlen;
    }
    return f->value;
}

int sec_form_overlong(const sec_form_t *f)
{
    return f->overlong;
}

apr_size_t sec_form_consumed(const sec_form_t *f)
{
    return f->consumed;
}
