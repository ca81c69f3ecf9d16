/* Accept-header preference between JSON and HTML; see sec_accept.h.
 *
 * A small forgiving scanner rather than a full RFC 9110 parser: it only has
 * to rank two media types, must accept any byte sequence, and must never
 * read past the terminating NUL.
 */
#include <string.h>
#include <strings.h>
#include <apr.h>
#include "sec_accept.h"

#define Q_UNSET (-1)

/* Parses "q=0.8"-style parameter value into thousandths (0..1000). */
static int parse_q(const char *s, const char *end)
{
    int q = 0, scale = 1000;

    while (s < end && (*s == ' ' || *s == '\t')) s++;
    if (s < end && *s == '1') {
        return 1000;
    }
    if (s >= end || *s != '0') {
        return 1000;   /* malformed: treat as default weight */
    }
    s++;
    if (s < end && *s == '.') {
        s++;
        while (s < end && *s >= '0' && *s <= '9' && scale > 1) {
            scale /= 10;
            q += (*s - '0') * scale;
            s++;
        }
    }
    return q;
}

static int range_eq(const char *s, const char *e, const char *lit)
{
    apr_size_t n = strlen(lit);
    return (apr_size_t)(e - s) == n && !strncasecmp(s, lit, n);
}

/* A more specific range replaces the quality; an equally specific one
 * (text/html and application/xhtml+xml) keeps the higher. */
static void rank(int *qual, int *spec, int this_spec, int q)
{
    if (this_spec > *spec) {
        *qual = q;
        *spec = this_spec;
    }
    else if (this_spec == *spec && q > *qual) {
        *qual = q;
    }
}

sec_format_e sec_accept_preferred(const char *accept)
{
    /* Specificity: 3 exact, 2 type/ *, 1 * / *; the most specific range
     * decides each type's quality, as in RFC 9110 section 12.5.1. */
    int q_html = Q_UNSET, q_json = Q_UNSET, s_html = 0, s_json = 0;
    int html_explicit = 0;
    const char *p = accept;

    if (!accept) {
        return SEC_FORMAT_JSON;
    }
    while (*p) {
        const char *item = p, *item_end, *type_end, *param;
        int q = 1000;

        while (*p && *p != ',') p++;
        item_end = p;
        if (*p == ',') p++;
        while (item < item_end && (*item == ' ' || *item == '\t')) item++;
        type_end = item;
        while (type_end < item_end && *type_end != ';' && *type_end != ' ' && *type_end != '\t')
            type_end++;
        for (param = type_end; param < item_end; param++) {
            if (*param == ';') {
                const char *k = param + 1;
                while (k < item_end && (*k == ' ' || *k == '\t')) k++;
                if (k + 1 < item_end && (k[0] == 'q' || k[0] == 'Q') && k[1] == '=') {
                    const char *vend = k + 2;
                    while (vend < item_end && *vend != ';') vend++;
                    q = parse_q(k + 2, vend);
                }
            }
        }
        if (range_eq(item, type_end, "text/html") ||
            range_eq(item, type_end, "application/xhtml+xml")) {
            html_explicit = html_explicit || q > 0;
            rank(&q_html, &s_html, 3, q);
        }
        else if (range_eq(item, type_end, "application/json") ||
                 (type_end - item > 5 && !strncasecmp(type_end - 5, "+json", 5))) {
            rank(&q_json, &s_json, 3, q);
        }
        else if (range_eq(item, type_end, "text/*")) {
            rank(&q_html, &s_html, 2, q);
        }
        else if (range_eq(item, type_end, "application/*")) {
            rank(&q_json, &s_json, 2, q);
        }
        else if (range_eq(item, type_end, "*/*")) {
            rank(&q_html, &s_html, 1, q);
            rank(&q_json, &s_json, 1, q);
        }
    }
    if (q_html == Q_UNSET) q_html = 0;
    if (q_json == Q_UNSET) q_json = 0;
    /* HTML only for clients that name it with a higher quality than JSON:
     * a browser's navigation. Any tie goes to JSON, the safer body for
     * programs. */
    if (html_explicit && q_html > q_json) {
        return SEC_FORMAT_HTML;
    }
    return SEC_FORMAT_JSON;
}
