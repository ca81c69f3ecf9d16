/* One way to read a small file whole: open, check type and size from the
 * open descriptor (no race with a rename between stat and open), read. */
#include "sec_file.h"

apr_status_t sec_file_read_all(apr_pool_t *p, const char *path, apr_size_t max, char **buf,
                               apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    apr_size_t n;
    char *text;

    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE, f);
    if (rv == APR_SUCCESS && (fi.filetype != APR_REG || fi.size < 0 ||
                              (apr_uint64_t)fi.size > max)) {
        rv = APR_EINVAL;
    }
    if (rv != APR_SUCCESS) {
        apr_file_close(f);
        return rv;
    }
    n = (apr_size_t)fi.size;
    text = apr_palloc(p, n + 1);
    rv = apr_file_read_full(f, text, n, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return rv;
    }
    text[n] = '\0';
    *buf = text;
    *len = n;
    return APR_SUCCESS;
}
