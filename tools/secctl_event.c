/* secctl: its changes to the store (revocations, log-outs, kill switches,
 * lifted bans) are audit events in the server's own event log, written when
 * they are made, in the format of every other event (sec_event.h) with
 * module "secctl", who ran it and on which host.
 *
 * The log is --event-log FILE, else the SecEventLog of the config read for
 * the store. A piped SecEventLog belongs to httpd's logger process; secctl
 * says it can't write there rather than start a second one.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_network_io.h>
#include "sec_event.h"
#include "sec_crypto.h"
#include "secctl.h"

static const char *conf_event_log;

void secctl_event_log_from_conf(const char *path)
{
    conf_event_log = path;
}

static const char *invoker(apr_pool_t *p)
{
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? apr_pstrdup(p, pw->pw_name)
                             : apr_psprintf(p, "uid %lu", (unsigned long)getuid());
}

void secctl_event(apr_pool_t *p, const secctl_opts_t *o, const char *name, const char *user,
                  const char *reason, json_t *extra)
{
    const char *path = o->event_log ? o->event_log : conf_event_log;
    char host[256];
    sec_event_t ev;
    char *line;
    apr_file_t *f;
    apr_size_t len;
    apr_status_t rv;

    if (!extra) {
        extra = json_object();
    }
    if (!path || !strcasecmp(path, "off")) {
        json_decref(extra);
        return;
    }
    if (*path == '|') {
        fprintf(stderr, "secctl: SecEventLog is a piped command; this change is not in the "
                "event log (name a file with --event-log)\n");
        json_decref(extra);
        return;
    }
    if (apr_gethostname(host, sizeof(host), p) != APR_SUCCESS) {
        apr_cpystrn(host, "unknown", sizeof(host));
    }
    json_object_set_new(extra, "by", json_string(invoker(p)));
    json_object_set_new(extra, "host", json_string(host));
    memset(&ev, 0, sizeof(ev));
    ev.time = apr_time_now();
    ev.request_id = sec_random_token(p, 16);
    ev.module = "secctl";
    ev.event = name;
    ev.user = user;
    ev.outcome = "done";
    ev.reason = reason;
    ev.extra = extra;
    line = sec_event_json_line(p, &ev, NULL);
    json_decref(extra);
    if (!line) {
        return;
    }
    /* Appended in one write, as httpd appends its own lines. */
    rv = apr_file_open(&f, path, APR_FOPEN_WRITE | APR_FOPEN_APPEND | APR_FOPEN_CREATE,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, p);
    if (rv == APR_SUCCESS) {
        len = strlen(line);
        rv = apr_file_write_full(f, line, len, NULL);
        apr_file_close(f);
    }
    if (rv != APR_SUCCESS) {
        char buf[120];
        fprintf(stderr, "secctl: could not write the event to %s: %s\n", path,
                apr_strerror(rv, buf, sizeof(buf)));
    }
}
