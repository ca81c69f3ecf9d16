/* Audit events (sec_event.h) and the error envelope (sec_envelope.h) with
 * attacker-influenced fields.
 *
 * Input layout: byte 0 is flags, the rest is split at NUL bytes into fields
 *   0 user  1 path  2 method  3 reason  4 client_ip  5 request_id
 *   6 extra (JSON text; used when it parses as an object)
 *   7 envelope message  8 envelope error title  9 envelope code
 * A missing field is NULL; an empty one is "".
 * flags: bit 0 truncate_ip, bit 1 fixed time (else "now"), bits 2-4 status,
 *        bit 5 extra on the event, bit 6 extra on the envelope.
 *
 * Invariants: the event is one line of 7-bit JSON ending in "\n" that parses
 * back, with the query string cut from the path, the e-mail masked and no
 * secret-looking extra field; the JSON envelope parses, keeps its reserved
 * fields and never contains "</"; the HTML envelope has exactly the markup
 * characters (< > " ') of its template: none comes from a field. */
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>
#include "fz_support.h"
#include "sec_event.h"
#include "sec_envelope.h"
#include "sec_cidr.h"

#define NFIELDS 10

static const char *std_fields[] = {"time", "requestId", "module", "event", "clientIp", "user",
                                   "method", "path", "outcome", "reason", NULL};

static int is_std_field(const char *k)
{
    int i;
    for (i = 0; std_fields[i]; i++) {
        if (!strcmp(k, std_fields[i])) {
            return 1;
        }
    }
    return 0;
}

/* What set_str stores: the string, or (invalid UTF-8) the string with every
 * byte >= 0x80 replaced by '?'. */
static char *as_stored(apr_pool_t *p, const char *v)
{
    json_t *j = json_string(v);
    char *c, *o;

    if (j) {
        json_decref(j);
        return apr_pstrdup(p, v);
    }
    c = apr_pstrdup(p, v);
    for (o = c; *o; o++) {
        if ((unsigned char)*o >= 0x80) {
            *o = '?';
        }
    }
    return c;
}

static void expect_str(apr_pool_t *p, json_t *obj, const char *k, const char *want)
{
    json_t *v = json_object_get(obj, k);
    if (!want) {
        return;
    }
    FZ_ASSERT(json_is_string(v));
    if (strcmp(json_string_value(v), as_stored(p, want)) != 0) {
        fprintf(stderr, "field %s: got '%s', want '%s'\n", k, json_string_value(v), want);
        FZ_ASSERT(!"event field mismatch");
    }
}

static void check_event(apr_pool_t *p, char **f, int n, json_t *extra, int flags)
{
    sec_event_t ev;
    sec_event_opts_t opts;
    const char *line, *c;
    json_t *j, *v;
    json_error_t jerr;
    const char *k;

    memset(&ev, 0, sizeof(ev));
    ev.time = (flags & 2) ? apr_time_from_sec(1700000000) + 123456 : 0;
    ev.request_id = n > 5 ? f[5] : NULL;
    ev.module = "fuzz";
    ev.event = "fuzz.event";
    ev.client_ip = n > 4 ? f[4] : NULL;
    ev.user = n > 0 ? f[0] : NULL;
    ev.method = n > 2 ? f[2] : NULL;
    ev.path = n > 1 ? f[1] : NULL;
    ev.outcome = "deny";
    ev.reason = n > 3 ? f[3] : NULL;
    ev.extra = (flags & 0x20) ? extra : NULL;
    opts.truncate_ip = flags & 1;

    line = sec_event_json_line(p, &ev, &opts);
    FZ_ASSERT(line != NULL);
    /* One line: ends in "\n", no other line break or control character, 7-bit. */
    FZ_ASSERT(strlen(line) >= 3 && line[strlen(line) - 1] == '\n');
    for (c = line; c[1]; c++) {
        FZ_ASSERT((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x80);   /* DEL is valid JSON */
    }
    j = json_loads(line, 0, &jerr);
    if (!j) {
        fprintf(stderr, "event line does not parse (%s): %s", jerr.text, line);
        FZ_ASSERT(!"event JSON does not parse");
    }
    FZ_ASSERT(json_is_object(j));
    v = json_object_get(j, "time");
    FZ_ASSERT(json_is_string(v) && strlen(json_string_value(v)) == 24);
    if (flags & 2) {
        FZ_ASSERT(!strcmp(json_string_value(v), "2023-11-14T22:13:20.123Z"));
    }
    expect_str(p, j, "requestId", ev.request_id);
    expect_str(p, j, "method", ev.method);
    expect_str(p, j, "reason", ev.reason);
    expect_str(p, j, "user", sec_mask_email(p, ev.user));
    if (ev.path) {
        const char *q = strpbrk(ev.path, "?#");
        expect_str(p, j, "path", q ? apr_pstrmemdup(p, ev.path, (apr_size_t)(q - ev.path)) : ev.path);
        /* Never a query string or fragment ('?' may only stand for a byte of
         * invalid UTF-8 that the fallback replaced). */
        v = json_object_get(j, "path");
        FZ_ASSERT(!strchr(json_string_value(v), '#'));
        if (strchr(json_string_value(v), '?')) {
            const char *b;
            int high = 0;
            for (b = ev.path; *b && *b != '?' && *b != '#'; b++) {
                high |= (unsigned char)*b >= 0x80;
            }
            FZ_ASSERT(high);
        }
    }
    if (ev.client_ip) {
        if (opts.truncate_ip) {
            sec_ip_t ip;
            const char *t;
            v = json_object_get(j, "clientIp");
            FZ_ASSERT(json_is_string(v));
            t = json_string_value(v);
            FZ_ASSERT(!strcmp(t, "invalid") || sec_ip_parse(t, &ip) == APR_SUCCESS);
            FZ_ASSERT(!strcmp(t, sec_ip_truncate(p, ev.client_ip)));
        }
        else {
            expect_str(p, j, "clientIp", ev.client_ip);
        }
    }
    /* No extra field whose name looks like a secret. */
    json_object_foreach(j, k, v) {
        if (!is_std_field(k)) {
            FZ_ASSERT(!sec_event_field_is_secret(k));
        }
    }
    json_decref(j);
}

static void check_mask(apr_pool_t *p, const char *user)
{
    const char *m = sec_mask_email(p, user), *at;

    if (!user) {
        FZ_ASSERT(m == NULL);
        return;
    }
    FZ_ASSERT(m != NULL);
    if (strcmp(m, user) != 0) {
        /* "alice@example.com" -> "a***@example.com" */
        at = strchr(user, '@');
        FZ_ASSERT(at && at != user && strchr(at, '.'));
        FZ_ASSERT(m[0] == user[0] && !strncmp(m + 1, "***", 3) && !strcmp(m + 4, at));
    }
}

static size_t count_markup(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += (*s == '<' || *s == '>' || *s == '"' || *s == '\'');
    }
    return n;
}

