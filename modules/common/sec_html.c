/* A streaming HTML tag scanner; see sec_html.h.
 *
 * It follows the HTML tokenizer (WHATWG HTML, "Tokenization") where it
 * matters for finding tags: the character-reference, DOCTYPE and attribute
 * value contents are never interpreted, only their boundaries. Every input
 * byte is consumed exactly once in some state; a state that cannot decide
 * yet (a '<' at the end of a chunk, "</scr" in a script) holds the bytes
 * back, and when the candidate turns out to be text they go out unchanged
 * and the byte that decided is consumed again in the text state
 * ("reconsume", as the spec says). So the output cannot depend on where
 * chunks end, and nothing is ever scanned twice.
 *
 * Speed: text, comments, raw text and quoted attribute values are skipped
 * with memchr; only tag interiors and the few bytes after a '<' go through
 * the per-byte state machine. Output is emitted lazily as spans of the
 * caller's chunk: one emit per chunk when no tag is edited, plus a few per
 * edit. The only copy is of a tag that straddles a chunk boundary.
 */
#include <string.h>
#include <apr_strings.h>
#include "sec_html.h"

/* What the scanner is in. */
typedef enum {
    M_DATA,        /* text */
    M_LT,          /* after '<' in text */
    M_LT_SLASH,    /* after "</" in text */
    M_BANG,        /* after "<!", matching "<!--" or "<![CDATA[" */
    M_TAG,         /* inside a start or end tag */
    M_COMMENT,     /* after "<!--", up to "-->" / "--!>" */
    M_CDATA,       /* after "<![CDATA[", up to "]]>" */
    M_BOGUS,       /* <!DOCTYPE>, <?...>, </ x>: up to the first '>' */
    M_RAW,         /* raw text / RCDATA element content */
    M_RAW_LT,      /* matching "</name" + delimiter in raw text */
    M_SCRIPT,      /* script content (with its escape sub-states) */
    M_SCRIPT_LT,   /* after '<' in script content */
    M_PLAINTEXT    /* everything up to EOF is text */
} mode_e;

/* Inside a tag (the tokenizer's tag and attribute states). */
typedef enum {
    T_NAME,
    T_BEFORE_ATTR,
    T_ATTR_NAME,
    T_AFTER_ATTR_NAME,
    T_BEFORE_VALUE,
    T_VALUE_DQ,
    T_VALUE_SQ,
    T_VALUE_UNQ,
    T_AFTER_VALUE_Q,
    T_SELF_CLOSING
} tag_state_e;

/* Script data: plain, escaped (after "<!--") and double-escaped (after
 * "<!--<script>"): in the last one "</script>" does not end the element. */
typedef enum { S_PLAIN, S_ESCAPED, S_DOUBLE } script_state_e;

/* What a '<' in script content may become. */
typedef enum {
    SL_START,      /* just after '<' */
    SL_END,        /* matching "/script" + delimiter */
    SL_BANG,       /* matching "!--" (plain state) */
    SL_DOUBLE      /* matching "script" + delimiter (escaped state) */
} script_lt_e;

#define NAME_BUF (SEC_HTML_NAME_MAX + 1)

struct sec_html_scanner_t {
    char (*names)[NAME_BUF];
    apr_size_t *name_lens;
    int nnames;
    sec_html_tag_fn *on_tag;
    sec_html_emit_fn *emit;
    void *baton;
    apr_status_t rv;             /* sticky: the first emit failure */

    mode_e mode;
    /* the current chunk: data[emit_from..) is not emitted yet; while
     * holding, data[hold_from..) (after buf) is the candidate */
    const char *data;
    apr_size_t emit_from, hold_from;
    int holding;
    char *buf;                   /* held bytes from earlier chunks */
    apr_size_t blen;

    /* stream position, for looking back at the bytes before a '>' */
    apr_uint64_t off;            /* absolute offset of data[0] */
    unsigned char last[4];       /* the 4 bytes before data[0] (0 when none) */
    apr_uint64_t content_start;  /* absolute offset after "<!--" / "<![CDATA[" */

