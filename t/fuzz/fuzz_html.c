/* The streaming HTML tag scanner and sec_html_attr (sec_html.h): pages are
 * whatever the application (or an attacker who got markup into it) sends.
 *
 * Input layout: byte 0 picks the list of tag names; bytes 1..8 are chunk
 * sizes (each 1..256, used in turn) for the chunked runs; the rest is the
 * page. Byte 0x01 in the page is turned into 0x02: 0x01 marks insertions.
 *
 * Invariants:
 *  - without edits the output is the input, byte for byte;
 *  - with edits that insert markers, deleting every marker from the output
 *    gives the input, "inside" markers sit right before ">" or "/>" of a
 *    start tag, and
 *  - whole, chunked and one-byte-per-feed runs give identical output and
 *    identical tag reports;
 *  - every report is a tag of the input: '<'...'>', at most
 *    SEC_HTML_TAG_MAX bytes, its name lower case and in the list.
 */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_html.h"

#define BEFORE "\x01" "B" "\x01"
#define INSIDE " \x01" "I" "\x01"
#define AFTER "\x01" "A" "\x01"

typedef struct {
    char *out;
    size_t len, cap;
    char *log;                  /* every report: "name|end|sc|len;" */
    size_t log_len, log_cap;
    int edits;
    const char *page;
    size_t page_len;
    const char *const *names;
    apr_pool_t *p;
} run_t;

