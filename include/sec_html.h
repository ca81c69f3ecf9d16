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
 *
 * Where a tag starts and ends follows the HTML tokenizer (WHATWG HTML,
 * "Tokenization"), so the scanner sees the tags a browser sees:
 *  - a tag is '<', an ASCII letter (or "</" and a letter), and runs to the
 *    first '>' outside a quoted value; a quote opens a value only right
 *    after '=' ("<a b'c>" ends at its '>'). "< form>", "<1>" are text;
 *  - "<!--" comments end at "-->" or "--!>" ("<!-->" and "<!--->" are
 *    whole comments); "<![CDATA[" sections at "]]>"; everything else
 *    after "<!" or "<?", and "</" followed by a non-letter, is a bogus
 *    comment up to the first '>' (<!DOCTYPE> is one);
 *  - raw text ends only at "</name" followed by whitespace, '/' or '>'
 *    ("</scripty>" does not end a script); in script content "<!--"
 *    followed by "<script" makes the next "</script>" part of the script
 *    (the tokenizer's double-escaped state), as browsers do;
 *  - a NUL in a tag name means it matches no name; a tag name longer than
 *    SEC_HTML_NAME_MAX matches none.
 * Known difference: CDATA sections are honoured everywhere, where browsers
 * honour them only inside <svg> and <math> (elsewhere "<![CDATA[" is a bogus
 * comment ending at the first '>'); the consequence is at worst a tag left
 * unreported.
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
    int self_closing;          /* a start tag ending in "/>" (never an end tag;
                                  "<a href=x/>" is not: the '/' is in the value) */
} sec_html_tag_t;

/* What to insert around a reported tag; each may be NULL. The strings must
 * live until the next sec_html_feed/sec_html_finish call returns. */
typedef struct {
    const char *before;        /* before the '<' */
    const char *inside;        /* start tags only: before the closing ">" or "/>",
                                  e.g. " nonce=\"...\""; start it with a space.
                                  (In the malformed "<script a=>" a browser
                                  reads it as the value of a.) */
    const char *after;         /* after the '>' */
} sec_html_edit_t;

/* Called for every start and end tag whose name is in the scanner's list,
 * in document order; edit is zeroed before the call. tag and its strings
 * live only during the call. When no edit is asked for, the tag goes out
 * with the text around it (no extra emit). */
typedef void sec_html_tag_fn(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit);

/* Receives the output in order, in pieces of any size (never 0): spans of
 * the chunk being fed, of the held-back bytes, or of edit strings, valid
 * only during the call (copy what must outlive it). A non-success status
 * stops the feed and is returned from it, and from every later feed and
 * finish. */
typedef apr_status_t sec_html_emit_fn(void *baton, const char *data, apr_size_t len);

/* names: the tags of interest, lower case, NULL-terminated, each at most
 * SEC_HTML_NAME_MAX characters (copied; longer or empty ones are ignored,
 * never truncated; NULL: none). Allocated from p: one SEC_HTML_TAG_MAX
 * buffer and the list, nothing per feed. on_tag may be NULL. */
sec_html_scanner_t *sec_html_scanner_make(apr_pool_t *p, const char *const *names,
                                          sec_html_tag_fn *on_tag, sec_html_emit_fn *emit,
                                          void *baton);

/* Scan a chunk. Bytes that may belong to an unfinished tag are held back
 * (at most SEC_HTML_TAG_MAX) until a later chunk completes it; all the rest
 * is emitted before the call returns. The output never depends on where
 * the chunks are cut. */
apr_status_t sec_html_feed(sec_html_scanner_t *sc, const char *data, apr_size_t len);

/* End of the document: whatever is held back is emitted unchanged. */
apr_status_t sec_html_finish(sec_html_scanner_t *sc);

/* An attribute of a reported tag, by name (ASCII case-insensitive): 1 and
 * *value set (quotes removed, no entity decoding; "" for a bare attribute)
 * when present, else 0 and *value NULL. The first occurrence wins, as in
 * browsers; the name must match whole ("name" is not "data-name"). value
 * may be NULL. Works on end tags too, and never reads past tag->len. */
int sec_html_attr(apr_pool_t *p, const sec_html_tag_t *tag, const char *name,
                  const char **value);

#endif