    /* M_BANG / M_RAW_LT / M_SCRIPT_LT matching */
    apr_size_t mpos;
    int bang_cdata;
    script_lt_e slt;

    /* M_TAG */
    tag_state_e ts;
    int tag_end, self_closing, overlong;
    char name[NAME_BUF];
    apr_size_t name_len;
    int name_long;

    /* raw text */
    const char *raw;             /* the element whose end tag ends it */
    apr_size_t raw_len;
    script_state_e ss;
};

static int is_alpha(unsigned char c)
{
    return (unsigned char)((c | 0x20) - 'a') < 26;
}

static unsigned char lower(unsigned char c)
{
    return (unsigned char)(c - 'A') < 26 ? (unsigned char)(c | 0x20) : c;
}

/* HTML whitespace: tab, LF, FF, CR, space. */
static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

/* Ends a tag name after "</name" in raw text and script. */
static int is_end_delim(unsigned char c)
{
    return is_space(c) || c == '/' || c == '>';
}

sec_html_scanner_t *sec_html_scanner_make(apr_pool_t *p, const char *const *names,
                                          sec_html_tag_fn *on_tag, sec_html_emit_fn *emit,
                                          void *baton)
{
    sec_html_scanner_t *sc = apr_pcalloc(p, sizeof(*sc));
    int n = 0, i;

    while (names && names[n]) {
        n++;
    }
    sc->names = apr_pcalloc(p, sizeof(*sc->names) * (apr_size_t)(n ? n : 1));
    sc->name_lens = apr_pcalloc(p, sizeof(*sc->name_lens) * (apr_size_t)(n ? n : 1));
    for (i = 0; i < n; i++) {
        apr_size_t len = strlen(names[i]), k;
        if (len == 0 || len > SEC_HTML_NAME_MAX) {
            continue;           /* could never match (and a prefix must not) */
        }
        for (k = 0; k < len; k++) {
            sc->names[sc->nnames][k] = (char)lower((unsigned char)names[i][k]);
        }
        sc->name_lens[sc->nnames++] = len;
    }
    sc->on_tag = on_tag;
    sc->emit = emit;
    sc->baton = baton;
    sc->buf = apr_palloc(p, SEC_HTML_TAG_MAX);
    sc->mode = M_DATA;
    sc->rv = APR_SUCCESS;
    return sc;
}

static void out(sec_html_scanner_t *sc, const char *d, apr_size_t n)
{
    if (n && sc->rv == APR_SUCCESS) {
        sc->rv = sc->emit(sc->baton, d, n);
    }
}

/* Byte at absolute stream offset a, for a < off + i (i: current index):
 * only the last 4 bytes before the chunk are kept, which is all the
 * look-behind the end checks need. */
static unsigned char byte_at(const sec_html_scanner_t *sc, apr_uint64_t a)
{
    if (a >= sc->off) {
        return (unsigned char)sc->data[a - sc->off];
    }
    if (sc->off - a > 4) {
        return 0;
    }
    return sc->last[4 - (sc->off - a)];
}

/* Start holding the candidate that begins with the '<' at index i. */
static void hold(sec_html_scanner_t *sc, apr_size_t i)
{
    sc->holding = 1;
    sc->hold_from = i;
}

/* The held candidate is text after all: it stays in the pending span. */
static void release(sec_html_scanner_t *sc)
{
    if (sc->blen) {
        /* the candidate began in an earlier chunk: emit_from is 0 */
        out(sc, sc->buf, sc->blen);
        sc->blen = 0;
    }
    sc->holding = 0;
}

static void start_tag_state(sec_html_scanner_t *sc, int end, unsigned char first)
{
    sc->mode = M_TAG;
    sc->ts = T_NAME;
    sc->tag_end = end;
    sc->self_closing = 0;
    sc->overlong = 0;
    sc->name[0] = (char)lower(first);
    sc->name_len = 1;
    sc->name_long = 0;
}