static void check_envelope(apr_pool_t *p, char **f, int n, json_t *extra, int flags)
{
    static const int statuses[8] = {400, 401, 403, 429, 503, 0, -1, 999};
    sec_envelope_t e, tmpl;
    json_t *j, *v;
    json_error_t jerr;
    char *js, *html, *html_tmpl;
    const char *c;

    memset(&e, 0, sizeof(e));
    e.status = statuses[(flags >> 2) & 7];
    e.message = n > 7 ? f[7] : NULL;
    e.error = n > 8 ? f[8] : NULL;
    e.code = n > 9 ? f[9] : NULL;
    e.request_id = n > 5 ? f[5] : NULL;
    e.extra = (flags & 0x40) ? extra : NULL;

    js = sec_envelope_json(p, &e);
    FZ_ASSERT(js != NULL);
    for (c = js; *c; c++) {
        FZ_ASSERT((unsigned char)*c < 0x80);   /* JSON_ENSURE_ASCII */
    }
    FZ_ASSERT(!strstr(js, "</"));            /* can't close a <script> */
    j = json_loads(js, 0, &jerr);
    if (!j) {
        fprintf(stderr, "envelope does not parse (%s): %s\n", jerr.text, js);
        FZ_ASSERT(!"envelope JSON does not parse");
    }
    FZ_ASSERT(json_is_object(j));
    /* Reserved fields can't be overridden by extra. */
    v = json_object_get(j, "status");
    FZ_ASSERT(json_is_integer(v) && json_integer_value(v) == e.status);
    if (e.request_id && (v = json_string(e.request_id))) {
        json_decref(v);
        v = json_object_get(j, "requestId");
        FZ_ASSERT(json_is_string(v) && !strcmp(json_string_value(v), e.request_id));
    }
    if (e.message && (v = json_string(e.message))) {
        json_decref(v);
        v = json_object_get(j, "message");
        FZ_ASSERT(json_is_string(v) && !strcmp(json_string_value(v), e.message));
    }
    json_decref(j);

    /* HTML: the same page with harmless field values has exactly as many
     * markup characters; any extra one came from a field unescaped. */
    html = sec_envelope_html(p, &e);
    tmpl = e;
    tmpl.message = e.message ? "x" : NULL;
    tmpl.error = e.error ? "x" : NULL;
    tmpl.code = e.code ? "x" : NULL;
    tmpl.request_id = e.request_id ? "x" : NULL;
    html_tmpl = sec_envelope_html(p, &tmpl);
    FZ_ASSERT(html && html_tmpl);
    if (count_markup(html) != count_markup(html_tmpl)) {
        fprintf(stderr, "unescaped markup in HTML envelope:\n%s\n", html);
        FZ_ASSERT(!"HTML envelope contains markup from a field");
    }
    /* The message paragraph holds the escaped message and no markup. (A raw
     * substring test is too weak and too strong: "!<" can occur where a field
     * meets the page's own markup.) Skipped if the page layout changes. */
    {
        const char *a = strstr(html, "</h1>\n<p>"), *b;
        if (a && (b = strstr(a + 9, "</p>"))) {
            a += 9;
            FZ_ASSERT(!memchr(a, '<', (size_t)(b - a)));
            const char *esc = sec_html_escape(p, e.message ? e.message : "");
            FZ_ASSERT(strlen(esc) == (size_t)(b - a) && !strncmp(a, esc, strlen(esc)));
        }
    }
    {
        /* sec_html_escape on its own: no markup characters survive. */
        const char *esc = sec_html_escape(p, n > 7 ? f[7] : NULL);
        FZ_ASSERT(esc && count_markup(esc) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *f[NFIELDS];
    int n, flags, i;
    json_t *extra = NULL;

    if (size < 1) {
        return 0;
    }
    flags = data[0];
    n = fz_split(data + 1, size - 1, "\0", 1, f, NFIELDS);
    if (n > 6 && *f[6]) {
        json_error_t jerr;
        extra = json_loads(f[6], 0, &jerr);
        if (extra && !json_is_object(extra)) {
            json_decref(extra);
            extra = NULL;
        }
    }
    check_event(p, f, n, extra, flags);
    for (i = 0; i < n; i++) {
        check_mask(p, f[i]);
        (void)sec_event_field_is_secret(f[i]);
    }
    check_mask(p, NULL);
    check_envelope(p, f, n, extra, flags);

    json_decref(extra);
    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
