/* A streaming extractor for one named field of an HTML form submission, in
 * application/x-www-form-urlencoded or multipart/form-data bodies.
 *
 * It is fed the request body in chunks of any size, as they arrive, and
 * reports the value of the first field with the wanted name as soon as that
 * value is complete, so a caller can stop reading there: the rest of a
 * large upload never has to be held in memory. Chunking never changes the
 * result (one byte per feed gives what the whole body at once gives).
 *
 * It copies nothing but the wanted value (at most max_value bytes) and a
 * part's headers (multipart, at most SEC_FORM_HEADERS_MAX): memory is
 * bounded whatever the body holds. Malformed bodies are not errors to the
 * caller: the field is simply not found.
 *
 * urlencoded: pairs split at '&' (the HTML standard's separator), name and
 * value percent-decoded with '+' as space; an invalid %-escape is kept
 * literally, as browsers and PHP do.
 * multipart (RFC 7578): the part whose Content-Disposition is form-data
 * with name="<field>" (quoted or a bare token; the name compared byte for
 * byte, as browsers percent-encode '"' and line breaks in names) and no
 * filename parameter -- a file is never a token.
 */
#ifndef SEC_FORM_H
#define SEC_FORM_H

#include <apr_pools.h>

#define SEC_FORM_HEADERS_MAX 8192   /* a multipart part's header block */
#define SEC_FORM_BOUNDARY_MAX 200   /* RFC 2046 says 70; browsers stay well below */

typedef enum {
    SEC_FORM_URLENCODED = 1,
    SEC_FORM_MULTIPART = 2
} sec_form_kind_e;

typedef enum {
    SEC_FORM_MORE = 0,     /* not found yet: feed more */
    SEC_FORM_FOUND,        /* the field is complete: sec_form_value() */
    SEC_FORM_DONE          /* the body ended, or can't hold the field any more
                              (malformed multipart, a header block too big) */
} sec_form_state_e;

typedef struct sec_form_t sec_form_t;

/* The kind of body a Content-Type announces (parameters and case ignored),
 * or 0 for any other type. For multipart, *boundary is set to the boundary
 * parameter (quotes removed) or NULL when it is missing or invalid
 * (empty, longer than SEC_FORM_BOUNDARY_MAX, or with a CR/LF). */
int sec_form_kind(apr_pool_t *p, const char *content_type, const char **boundary);

/* An extractor for field (non-empty) in a body of the given Content-Type.
 * APR_ENOTIMPL: not a form type; APR_EINVAL: multipart without a usable
 * boundary, or an empty field name. A value longer than max_value is found
 * but flagged (sec_form_overlong) and truncated. */
apr_status_t sec_form_make(apr_pool_t *p, const char *content_type, const char *field,
                           apr_size_t max_value, sec_form_t **out);

/* Feed the next chunk; returns the state after it. Once FOUND or DONE,
 * further feeds change nothing. */
sec_form_state_e sec_form_feed(sec_form_t *f, const char *data, apr_size_t len);

/* The body is complete (EOS): a urlencoded pair that ran to the end is
 * finished now. Returns FOUND or DONE. */
sec_form_state_e sec_form_finish(sec_form_t *f);

sec_form_state_e sec_form_state(const sec_form_t *f);

/* The value once FOUND (NUL-terminated; *len may be NULL), else NULL. */
const char *sec_form_value(const sec_form_t *f, apr_size_t *len);

/* 1 when the found value was longer than max_value. */
int sec_form_overlong(const sec_form_t *f);

/* Body bytes consumed so far (up to the end of the found value). */
apr_size_t sec_form_consumed(const sec_form_t *f);

#endif
