/* secctl: kill switches and rate-limit bans, in the store the server uses.
 *
 *   secctl kill on NAME [--message TEXT] [--ttl DURATION]
 *   secctl kill off NAME
 *   secctl kill list
 *   secctl ban list
 *   secctl ban lift ZONE SUBJECT [--ipv6prefix BITS]   (SUBJECT: address or key)
 *   secctl ban lift --hash HASH
 *
 * The store namespaces are shared with the module (sec_ratelimit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <jansson.h>
#include "sec_store.h"
#include "sec_ratelimit.h"
#include "sec_parse.h"
#include "sec_cidr.h"
#include "secctl.h"

/* How far back the listing indexes are read. */
#define INDEX_SCAN 10000

static int kill_on(apr_pool_t *p, sec_store_t *st, const secctl_opts_t *o, const char *name)
{
    const char *msg = o->message ? o->message : "1";
    apr_uint32_t ttl = 0;
    apr_status_t rv;

    if (o->ttl) {
        apr_interval_time_t d;
        if (sec_parse_duration(o->ttl, &d) != APR_SUCCESS || d < APR_USEC_PER_SEC) {
            fprintf(stderr, "secctl: --ttl %s: expected a duration such as 30m\n", o->ttl);
            return 2;
        }
        ttl = (apr_uint32_t)apr_time_sec(d);
    }
    if ((rv = sec_store_set(st, p, SEC_RL_NS_KILL, name, msg, strlen(msg), ttl)) != APR_SUCCESS) {
        fprintf(stderr, "secctl: kill on %s: %s\n", name, sec_store_strerror(p, rv));
        return 1;
    }
    /* Same machine's cache, when the store is this machine's shm. */
    sec_store_del(st, p, SEC_RL_NS_KCACHE, name);
    sec_store_index_add(st, p, SEC_RL_NS_KILLIDX, name, ttl);
    secctl_event(p, o, "killswitch.on", NULL, "admin",
                 json_pack("{s:s, s:i}", "switch", name, "ttlSeconds", (json_int_t)ttl));
    printf("kill switch %s is on%s; servers notice within 2 seconds.\n", name,
           ttl ? apr_psprintf(p, " for %u s", ttl) : "");
    return 0;
}

static int kill_off(apr_pool_t *p, sec_store_t *st, const secctl_opts_t *o, const char *name)
{
    apr_status_t rv = sec_store_del(st, p, SEC_RL_NS_KILL, name);

    if (rv == APR_NOTFOUND) {
        printf("kill switch %s was not on.\n", name);
        return 0;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: kill off %s: %s\n", name, sec_store_strerror(p, rv));
        return 1;
    }
    /* Same machine's cache, when the store is this machine's shm. */
    sec_store_del(st, p, SEC_RL_NS_KCACHE, name);
    secctl_event(p, o, "killswitch.off", NULL, "admin", json_pack("{s:s}", "switch", name));
    printf("kill switch %s is off; servers notice within 2 seconds.\n", name);
    return 0;
}

typedef struct {
    apr_pool_t *p;
    sec_store_t *st;
    apr_time_t now;
    int count;
} listing_t;

static int print_kill(void *baton, const char *name, apr_size_t len)
{
    listing_t *l = baton;
    char *msg;
    apr_size_t mlen;

    if (sec_store_get(l->st, l->p, SEC_RL_NS_KILL, name, &msg, &mlen) == APR_SUCCESS) {
        printf("%s%s%s\n", name, strcmp(msg, "1") ? "  message: " : "",
               strcmp(msg, "1") ? msg : "");
        l->count++;
    }
    return 1;
}

