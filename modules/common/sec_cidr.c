/* IP addresses and CIDR ranges; see sec_cidr.h. */
#include <string.h>
#include <arpa/inet.h>
#include <apr_strings.h>
#include "sec_cidr.h"

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

apr_status_t sec_ip_parse(const char *s, sec_ip_t *out)
{
    unsigned char buf[16];
    apr_size_t len;

    if (!s || (len = strlen(s)) == 0 || len >= INET6_ADDRSTRLEN) {
        return APR_EINVAL;
    }
    memset(out, 0, sizeof(*out));
    if (strchr(s, ':')) {
        if (inet_pton(AF_INET6, s, buf) != 1) {
            return APR_EINVAL;
        }
        if (!memcmp(buf, v4mapped, sizeof(v4mapped))) {
            out->family = 4;
            memcpy(out->addr, buf + 12, 4);
        }
        else {
            out->family = 6;
            memcpy(out->addr, buf, 16);
        }
        return APR_SUCCESS;
    }
    /* inet_pton's AF_INET form is strict dotted-quad: no octal, no short forms. */
    if (inet_pton(AF_INET, s, buf) != 1) {
        return APR_EINVAL;
    }
    out->family = 4;
    memcpy(out->addr, buf, 4);
    return APR_SUCCESS;
}

static int max_bits(int family)
{
    return family == 4 ? 32 : 128;
}

/* 1 when every bit after the first bits bits is zero. */
static int host_bits_zero(const sec_ip_t *ip, int bits)
{
    int i, n = max_bits(ip->family) / 8;

    for (i = 0; i < n; i++) {
        int keep = bits - i * 8;
        unsigned char mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        if (ip->addr[i] & (unsigned char)~mask) {
            return 0;
        }
    }
    return 1;
}

apr_status_t sec_cidr_parse(const char *s, sec_cidr_t *out)
{
    char buf[INET6_ADDRSTRLEN + 8];
    const char *slash;
    apr_size_t alen;
    int bits;

    if (!s) {
        return APR_EINVAL;
    }
    slash = strchr(s, '/');
    alen = slash ? (apr_size_t)(slash - s) : strlen(s);
    if (alen == 0 || alen >= INET6_ADDRSTRLEN) {
        return APR_EINVAL;
    }
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    if (sec_ip_parse(buf, &out->net) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    if (slash) {
        const char *d = slash + 1;
        int is_mapped_v6 = (out->net.family == 4 && strchr(buf, ':'));
        bits = 0;
        if (!*d || strlen(d) > 3) {
            return APR_EINVAL;
        }
        for (; *d; d++) {
            if (*d < '0' || *d > '9') {
                return APR_EINVAL;
            }
            bits = bits * 10 + (*d - '0');
        }
        if (is_mapped_v6) {
            /* ::ffff:10.0.0.0/104 means 10.0.0.0/8 */
            if (bits < 96) {
                return APR_EINVAL;
            }
            bits -= 96;
        }
        if (bits > max_bits(out->net.family)) {
            return APR_EINVAL;
        }
    }
    else {
        bits = max_bits(out->net.family);
    }
    if (!host_bits_zero(&out->net, bits)) {
        return APR_EINVAL;
    }
    out->bits = bits;
    return APR_SUCCESS;
}

apr_status_t sec_cidr_list_parse(apr_pool_t *p, const char *s, apr_array_header_t **out,
                                 const char **err)
{
    char *copy = apr_pstrdup(p, s ? s : ""), *last = NULL, *tok;
    apr_array_header_t *list = apr_array_make(p, 4, sizeof(sec_cidr_t));

    for (tok = apr_strtok(copy, " ,\t", &last); tok; tok = apr_strtok(NULL, " ,\t", &last)) {
        sec_cidr_t *c = apr_array_push(list);
        if (sec_cidr_parse(tok, c) != APR_SUCCESS) {
            *err = apr_psprintf(p, "'%s' is not an IP address or CIDR range (host bits "
                                "must be zero)", tok);
            return APR_EINVAL;
        }
    }
    if (list->nelts == 0) {
        *err = "empty list of addresses";
        return APR_EINVAL;
    }
    *out = list;
    return APR_SUCCESS;
}

int sec_cidr_contains(const sec_cidr_t *c, const sec_ip_t *ip)
{
    int full, rest;

    if (c->net.family != ip->family) {
        return 0;
    }
    full = c->bits / 8;
    rest = c->bits % 8;
    if (memcmp(c->net.addr, ip->addr, (apr_size_t)full)) {
        return 0;
    }
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        return (c->net.addr[full] & mask) == (ip->addr[full] & mask);
    }
    return 1;
}

int sec_cidr_list_contains(const apr_array_header_t *list, const sec_ip_t *ip)
{
    int i;

    for (i = 0; list && i < list->nelts; i++) {
        if (sec_cidr_contains(&APR_ARRAY_IDX(list, i, sec_cidr_t), ip)) {
            return 1;
        }
    }
    return 0;
}

char *sec_ip_prefix_string(apr_pool_t *p, const sec_ip_t *ip, int bits)
{
    sec_ip_t m = *ip;
    char buf[INET6_ADDRSTRLEN];
    int i, n = max_bits(ip->family) / 8;

    if (bits < 0) {
        bits = 0;
    }
    for (i = 0; i < n; i++) {
        int keep = bits - i * 8;
        unsigned char mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        m.addr[i] &= mask;
    }
    if (!inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, m.addr, buf, sizeof(buf))) {
        return apr_pstrdup(p, "invalid");
    }
    return apr_pstrdup(p, buf);
}

const char *sec_ip_truncate(apr_pool_t *p, const char *s)
{
    sec_ip_t ip;

    if (sec_ip_parse(s, &ip) != APR_SUCCESS) {
        return "invalid";
    }
    return sec_ip_prefix_string(p, &ip, ip.family == 4 ? 24 : 48);
}