static int wanted(const sec_html_scanner_t *sc)
{
    int i;

    if (sc->name_long) {
        return 0;
    }
    for (i = 0; i < sc->nnames; i++) {
        if (sc->name_lens[i] == sc->name_len && sc->names[i][0] == sc->name[0]
            && !memcmp(sc->names[i], sc->name, sc->name_len)) {
            return 1;
        }
    }
    return 0;
}

/* The raw-text element (or plaintext) a start tag named so opens, or NULL.
 * Called for every start tag: lengths first, then one memcmp. */
static const char *raw_element(const char *name, apr_size_t len)
{
    const char *cand;

    switch (len) {
    case 3: cand = "xmp"; break;
    case 5: cand = name[0] == 't' ? "title" : "style"; break;
    case 6: cand = name[0] == 's' ? "script" : "iframe"; break;
    case 7: cand = "noembed"; break;
    case 8: cand = name[0] == 't' ? "textarea" : "noframes"; break;
    case 9: cand = "plaintext"; break;
    default: return NULL;
    }
    return memcmp(name, cand, len) ? NULL : cand;
}

/* The tag ends with the '>' at index i. Report it when asked for, emit it
 * with its edits, and switch to what follows it. */
static void tag_done(sec_html_scanner_t *sc, apr_size_t i)
{
    apr_size_t in_chunk = i + 1 - sc->hold_from;
    const char *raw;

    sc->name[sc->name_len] = '\0';
    if (sc->holding && !sc->overlong && sc->blen + in_chunk <= SEC_HTML_TAG_MAX && sc->on_tag
        && wanted(sc)) {
        sec_html_tag_t tag;
        sec_html_edit_t edit = {NULL, NULL, NULL};
        const char *text;
        apr_size_t len;

        if (sc->blen) {
            memcpy(sc->buf + sc->blen, sc->data + sc->hold_from, in_chunk);
            text = sc->buf;
            len = sc->blen + in_chunk;
        }
        else {
            text = sc->data + sc->hold_from;
            len = in_chunk;
        }
        tag.end = sc->tag_end;
        tag.name = sc->name;
        tag.text = text;
        tag.len = len;
        tag.self_closing = sc->self_closing;
        sc->on_tag(sc->baton, &tag, &edit);
        if (sc->tag_end) {
            edit.inside = NULL;
        }
        if (edit.before || edit.inside || edit.after) {
            apr_size_t at = len - (sc->self_closing ? 2 : 1);
            /* everything before the tag, then the tag with its edits */
            if (!sc->blen) {
                out(sc, sc->data + sc->emit_from, sc->hold_from - sc->emit_from);
            }
            if (edit.before) {
                out(sc, edit.before, strlen(edit.before));
            }
            if (edit.inside) {
                out(sc, text, at);
                out(sc, edit.inside, strlen(edit.inside));
                out(sc, text + at, len - at);
            }
            else {
                out(sc, text, len);
            }
            if (edit.after) {
                out(sc, edit.after, strlen(edit.after));
            }
            sc->emit_from = i + 1;
            sc->blen = 0;
            sc->holding = 0;
        }
        else {
            release(sc);    /* buf[0..blen) out; the chunk part stays pending */
        }
    }
    else {
        release(sc);
    }

    sc->mode = M_DATA;
    if (sc->tag_end || sc->name_long || !(raw = raw_element(sc->name, sc->name_len))) {
        return;
    }
    if (raw[0] == 'p') {
        sc->mode = M_PLAINTEXT;
        return;
    }
    sc->mode = raw[0] == 's' && raw[1] == 'c' ? M_SCRIPT : M_RAW;
    sc->ss = S_PLAIN;
    sc->raw = raw;
    sc->raw_len = sc->name_len;
}

/* Byte classes inside a tag: runs of bytes with none of the bits a state
 * cares about are skipped in a tight loop instead of one switch per byte. */
#define C_SPACE 1
#define C_SLASH 2
#define C_EQ    4
#define C_GT    8
#define C_NUL   16

static const unsigned char tag_class[256] = {
    [0] = C_NUL, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\f'] = C_SPACE, ['\r'] = C_SPACE,
    [' '] = C_SPACE, ['/'] = C_SLASH, ['='] = C_EQ, ['>'] = C_GT,
};