static int print_ban(void *baton, const char *kh, apr_size_t len)
{
    listing_t *l = baton;
    char *rec;
    apr_size_t rlen;
    json_t *j;

    if (sec_store_get(l->st, l->p, SEC_RL_NS_BAN, kh, &rec, &rlen) != APR_SUCCESS ||
        !(j = json_loadb(rec, rlen, 0, NULL))) {
        return 1;
    }
    printf("zone %-12s subject %-20s hash %s  %" APR_INT64_T_FMT " s left\n",
           json_string_value(json_object_get(j, "zone")) ?: "?",
           json_string_value(json_object_get(j, "subject")) ?: "?", kh,
           (apr_int64_t)json_integer_value(json_object_get(j, "until")) - l->now);
    json_decref(j);
    l->count++;
    return 1;
}

static int kill_list(apr_pool_t *p, sec_store_t *st)
{
    listing_t l = {p, st, 0, 0};

    sec_store_index_walk(st, p, SEC_RL_NS_KILLIDX, INDEX_SCAN, print_kill, &l);
    if (!l.count) {
        printf("no kill switch is on.\n");
    }
    return 0;
}

static int ban_list(apr_pool_t *p, sec_store_t *st)
{
    listing_t l = {p, st, apr_time_sec(apr_time_now()), 0};

    sec_store_index_walk(st, p, SEC_RL_NS_BANIDX, INDEX_SCAN, print_ban, &l);
    if (!l.count) {
        printf("no bans.\n");
    }
    return 0;
}

static int ban_lift(apr_pool_t *p, sec_store_t *st, const secctl_opts_t *o, const char *zone,
                    const char *subject)
{
    const char *kh = o->hash, *masked = NULL;
    apr_status_t rv;
    json_t *extra;

    if (!kh) {
        sec_ip_t ip;
        const char *key = subject;
        int is_ip = 0;
        if (!zone || !subject) {
            fprintf(stderr, "secctl: ban lift ZONE SUBJECT, or ban lift --hash HASH\n");
            return 2;
        }
        if (sec_ip_parse(subject, &ip) == APR_SUCCESS) {
            key = sec_rl_client_key(p, subject, o->ipv6prefix ? o->ipv6prefix : 64);
            is_ip = 1;
        }
        kh = sec_rl_key_hash(p, zone, key);
        /* as the module's events show it */
        masked = sec_rl_key_mask(p, key, is_ip);
    }
    rv = sec_store_del(st, p, SEC_RL_NS_BAN, kh);
    if (rv == APR_NOTFOUND) {
        printf("no ban for that subject.\n");
        return 1;
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "secctl: ban lift: %s\n", sec_store_strerror(p, rv));
        return 1;
    }
    sec_store_del(st, p, SEC_RL_NS_DENY, kh);
    extra = json_pack("{s:s}", "hash", kh);
    if (zone && !o->hash) {
        json_object_set_new(extra, "zone", json_string(zone));
        json_object_set_new(extra, "subject", json_string(masked));
    }
    secctl_event(p, o, "ban.lift", NULL, "admin", extra);
    printf("ban lifted; every server stops enforcing it within 10 seconds.\n");
    return 0;
}

int secctl_cmd_kill(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *sub = secctl_arg(o, 1), *name = secctl_arg(o, 2);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "list") && !name)) {
        secctl_usage(stderr);
        return 2;
    }
    if (name && !sec_rl_name_valid(name)) {
        fprintf(stderr, "secctl: kill switch names are 1-32 characters of A-Z a-z 0-9 _ -\n");
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "on")) return kill_on(p, st, o, name);
    if (!strcmp(sub, "off")) return kill_off(p, st, o, name);
    if (!strcmp(sub, "list")) return kill_list(p, st);
    secctl_usage(stderr);
    return 2;
}

int secctl_cmd_ban(apr_pool_t *p, const secctl_opts_t *o)
{
    const char *sub = secctl_arg(o, 1);
    sec_store_t *st;

    if (!sub || (strcmp(sub, "list") && strcmp(sub, "lift"))) {
        secctl_usage(stderr);
        return 2;
    }
    if (!secctl_open_store(p, o, &st)) {
        return 1;
    }
    if (!strcmp(sub, "list")) return ban_list(p, st);
    return ban_lift(p, st, o, secctl_arg(o, 2), secctl_arg(o, 3));
}
