/* A streaming scanner for the few HTML tags an output filter rewrites in
 * pages it cannot otherwise change: a nonce on <script> (mod_secheaders), a
 * hidden token field in <form method=post> (mod_seccsrf).
 *
 * Output is the input, byte for byte, plus the insertions callbacks ask for:
 * nothing is re-serialised, decoded or normalised. The scanner copes with
 * tags split across any chunk boundaries (one byte per feed included), tag
 * names in any case, '>' inside quoted attribute values (single or double
 * quotes; unquoted values end at whitespace or '>'), comments
 * (<!-- ... -->, "<!-->" included), <!DOCTYPE>, <?...?>, <![CDATA[...]]>,
 * and raw-text elements whose content is not markup -- script, style,
 * textarea, title, xmp, iframe, noembed, noframes (content up to the
 * matching end tag, in any case, is passed through unscanned; the start and
 * end tags themselves are reported when asked for) -- and plaintext (the
 * rest of the document is text).
 *
 * A tag longer than SEC_HTML_TAG_MAX is passed through unchanged and not
 * reported, and scanning resumes after it: memory per scanner is bounded
 * whatever the page holds.
 */
#ifndef SEC_HTML_H
#define SEC_HTML_H

#include <apr_pools.h>

#define SEC_HTML_TAG_MAX 8192
#define SEC_HTML_NAME_MAX 16   /* longest tag name callers can ask for */

typedef struct sec_html_scanner_t sec_html_scanner_t;

typedef struct {
    int end;                   /* 1 for an end tag (</form>) */
    const char *name;          /* lower case, NUL-terminated */
    const char *text;          /* the tag as in the input, '<' to '>' inclusive */
    apr_size_t len;
    int self_closing;          /* a start tag ending in "/>" */
} sec_html_tag_t;

/* What to insert around a reported tag; each may be NULL. The strings must
 * live until the next sec_html_feed/sec_html_finish call returns. */
typedef struct {
    const char *before;        /* before the '<' */
    const char *inside;        /* start tags only: before the closing ">" or "/>",
                                  e.g. " nonce=\"...\"" */
    const char *after;         /* after the '>' */
} sec_html_edit_t;

/* Called for every start and end tag whose name is in the scanner's list;
 * edit is zeroed before the call. */
typedef void sec_html_tag_fn(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit);

/* Receives the output in order, in pieces of any size. A non-success
 * status stops the feed and is returned from it. */
typedef apr_status_t sec_html_emit_fn(void *baton, const char *data, apr_size_t len);

/* names: the tags of interest, lower case, NULL-terminated, each at most
 * SEC_HTML_NAME_MAX characters (copied). Allocated from p. */
sec_html_scanner_t *sec_html_scanner_make(apr_pool_t *p, const char *const *names,
                                          sec_html_tag_fn *on_tag, sec_html_emit_fn *emit,
                                          void *baton);

/* Scan a chunk. Bytes that may belong to an unfinished tag are held back
 * (at most SEC_HTML_TAG_MAX) until a later chunk completes it. */
apr_status_t sec_html_feed(sec_html_scanner_t *sc, const char *data, apr_size_t len);

/* End of the document: whatever is held back is emitted unchanged. */
apr_status_t sec_html_finish(sec_html_scanner_t *sc);

/* An attribute of a reported tag, by name (ASCII case-insensitive): 1 and
 * *value set (quotes removed, no entity decoding; "" for a bare attribute)
 * when present, else 0. The first occurrence wins, as in browsers. */
int sec_html_attr(apr_pool_t *p, const sec_html_tag_t *tag, const char *name,
                  const char **value);

#endif
