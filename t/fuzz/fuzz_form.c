/* sec_form (sec_form.h): the streaming form-field extractor.
 *
 * Input layout: byte 0 picks the body kind (even: urlencoded, odd:
 * multipart with boundary "b0undary" when bit 1 is clear, else a boundary
 * read from the input up to the first NUL after byte 1); the next byte is
 * the value cap (0-255); then a list of split points: up to 16 bytes
 * (each one a chunk length 1-255, a 0 ends the list); the rest is the
 * body.
 *
 * Invariants: the result (state, value, overlong, bytes consumed) is the
 * same fed whole, one byte at a time and at the fuzzer's split points; a
 * value is never longer than the cap; a found value is NUL-terminated at
 * its length; once found, more input changes nothing; consumed never
 * exceeds what was fed. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_form.h"

typedef struct {
    sec_form_state_e st;
    char *value;          /* malloc'd copy, or NULL */
    size_t vlen;
    int overlong;
    size_t consumed;
} result_t;

static void run(apr_pool_t *p, const char *ctype, apr_size_t cap, const uint8_t *body, size_t len,
                const uint8_t *splits, int nsplits, int mode, result_t *r)
{
    sec_form_t *f;
    size_t i = 0;
    int si = 0;
    sec_form_state_e st = SEC_FORM_MORE;
    const char *v;
    apr_size_t vlen = 0;

    FZ_ASSERT(sec_form_make(p, ctype, "_csrf", cap, &f) == APR_SUCCESS);
    while (i < len) {
        size_t n = mode == 0 ? len : mode == 1 ? 1 : (nsplits ? splits[si++ % nsplits] : len);
        if (n > len - i) {
            n = len - i;
        }
        st = sec_form_feed(f, (const char *)body + i, n);
        i += n;
        FZ_ASSERT(sec_form_consumed(f) <= i);
    }
    if (st == SEC_FORM_MORE) {
        st = sec_form_finish(f);
        FZ_ASSERT(st != SEC_FORM_MORE);
    }
    FZ_ASSERT(sec_form_state(f) == st);
    r->st = st;
    r->overlong = sec_form_overlong(f);
    r->consumed = sec_form_consumed(f);
    v = sec_form_value(f, &vlen);
    r->value = NULL;
    r->vlen = 0;
    if (st == SEC_FORM_FOUND) {
        FZ_ASSERT(v != NULL);
        FZ_ASSERT(vlen <= cap);
        FZ_ASSERT(v[vlen] == '\0');
        r->value = malloc(vlen + 1);
        memcpy(r->value, v, vlen + 1);
        r->vlen = vlen;
        /* found is final */
        FZ_ASSERT(sec_form_feed(f, "&_csrf=x", 8) == SEC_FORM_FOUND);
        FZ_ASSERT(sec_form_finish(f) == SEC_FORM_FOUND);
    }
    else {
        FZ_ASSERT(v == NULL);
        FZ_ASSERT(r->consumed == len || st == SEC_FORM_DONE);
    }
}

static void same(const result_t *a, const result_t *b)
{
    FZ_ASSERT(a->st == b->st);
    FZ_ASSERT(a->overlong == b->overlong);
    FZ_ASSERT(a->vlen == b->vlen);
    FZ_ASSERT(a->consumed == b->consumed);
    if (a->value) {
        FZ_ASSERT(b->value && !memcmp(a->value, b->value, a->vlen));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    const char *ctype;
    apr_size_t cap;
    uint8_t splits[16];
    int nsplits = 0, mode;
    size_t pos = 2;
    result_t r[3];

    if (size < 2) {
        return 0;
    }
    if (!(data[0] & 1)) {
        ctype = "application/x-www-form-urlencoded";
    }
    else if (!(data[0] & 2)) {
        ctype = "multipart/form-data; boundary=b0undary";
    }
    else {
        const uint8_t *nul = memchr(data + 2, 0, size - 2);
        size_t blen = nul ? (size_t)(nul - (data + 2)) : 0;
        const char *b;
        if (!nul || blen == 0 || blen > SEC_FORM_BOUNDARY_MAX ||
            memchr(data + 2, '\r', blen) || memchr(data + 2, '\n', blen) ||
            memchr(data + 2, '"', blen)) {
            return 0;
        }
        b = apr_pstrmemdup(p, (const char *)data + 2, blen);
        ctype = apr_pstrcat(p, "multipart/form-data; boundary=\"", b, "\"", NULL);
        {
            const char *got = NULL;
            FZ_ASSERT(sec_form_kind(p, ctype, &got) == SEC_FORM_MULTIPART);
            FZ_ASSERT(got && !strcmp(got, b));
        }
        pos = 2 + blen + 1;
    }
    cap = data[1];
    while (pos < size && nsplits < 16 && data[pos] != 0) {
        splits[nsplits++] = data[pos++];
    }
    if (pos < size && nsplits < 16) {
        pos++;   /* the terminating 0 */
    }
    for (mode = 0; mode < 3; mode++) {
        run(p, ctype, cap, data + pos, size - pos, splits, nsplits, mode, &r[mode]);
    }
    same(&r[0], &r[1]);
    same(&r[0], &r[2]);
    for (mode = 0; mode < 3; mode++) {
        free(r[mode].value);
    }
    fz_pool_clear(p);
    return 0;
}
