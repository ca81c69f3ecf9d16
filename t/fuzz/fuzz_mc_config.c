/* sec_mc_config_parse (sec_store_memcached.h): the arguments of
 * "SecStore memcached ...". Configuration, so only semi-trusted, but cheap to
 * cover: the input is split into argv words at whitespace. A successful parse
 * must leave a configuration inside the documented bounds. */
#include <string.h>
#include "fz_support.h"
#include "sec_store_memcached.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    char *words[MAX_ARGS], *argv[MAX_ARGS];
    int n, argc = 0, i;
    sec_mc_config_t *cfg;
    const char *err = NULL;

    n = fz_split(data, size, " \t\n\r\v\f", 6, words, MAX_ARGS);
    for (i = 0; i < n; i++) {
        if (*words[i]) {
            argv[argc++] = words[i];   /* httpd never passes empty words */
        }
    }
    cfg = sec_mc_config_make(p);
    FZ_ASSERT(cfg && cfg->servers && cfg->servers->nelts == 0);
    if (sec_mc_config_parse(p, argc, argv, cfg, &err) == APR_SUCCESS) {
        FZ_ASSERT(cfg->servers->nelts >= 1);
        for (i = 0; i < cfg->servers->nelts; i++) {
            const sec_mc_server_t *s = &APR_ARRAY_IDX(cfg->servers, i, sec_mc_server_t);
            FZ_ASSERT(s->host && *s->host && !strpbrk(s->host, " []/"));
            FZ_ASSERT(s->port != 0);
        }
        FZ_ASSERT(cfg->timeout > 0 && cfg->timeout <= apr_time_from_sec(10));
        FZ_ASSERT(cfg->retry >= apr_time_from_sec(1) && cfg->retry <= apr_time_from_sec(3600));
        FZ_ASSERT(cfg->failure_limit >= 1 && cfg->failure_limit <= 100);
        FZ_ASSERT(cfg->replicas >= 0 && cfg->replicas <= 4 &&
                  cfg->replicas < cfg->servers->nelts);
        FZ_ASSERT(cfg->pool_max >= 0 && cfg->pool_max <= 1024);
        FZ_ASSERT(cfg->prefix && strlen(cfg->prefix) <= 40);
        for (i = 0; cfg->prefix[i]; i++) {
            FZ_ASSERT((unsigned char)cfg->prefix[i] > ' ' && (unsigned char)cfg->prefix[i] < 0x7f);
        }
    }
    else {
        FZ_ASSERT(err != NULL && *err);
    }

    fz_free_fields(words, n);
    fz_pool_clear(p);
    return 0;
}
