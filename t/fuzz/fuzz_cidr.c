/* sec_ip_parse, sec_cidr_parse, sec_cidr_list_parse (sec_cidr.h) on the
 * NUL-terminated input (client addresses from X-Forwarded-For-style sources,
 * trusted-proxy lists), then containment and prefix rendering on whatever
 * parsed, plus on an address built from the raw bytes. */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_cidr.h"

static int maxbits(const sec_ip_t *ip)
{
    return ip->family == 4 ? 32 : 128;
}

/* Everything the library can say about one parsed address. */
static void check_ip(apr_pool_t *p, const sec_ip_t *ip, int extra_bits)
{
    static const int bits_list[] = {-1, 0, 1, 7, 8, 9, 16, 24, 31, 32, 33, 48, 64, 96,
                                    127, 128, 129, 1000};
    sec_ip_t back;
    sec_cidr_t c;
    size_t i;

    FZ_ASSERT(ip->family == 4 || ip->family == 6);
    for (i = 0; i <= sizeof(bits_list) / sizeof(bits_list[0]); i++) {
        int bits = i < sizeof(bits_list) / sizeof(bits_list[0]) ? bits_list[i] : extra_bits;
        char *pfx = sec_ip_prefix_string(p, ip, bits);
        int eff = bits < 0 ? 0 : bits > maxbits(ip) ? maxbits(ip) : bits;

        FZ_ASSERT(pfx != NULL);
        /* The prefix is an address of the same family ... */
        FZ_ASSERT(sec_ip_parse(pfx, &back) == APR_SUCCESS);
        FZ_ASSERT(back.family == ip->family);
        if (eff == maxbits(ip)) {
            FZ_ASSERT(!memcmp(back.addr, ip->addr, 16));
        }
        /* ... and prefix/bits is a valid range that holds the address. */
        FZ_ASSERT(sec_cidr_parse(apr_psprintf(p, "%s/%d", pfx, eff), &c) == APR_SUCCESS);
        FZ_ASSERT(c.bits == eff);
        FZ_ASSERT(sec_cidr_contains(&c, ip));
    }
}

static void check_cidr(apr_pool_t *p, const sec_cidr_t *c)
{
    FZ_ASSERT(c->net.family == 4 || c->net.family == 6);
    FZ_ASSERT(c->bits >= 0 && c->bits <= maxbits(&c->net));
    /* A range contains its own network address. */
    FZ_ASSERT(sec_cidr_contains(c, &c->net));
    check_ip(p, &c->net, c->bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *s = fz_cstr(data, size);
    sec_ip_t ip, raw;
    sec_cidr_t c;
    apr_array_header_t *list = NULL;
    const char *err = NULL, *t;
    int have_ip = 0, have_cidr = 0, i;

    if (sec_ip_parse(s, &ip) == APR_SUCCESS) {
        have_ip = 1;
        check_ip(p, &ip, (int)size);
    }
    if (sec_cidr_parse(s, &c) == APR_SUCCESS) {
        have_cidr = 1;
        check_cidr(p, &c);
        if (have_ip) {
            /* A bare address is the one-address range. */
            FZ_ASSERT(c.bits == maxbits(&ip));
            FZ_ASSERT(sec_cidr_contains(&c, &ip));
        }
    }
    else {
        /* Whatever sec_ip_parse accepts, sec_cidr_parse accepts as a /max range. */
        FZ_ASSERT(!have_ip);
    }
    if (sec_cidr_list_parse(p, s, &list, &err) == APR_SUCCESS) {
        FZ_ASSERT(list && list->nelts > 0);
        for (i = 0; i < list->nelts; i++) {
            const sec_cidr_t *lc = &APR_ARRAY_IDX(list, i, sec_cidr_t);
            check_cidr(p, lc);
            FZ_ASSERT(sec_cidr_list_contains(list, &lc->net));
        }
        if (have_ip) {
            FZ_ASSERT(sec_cidr_list_contains(list, &ip));
        }
    }
    else {
        FZ_ASSERT(err != NULL);
        FZ_ASSERT(!have_cidr);
    }
    t = sec_ip_truncate(p, s);
    FZ_ASSERT(t != NULL);
    if (strcmp(t, "invalid") != 0) {
        FZ_ASSERT(have_ip);
        FZ_ASSERT(sec_ip_parse(t, &raw) == APR_SUCCESS);
    }
    else {
        FZ_ASSERT(!have_ip);
    }

    /* An address from raw bytes: every family/bit pattern, no text involved. */
    if (size >= 1) {
        memset(&raw, 0, sizeof(raw));
        raw.family = (data[0] & 1) ? 6 : 4;
        memcpy(raw.addr, data + 1, size - 1 < 16 ? size - 1 : 16);
        if (raw.family == 4) {
            memset(raw.addr + 4, 0, 12);
        }
        else if (!memcmp(raw.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
            /* What the parser makes of an IPv4-mapped address. */
            raw.family = 4;
            memmove(raw.addr, raw.addr + 12, 4);
            memset(raw.addr + 4, 0, 12);
        }
        check_ip(p, &raw, data[0] >> 1);
        if (have_cidr) {
            (void)sec_cidr_contains(&c, &raw);
        }
        if (list) {
            (void)sec_cidr_list_contains(list, &raw);
        }
    }

    free(s);
    fz_pool_clear(p);
    return 0;
}