/* Runs the tag state machine from data[i]; returns the index after the
 * tag's '>' or len when the chunk ends first. */
static apr_size_t scan_tag(sec_html_scanner_t *sc, const char *d, apr_size_t i, apr_size_t len)
{
    while (i < len) {
        unsigned char c = (unsigned char)d[i];

        switch (sc->ts) {
        case T_NAME:
            if (is_space(c)) {
                sc->ts = T_BEFORE_ATTR;
            }
            else if (c == '/') {
                sc->ts = T_SELF_CLOSING;
            }
            else if (c == '>') {
                goto done;
            }
            else if (c && sc->name_len < SEC_HTML_NAME_MAX) {
                sc->name[sc->name_len++] = (char)lower(c);
            }
            else {
                sc->name_long = 1;      /* too long, or a NUL: matches nothing */
            }
            i++;
            break;
        case T_BEFORE_ATTR:
            if (c == '>') {
                goto done;
            }
            if (c == '/') {
                sc->ts = T_SELF_CLOSING;
            }
            else if (!is_space(c)) {
                sc->ts = T_ATTR_NAME;   /* '=' here starts a name, as in the spec */
            }
            i++;
            break;
        case T_ATTR_NAME:
            if (!(tag_class[c] & (C_SPACE | C_SLASH | C_EQ | C_GT))) {
                do {
                    i++;
                } while (i < len && !(tag_class[(unsigned char)d[i]] & (C_SPACE | C_SLASH | C_EQ | C_GT)));
                break;
            }
            if (is_space(c)) {
                sc->ts = T_AFTER_ATTR_NAME;
            }
            else if (c == '/') {
                sc->ts = T_SELF_CLOSING;
            }
            else if (c == '=') {
                sc->ts = T_BEFORE_VALUE;
            }
            else if (c == '>') {
                goto done;
            }
            i++;
            break;
        case T_AFTER_ATTR_NAME:
            if (c == '>') {
                goto done;
            }
            if (c == '/') {
                sc->ts = T_SELF_CLOSING;
            }
            else if (c == '=') {
                sc->ts = T_BEFORE_VALUE;
            }
            else if (!is_space(c)) {
                sc->ts = T_ATTR_NAME;
            }
            i++;
            break;
        case T_BEFORE_VALUE:
            if (c == '"') {
                sc->ts = T_VALUE_DQ;
            }
            else if (c == '\'') {
                sc->ts = T_VALUE_SQ;
            }
            else if (c == '>') {
                goto done;
            }
            else if (!is_space(c)) {
                sc->ts = T_VALUE_UNQ;
            }
            i++;
            break;
        case T_VALUE_DQ:
        case T_VALUE_SQ: {
            const char *q = memchr(d + i, sc->ts == T_VALUE_DQ ? '"' : '\'', len - i);
            if (!q) {
                return len;
            }
            i = (apr_size_t)(q - d) + 1;
            sc->ts = T_AFTER_VALUE_Q;
            break;
        }
        case T_VALUE_UNQ:
            if (!(tag_class[c] & (C_SPACE | C_GT))) {
                do {
                    i++;
                } while (i < len && !(tag_class[(unsigned char)d[i]] & (C_SPACE | C_GT)));
                break;
            }
            if (is_space(c)) {
                sc->ts = T_BEFORE_ATTR;
            }
            else if (c == '>') {
                goto done;
            }
            i++;
            break;
        case T_AFTER_VALUE_Q:
            if (c == '>') {
                goto done;
            }
            /* '/' starts the self-closing check; anything else begins the
             * next attribute (after whitespace, or glued on: a parse error
             * browsers forgive) */
            sc->ts = c == '/' ? T_SELF_CLOSING : T_BEFORE_ATTR;
            if (c == '/' || is_space(c)) {
                i++;
            }
            break;
        case T_SELF_CLOSING:
            if (c == '>') {
                sc->self_closing = !sc->tag_end;   /* "</br/>" is not self-closing */
                goto done;
            }
            sc->ts = T_BEFORE_ATTR;     /* reconsume */
            break;
        }
    }
    return len;

done:
    tag_done(sc, i);
    return i + 1;
}