static void append(char **buf, size_t *len, size_t *cap, const char *d, size_t n)
{
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (!*buf) {
            abort();
        }
    }
    memcpy(*buf + *len, d, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static apr_status_t emit(void *baton, const char *data, apr_size_t len)
{
    run_t *r = baton;

    FZ_ASSERT(len > 0);
    append(&r->out, &r->len, &r->cap, data, len);
    return APR_SUCCESS;
}

static void on_tag(void *baton, const sec_html_tag_t *tag, sec_html_edit_t *edit)
{
    run_t *r = baton;
    const char *const *n;
    const char *v;
    char line[64];
    int in_list = 0, i;

    FZ_ASSERT(!edit->before && !edit->inside && !edit->after);
    FZ_ASSERT(tag->len >= 3 && tag->len <= SEC_HTML_TAG_MAX);
    FZ_ASSERT(tag->text[0] == '<' && tag->text[tag->len - 1] == '>');
    FZ_ASSERT(!tag->end || tag->text[1] == '/');
    FZ_ASSERT(!tag->self_closing || (!tag->end && tag->text[tag->len - 2] == '/'));
    for (n = r->names; *n; n++) {
        in_list |= !strcmp(*n, tag->name);
    }
    FZ_ASSERT(in_list);
    /* the name is the tag's, in lower case */
    for (i = 0; tag->name[i]; i++) {
        char c = tag->text[1 + tag->end + i];
        FZ_ASSERT(c == tag->name[i] || (c >= 'A' && c <= 'Z' && (c | 0x20) == tag->name[i]));
    }
    /* the tag is a piece of the page */
    FZ_ASSERT(memmem(r->page, r->page_len, tag->text, tag->len) != NULL);
    if (sec_html_attr(r->p, tag, "method", &v)) {
        FZ_ASSERT(v && strlen(v) < tag->len);
    }
    if (sec_html_attr(r->p, tag, "type", &v)) {
        FZ_ASSERT(v && strlen(v) < tag->len);
    }
    (void)sec_html_attr(r->p, tag, "nonce", NULL);
    snprintf(line, sizeof(line), "%s|%d|%d|%lu;", tag->name, tag->end, tag->self_closing,
             (unsigned long)tag->len);
    append(&r->log, &r->log_len, &r->log_cap, line, strlen(line));
    if (r->edits) {
        edit->before = BEFORE;
        edit->inside = INSIDE;
        edit->after = AFTER;
    }
}

/* mode 0: whole; 1: one byte per feed; 2: chunk sizes from sizes[]. */
static void run(run_t *r, apr_pool_t *p, const char *const *names, const char *page,
                size_t len, int mode, const uint8_t *sizes, int nsizes, int edits)
{
    sec_html_scanner_t *sc;
    size_t off = 0;
    int k = 0;

    memset(r, 0, sizeof(*r));
    r->edits = edits;
    r->page = page;
    r->page_len = len;
    r->names = names;
    r->p = p;
    sc = sec_html_scanner_make(p, names, on_tag, emit, r);
    while (off < len) {
        size_t n = len - off;
        if (mode == 1) {
            n = 1;
        }
        else if (mode == 2 && nsizes) {
            n = (size_t)sizes[k++ % nsizes] + 1;
            if (n > len - off) {
                n = len - off;
            }
        }
        {
            /* each chunk in a buffer of its own, freed once the feed
             * returned: ASan sees reads past a chunk and bytes kept from it */
            char *chunk = malloc(n);
            if (!chunk) {
                abort();
            }
            memcpy(chunk, page + off, n);
            FZ_ASSERT(sec_html_feed(sc, chunk, n) == APR_SUCCESS);
            memset(chunk, 0x01, n);
            free(chunk);
        }
        off += n;
    }
    FZ_ASSERT(sec_html_finish(sc) == APR_SUCCESS);
    if (!r->out) {
        append(&r->out, &r->len, &r->cap, "", 0);
    }
    if (!r->log) {
        append(&r->log, &r->log_len, &r->log_cap, "", 0);
    }
}

static void done(run_t *r)
{
    free(r->out);
    free(r->log);
}

static int same(const run_t *a, const run_t *b)
{
    return a->len == b->len && !memcmp(a->out, b->out, a->len) && a->log_len == b->log_len
           && !memcmp(a->log, b->log, a->log_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const lists[][6] = {
        {"form", "script", NULL},
        {"script", NULL},
        {"form", NULL},
        {"textarea", "title", "style", "input", "a", NULL},
        {"iframe", "xmp", "plaintext", "noembed", "noframes", NULL},
        {NULL},
    };
    apr_pool_t *p = fz_init();
    const char *const *names;
    const uint8_t *sizes;
    int nsizes;
    char *page;
    size_t len, i, o;
    run_t plain, whole, bytes, chunks;

    if (size < 1) {
        return 0;
    }
    names = lists[data[0] % (sizeof(lists) / sizeof(lists[0]))];
    nsizes = size - 1 < 8 ? (int)(size - 1) : 8;
    sizes = data + 1;
    len = size - 1 - (size_t)nsizes;
    page = malloc(len ? len : 1);
    if (!page) {
        abort();
    }
    memcpy(page, data + 1 + nsizes, len);
    for (i = 0; i < len; i++) {
        if (page[i] == '\x01') {
            page[i] = '\x02';
        }
    }

    /* no edits: the input, unchanged */
    run(&plain, p, names, page, len, 2, sizes, nsizes, 0);
    FZ_ASSERT(plain.len == len && !memcmp(plain.out, page, len));

    /* edits: markers only, each where it belongs */
    run(&whole, p, names, page, len, 0, sizes, nsizes, 1);
    FZ_ASSERT(whole.log_len == plain.log_len && !memcmp(whole.log, plain.log, plain.log_len));
    for (i = 0, o = 0; i < whole.len;) {
        if (whole.out[i] == ' ' && i + 4 <= whole.len && !memcmp(whole.out + i, INSIDE, 4)) {
            FZ_ASSERT(i + 4 < whole.len && (whole.out[i + 4] == '>'
                      || (whole.out[i + 4] == '/' && i + 5 < whole.len && whole.out[i + 5] == '>')));
            i += 4;
            continue;
        }
        if (whole.out[i] == '\x01') {
            FZ_ASSERT(i + 3 <= whole.len && (!memcmp(whole.out + i, BEFORE, 3)
                                             || !memcmp(whole.out + i, AFTER, 3)));
            FZ_ASSERT(!memcmp(whole.out + i, AFTER, 3) ? i > 0 && whole.out[i - 1] == '>'
                                                       : i + 3 < whole.len && whole.out[i + 3] == '<');
            i += 3;
            continue;
        }
        FZ_ASSERT(o < len && whole.out[i] == page[o]);
        i++;
        o++;
    }
    FZ_ASSERT(o == len);

    /* chunking never changes anything */
    run(&chunks, p, names, page, len, 2, sizes, nsizes, 1);
    FZ_ASSERT(same(&whole, &chunks));
    run(&bytes, p, names, page, len, 1, sizes, nsizes, 1);
    FZ_ASSERT(same(&whole, &bytes));

    done(&plain);
    done(&whole);
    done(&chunks);
    done(&bytes);
    free(page);
    fz_pool_clear(p);
    return 0;
}
