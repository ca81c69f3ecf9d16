/* sec_metrics_counter_add / sec_metrics_render (sec_metrics.h): modules name
 * counter families and labels (labels may carry request-derived values such
 * as a reason), and the renderer writes them into the Prometheus exposition
 * on the metrics page. The label check must keep every counter on its own
 * line, whatever the labels are.
 *
 * Input: byte 0 drives a few store-op samples; the rest is split at NUL bytes
 * into family, labels, family, labels, ... pairs (delta: 1 + pair index). */
#include <string.h>
#include <apr_strings.h>
#include "fz_support.h"
#include "sec_metrics.h"
#include "sec_store.h"

#define MAX_FIELDS 2 * SEC_METRICS_COUNTERS + 8

typedef struct {
    const char *family, *labels;
    apr_uint64_t sum;
} pair_t;

static int family_ok(const char *f)
{
    size_t n = strlen(f);
    return n >= 1 && n < SEC_METRICS_NAME_MAX && !(*f >= '0' && *f <= '9') &&
           strspn(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") == n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fz_init();
    sec_metrics_t *m;
    char *f[MAX_FIELDS], *out, *line, *next;
    pair_t pairs[SEC_METRICS_COUNTERS];
    int n, i, j, npairs = 0, flags;
    static const apr_status_t rvs[4] = {APR_SUCCESS, APR_NOTFOUND, SEC_STORE_ETIMEOUT, APR_EGENERAL};

    if (size < 1) {
        return 0;
    }
    flags = data[0];
    m = malloc(sec_metrics_size());   /* exact size: ASan guards its end */
    sec_metrics_init(m);
    /* Store ops with in- and out-of-range kinds/ops. */
    sec_metrics_store_op(m, (sec_store_kind_e)(flags & 3), (sec_store_op_e)((flags >> 2) & 7),
                         rvs[(flags >> 5) & 3], (apr_interval_time_t)flags * 997 - 1000);
    sec_metrics_eviction(m);

    n = fz_split(data + 1, size - 1, "\0", 1, f, MAX_FIELDS);
    for (i = 0; i + 1 < n; i += 2) {
        apr_uint64_t delta = (apr_uint64_t)(i / 2 + 1);
        apr_status_t rv = sec_metrics_counter_add(m, f[i], f[i + 1], delta);
        int valid = family_ok(f[i]) && strlen(f[i + 1]) < SEC_METRICS_LABELS_MAX &&
                    !strpbrk(f[i + 1], "\n\r{}\\");
        if (rv == APR_SUCCESS) {
            FZ_ASSERT(valid);
            for (j = 0; j < npairs; j++) {
                if (!strcmp(pairs[j].family, f[i]) && !strcmp(pairs[j].labels, f[i + 1])) {
                    break;
                }
            }
            if (j == npairs) {
                FZ_ASSERT(npairs < SEC_METRICS_COUNTERS);
                pairs[npairs].family = f[i];
                pairs[npairs].labels = f[i + 1];
                pairs[npairs].sum = 0;
                npairs++;
            }
            pairs[j].sum += delta;
        }
        else {
            FZ_ASSERT(rv == APR_ENOSPC);
            FZ_ASSERT(!valid || npairs == SEC_METRICS_COUNTERS);
        }
    }
    FZ_ASSERT(sec_metrics_counter_add(NULL, "x", "", 1) == APR_EINVAL);

    out = sec_metrics_render(p, m);
    FZ_ASSERT(out && *out && out[strlen(out) - 1] == '\n');
    FZ_ASSERT(!strchr(out, '\r'));
    /* Every counter appears, on a line of its own, with its sum. */
    for (j = 0; j < npairs; j++) {
        const char *want = *pairs[j].labels
            ? apr_psprintf(p, "\n%s{%s} %" APR_UINT64_T_FMT "\n", pairs[j].family,
                           pairs[j].labels, pairs[j].sum)
            : apr_psprintf(p, "\n%s %" APR_UINT64_T_FMT "\n", pairs[j].family, pairs[j].sum);
        if (!strstr(out, want)) {
            fprintf(stderr, "missing from exposition: %s\n", want);
            FZ_ASSERT(!"counter missing from rendered metrics");
        }
    }
    /* Every line is a comment or "name[{labels}] value". */
    out = apr_pstrdup(p, out);
    for (line = out; line && *line; line = next) {
        char *sp;
        next = strchr(line, '\n');
        FZ_ASSERT(next != NULL);
        *next++ = '\0';
        if (*line == '#') {
            continue;
        }
        sp = strrchr(line, ' ');
        FZ_ASSERT(sp && sp[1]);
        FZ_ASSERT(strspn(sp + 1, "0123456789.") == strlen(sp + 1));
        FZ_ASSERT(family_ok(apr_pstrmemdup(p, line, strcspn(line, "{ "))));
    }

    free(m);
    fz_free_fields(f, n);
    fz_pool_clear(p);
    return 0;
}