/* Looks for the first '<' or '>' in d[i..len). */
static apr_size_t find_lt_gt(const char *d, apr_size_t i, apr_size_t len)
{
    for (; i < len; i++) {
        if (d[i] == '<' || d[i] == '>') {
            break;
        }
    }
    return i;
}

static void scan(sec_html_scanner_t *sc, const char *d, apr_size_t len)
{
    apr_size_t i = 0;

    while (i < len && sc->rv == APR_SUCCESS) {
        unsigned char c = (unsigned char)d[i];

        switch (sc->mode) {
        case M_DATA: {
            const char *lt = memchr(d + i, '<', len - i);
            if (!lt) {
                return;
            }
            i = (apr_size_t)(lt - d);
            hold(sc, i);
            sc->mode = M_LT;
            i++;
            break;
        }
        case M_LT:
            if (is_alpha(c)) {
                start_tag_state(sc, 0, c);
                i++;
            }
            else if (c == '/') {
                sc->mode = M_LT_SLASH;
                i++;
            }
            else if (c == '!') {
                sc->mode = M_BANG;
                sc->mpos = 2;
                i++;
            }
            else {
                /* "<?" starts a bogus comment; anything else was a '<' in text */
                release(sc);
                sc->mode = c == '?' ? M_BOGUS : M_DATA;
            }
            break;
        case M_LT_SLASH:
            if (is_alpha(c)) {
                start_tag_state(sc, 1, c);
                i++;
            }
            else {
                /* "</>" is dropped by browsers; "</ x" and "</1" are bogus comments */
                release(sc);
                if (c == '>') {
                    sc->mode = M_DATA;
                    i++;
                }
                else {
                    sc->mode = M_BOGUS;
                }
            }
            break;
        case M_BANG: {
            /* held so far: the first mpos bytes of "<!--" or "<![CDATA[";
             * the byte after "<!" picks which */
            const char *pat;
            apr_size_t plen;
            if (sc->mpos == 2) {
                sc->bang_cdata = (c == '[');
            }
            pat = sc->bang_cdata ? "<![CDATA[" : "<!--";
            plen = sc->bang_cdata ? 9 : 4;
            if (c != (unsigned char)pat[sc->mpos]) {
                release(sc);
                sc->mode = M_BOGUS;         /* <!DOCTYPE ...>, <!x>, <!-x ... */
                break;
            }
            sc->mpos++;
            i++;
            if (sc->mpos == plen) {
                release(sc);
                sc->mode = sc->bang_cdata ? M_CDATA : M_COMMENT;
                sc->content_start = sc->off + i;
            }
            break;
        }
        case M_TAG:
            i = scan_tag(sc, d, i, len);
            break;
        case M_COMMENT:
        case M_CDATA: {
            const char *gt = memchr(d + i, '>', len - i);
            apr_uint64_t a;
            unsigned char p1, p2;
            if (!gt) {
                return;
            }
            i = (apr_size_t)(gt - d) + 1;
            a = sc->off + (apr_uint64_t)(gt - d);
            p1 = byte_at(sc, a - 1);
            p2 = byte_at(sc, a - 2);
            if (sc->mode == M_COMMENT) {
                /* "-->" (its dashes may be the opening's: "<!-->", "<!--->")
                 * or "--!>" after the opening */
                if ((p1 == '-' && p2 == '-')
                    || (p1 == '!' && p2 == '-' && byte_at(sc, a - 3) == '-'
                        && a - 3 >= sc->content_start)) {
                    sc->mode = M_DATA;
                }
            }
            else if (p1 == ']' && p2 == ']' && a - 2 >= sc->content_start) {
                sc->mode = M_DATA;
            }
            break;
        }
        case M_BOGUS: {
            const char *gt = memchr(d + i, '>', len - i);
            if (!gt) {
                return;
            }
            i = (apr_size_t)(gt - d) + 1;
            sc->mode = M_DATA;
            break;
        }
        case M_PLAINTEXT:
            return;
        case M_RAW: {
            const char *lt = memchr(d + i, '<', len - i);
            if (!lt) {
                return;
            }
            i = (apr_size_t)(lt - d);
            hold(sc, i);
            sc->mode = M_RAW_LT;
            sc->mpos = 0;
            i++;
            break;
        }
        case M_RAW_LT:
            /* matching "/" + name, then a delimiter */
            if (sc->mpos == 0 ? c == '/'
                              : sc->mpos <= sc->raw_len && lower(c) == (unsigned char)sc->raw[sc->mpos - 1]) {
                sc->mpos++;
                i++;
            }
            else if (sc->mpos == sc->raw_len + 1 && is_end_delim(c)) {
                start_tag_state(sc, 1, (unsigned char)sc->raw[0]);
                memcpy(sc->name, sc->raw, sc->raw_len);
                sc->name_len = sc->raw_len;
                /* the delimiter is consumed by the tag states */
            }
            else {
                release(sc);
                sc->mode = M_RAW;
            }
            break;
        case M_SCRIPT:
            if (sc->ss == S_PLAIN) {
                const char *lt = memchr(d + i, '<', len - i);
                if (!lt) {
                    return;
                }
                i = (apr_size_t)(lt - d);
            }
            else {
                i = find_lt_gt(d, i, len);
                if (i == len) {
                    return;
                }
                if (d[i] == '>') {
                    apr_uint64_t a = sc->off + i;
                    /* "-->" leaves the escaped states (the dashes of
                     * "<!--" count: "<!-->" is a no-op) */
                    if (byte_at(sc, a - 1) == '-' && byte_at(sc, a - 2) == '-') {
                        sc->ss = S_PLAIN;
                    }
                    i++;
                    break;
                }
            }
            hold(sc, i);
            sc->mode = M_SCRIPT_LT;
            sc->slt = SL_START;
            i++;
            break;
        case M_SCRIPT_LT:
            switch (sc->slt) {
            case SL_START:
                if (c == '/') {
                    sc->slt = SL_END;
                    sc->mpos = 0;
                    i++;
                    continue;
                }
                if (c == '!' && sc->ss == S_PLAIN) {
                    sc->slt = SL_BANG;
                    sc->mpos = 1;
                    i++;
                    continue;
                }
                if (is_alpha(c) && sc->ss == S_ESCAPED) {
                    sc->slt = SL_DOUBLE;
                    sc->mpos = 0;
                    continue;               /* reconsume as the first letter */
                }
                break;                      /* text */
            case SL_END:
                if (sc->mpos < 6) {
                    if (lower(c) == (unsigned char)"script"[sc->mpos]) {
                        sc->mpos++;
                        i++;
                        continue;
                    }
                    break;
                }
                if (!is_end_delim(c)) {
                    break;
                }
                if (sc->ss == S_DOUBLE) {
                    /* "</script>" only leaves the double escape */
                    release(sc);
                    sc->ss = S_ESCAPED;
                    sc->mode = M_SCRIPT;
                    i++;
                    continue;
                }
                start_tag_state(sc, 1, 's');
                memcpy(sc->name, "script", 6);
                sc->name_len = 6;
                continue;                   /* the tag states take the delimiter */
            case SL_BANG:
                if (c == '-') {
                    if (++sc->mpos == 3) {
                        release(sc);
                        sc->ss = S_ESCAPED;
                        sc->mode = M_SCRIPT;
                    }
                    i++;
                    continue;
                }
                break;
            case SL_DOUBLE:
                if (sc->mpos < 6) {
                    if (lower(c) == (unsigned char)"script"[sc->mpos]) {
                        sc->mpos++;
                        i++;
                        continue;
                    }
                    break;
                }
                if (is_end_delim(c)) {
                    release(sc);
                    sc->ss = S_DOUBLE;
                    sc->mode = M_SCRIPT;
                    i++;
                    continue;
                }
                break;
            }
            /* not what it might have been: text, and c is looked at again */
            release(sc);
            sc->mode = M_SCRIPT;
            break;
        }
    }
}

