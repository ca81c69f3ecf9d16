/* The suite's error envelope; see sec_envelope.h. */
#include <string.h>
#include <apr_strings.h>
#include "sec_envelope.h"
#include "sec_json.h"

const char *sec_status_reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
    }
}

static const char *reserved[] = {"error", "message", "code", "status", "requestId", NULL};

static int is_reserved(const char *k)
{
    int i;
    for (i = 0; reserved[i]; i++) {
        if (!strcmp(k, reserved[i])) {
            return 1;
        }
    }
    return 0;
}

static char *dump_pool(apr_pool_t *p, json_t *j)
{
    /* JSON_ENSURE_ASCII: the body stays 7-bit whatever a caller passes, and
     * "</" can't close a <script> if someone embeds it. */
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH);
    char *out;

    if (!s) {
        return apr_pstrdup(p, "{\"error\":\"Error\"}");
    }
    out = apr_pstrdup(p, s);
    free(s);
    return out;
}

char *sec_envelope_json(apr_pool_t *p, const sec_envelope_t *e)
{
    json_t *j = json_object();
    const char *k;
    json_t *v;
    char *out;

    json_object_set_new(j, "error", sec_json_string_lossy(e->error ? e->error : sec_status_reason(e->status)));
    if (e->message) {
        json_object_set_new(j, "message", sec_json_string_lossy(e->message));
    }
    if (e->code) {
        json_object_set_new(j, "code", sec_json_string_lossy(e->code));
    }
    json_object_set_new(j, "status", json_integer(e->status));
    if (e->request_id) {
        json_object_set_new(j, "requestId", sec_json_string_lossy(e->request_id));
    }
    if (e->extra && json_is_object(e->extra)) {
        json_object_foreach(e->extra, k, v) {
            if (!is_reserved(k)) {
                json_object_set(j, k, v);
            }
        }
    }
    out = dump_pool(p, j);
    json_decref(j);
    return out;
}

char *sec_html_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;

    if (!s) {
        return apr_pstrdup(p, "");
    }
    for (c = s; *c; c++) {
        switch (*c) {
        case '<': case '>': n += 4; break;
        case '&': n += 5; break;
        case '"': case '\'': n += 6; break;
        default: n++;
        }
    }
    o = out = apr_palloc(p, n + 1);
    for (c = s; *c; c++) {
        switch (*c) {
        case '<': memcpy(o, "&lt;", 4); o += 4; break;
        case '>': memcpy(o, "&gt;", 4); o += 4; break;
        case '&': memcpy(o, "&amp;", 5); o += 5; break;
        case '"': memcpy(o, "&quot;", 6); o += 6; break;
        case '\'': memcpy(o, "&#x27;", 6); o += 6; break;
        default: *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

char *sec_envelope_html(apr_pool_t *p, const sec_envelope_t *e)
{
    const char *title = e->error ? e->error : sec_status_reason(e->status);

    return apr_psprintf(p,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>%d %s</title></head>\n<body style=\"font-family:sans-serif;margin:3em\">"
        "<h1>%s</h1>\n<p>%s</p>\n"
        "<p><small>Status %d%s%s%s%s</small></p>\n</body></html>\n",
        e->status, sec_html_escape(p, title), sec_html_escape(p, title),
        sec_html_escape(p, e->message ? e->message : ""), e->status,
        e->code ? " &middot; code " : "", e->code ? sec_html_escape(p, e->code) : "",
        e->request_id ? " &middot; request id " : "",
        e->request_id ? sec_html_escape(p, e->request_id) : "");
}
