/* The suite's one error envelope for the responses it generates (401, 403,
 * 429, 503 ...). JSON for clients that accept it:
 *     {"error":"Too many requests","message":"Rate limit exceeded. ...",
 *      "code":"RATE_LIMITED","status":429,"requestId":"...", <extra fields>}
 * and a small self-contained HTML page otherwise. */
#ifndef SEC_ENVELOPE_H
#define SEC_ENVELOPE_H

#include <apr_pools.h>
#include <jansson.h>

typedef struct {
    int status;              /* HTTP status */
    const char *error;       /* short title; NULL: the status's reason phrase */
    const char *message;     /* one sentence for the user */
    const char *code;        /* machine-readable, e.g. "RATE_LIMITED" */
    const char *request_id;  /* may be NULL */
    json_t *extra;           /* borrowed JSON object of extra fields, may be NULL;
                                cannot override the fields above */
} sec_envelope_t;

/* The standard reason phrase for a status ("Too Many Requests"), or "Error". */
const char *sec_status_reason(int status);

char *sec_envelope_json(apr_pool_t *p, const sec_envelope_t *e);
char *sec_envelope_html(apr_pool_t *p, const sec_envelope_t *e);

/* Escape text for HTML element content and attribute values. */
char *sec_html_escape(apr_pool_t *p, const char *s);

#endif