/* Remember the last bytes of the stream, for byte_at. */
static void advance(sec_html_scanner_t *sc, const char *data, apr_size_t len)
{
    if (len >= 4) {
        memcpy(sc->last, data + len - 4, 4);
    }
    else if (len) {
        memmove(sc->last, sc->last + len, 4 - len);
        memcpy(sc->last + 4 - len, data, len);
    }
    sc->off += len;
}

apr_status_t sec_html_feed(sec_html_scanner_t *sc, const char *data, apr_size_t len)
{
    if (sc->rv != APR_SUCCESS || !len) {
        return sc->rv;
    }
    sc->data = data;
    sc->emit_from = 0;
    sc->hold_from = 0;
    scan(sc, data, len);
    if (sc->holding) {
        apr_size_t part = len - sc->hold_from;
        if (sc->blen == 0) {
            out(sc, data + sc->emit_from, sc->hold_from - sc->emit_from);
        }
        if (sc->blen + part > SEC_HTML_TAG_MAX) {
            /* too long to be reported: it goes out as it is, the tag
             * states still find its end */
            out(sc, sc->buf, sc->blen);
            out(sc, data + sc->hold_from, part);
            sc->blen = 0;
            sc->holding = 0;
            sc->overlong = 1;
        }
        else {
            memcpy(sc->buf + sc->blen, data + sc->hold_from, part);
            sc->blen += part;
        }
    }
    else {
        out(sc, data + sc->emit_from, len - sc->emit_from);
    }
    advance(sc, data, len);
    sc->data = NULL;
    return sc->rv;
}

apr_status_t sec_html_finish(sec_html_scanner_t *sc)
{
    if (sc->rv == APR_SUCCESS && sc->holding) {
        out(sc, sc->buf, sc->blen);
    }
    sc->blen = 0;
    sc->holding = 0;
    sc->mode = M_DATA;
    return sc->rv;
}

int sec_html_attr(apr_pool_t *p, const sec_html_tag_t *tag, const char *name,
                  const char **value)
{
    const unsigned char *s, *e;
    apr_size_t nlen;

    if (value) {
        *value = NULL;
    }
    if (!tag || !tag->text || tag->len < 2 || !name || !*name) {
        return 0;
    }
    nlen = strlen(name);
    s = (const unsigned char *)tag->text + 1;
    e = (const unsigned char *)tag->text + tag->len;
    if (e[-1] == '>') {
        e--;
    }
    if (s < e && *s == '/') {
        s++;
    }
    /* the tag name */
    while (s < e && !is_space(*s) && *s != '/') {
        s++;
    }
    for (;;) {
        const unsigned char *an, *ane, *v = NULL, *ve = NULL;

        /* before the attribute name: whitespace and stray '/' */
        while (s < e && (is_space(*s) || *s == '/')) {
            s++;
        }
        if (s >= e) {
            return 0;
        }
        an = s++;                           /* a leading '=' belongs to the name */
        while (s < e && !is_space(*s) && *s != '/' && *s != '=') {
            s++;
        }
        ane = s;
        while (s < e && is_space(*s)) {
            s++;
        }
        if (s < e && *s == '=') {
            s++;
            while (s < e && is_space(*s)) {
                s++;
            }
            if (s < e && (*s == '"' || *s == '\'')) {
                const unsigned char *q = memchr(s + 1, *s, (apr_size_t)(e - s - 1));
                v = s + 1;
                ve = q ? q : e;
                s = q ? q + 1 : e;
            }
            else {
                v = s;
                while (s < e && !is_space(*s)) {
                    s++;
                }
                ve = s;
            }
        }
        if ((apr_size_t)(ane - an) == nlen && !strncasecmp((const char *)an, name, nlen)) {
            if (value) {
                *value = v ? apr_pstrmemdup(p, (const char *)v, (apr_size_t)(ve - v)) : "";
            }
            return 1;
        }
    }
}
