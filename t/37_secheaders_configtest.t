# Configuration mistakes fail configtest with a message naming the
# directive and the bad value; server-level directives are refused in
# sections; a complete configuration passes; the ServerTokens advice.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

my $hd = 'LoadModule secheaders_module "'
       . File::Spec->catfile(build_dir(), '.libs', 'mod_secheaders.so') . "\"\n";

my @bad = (
    ['SecHeadersProfile paranoid', qr/SecHeadersProfile paranoid: expected strict, api or legacy/],
    ['SecHeadersEnvironment staging', qr/SecHeadersEnvironment staging: expected production or development/],
    ['SecHeadersFrameOptions allowall', qr/SecHeadersFrameOptions allowall: expected deny, sameorigin or off/],
    ['SecHeadersReferrerPolicy never', qr/SecHeadersReferrerPolicy never: expected no-referrer/],
    ['SecHeadersCOEP yes', qr/SecHeadersCOEP yes: expected require-corp/],
    ['SecHeadersRemove "X Bad"', qr/SecHeadersRemove X Bad: not a header name/],
    ['SecHeaders maybe', qr/SecHeaders must be On or Off/],
    ['SecHSTS max-age=30d', qr/SecHSTS: max-age=30d: at least one year/],
    ['SecHSTS noIncludeSubDomains preload', qr/SecHSTS: preload needs includeSubDomains/],
    ['SecHSTS forever', qr/SecHSTS: 'forever': expected max-age=/],
    ["SecCSP scriptsrc 'self'", qr/SecCSP scriptsrc 'self': unknown CSP directive 'scriptsrc'/],
    ['SecCSP script-src self', qr/SecCSP script-src self: script-src: 'self': keywords, nonces and hashes are written in single quotes: 'self'/],
    ["SecCSP script-src 'unsafe_inline'", qr/SecCSP script-src 'unsafe_inline': script-src: ''unsafe_inline'': unknown keyword/],
    ["SecCSP script-src 'sha256-abc'", qr/SecCSP script-src 'sha256-abc': .*bad hash: sha256- needs the base64 of a 32-byte digest/],
    ['SecCSP script-src https://*.example.*', qr/SecCSP script-src https:\/\/\*\.example\.\*: .*'\*' must be the whole first label/],
    ['SecCSP script-src https://a.example:99999', qr/SecCSP script-src https:\/\/a\.example:99999: .*port out of range/],
    ['SecCSP img-src ht!tp:', qr/SecCSP img-src ht!tp:: .*bad scheme/],
    ["SecCSP script-src 'nonce-abc'", qr/SecCSP script-src 'nonce-abc': a fixed nonce is no nonce; use SecCSPNonce on/],
    ["SecCSP img-src 'none'", qr/SecCSP img-src 'none': .*'none' cannot be added/],
    ["SecCSP frame-ancestors 'unsafe-inline'", qr/frame-ancestors takes only 'self', 'none', schemes and hosts/],
    ['SecCSP upgrade-insecure-requests https:', qr/upgrade-insecure-requests: 'https:': takes no value/],
    ['SecCSP', qr/SecCSP: expected a CSP directive and sources/],
    ['SecCSP report-uri /csp', qr/SecCSP report-uri: use SecCSPReportURI/],
    ["SecCSPReplace script-src 'none' 'self'", qr/SecCSPReplace script-src 'none' 'self': script-src: 'none' must be the only source/],
    ['SecCSPPreset acme', qr/SecCSPPreset acme: unknown preset \(known: stripe, google-analytics/],
    ['SecCSPMode audit', qr/SecCSPMode audit: expected enforce, report-only or off/],
    ['SecCSPReportURI csp-report', qr/SecCSPReportURI csp-report: report-uri: 'csp-report': report-uri takes an absolute path/],
    ['SecCSPNonce maybe', qr/SecCSPNonce maybe: expected on, on style, or off/],
    ['SecCSPNonce on script', qr/SecCSPNonce on script: expected on, on style, or off/],
    ['SecCSPReportMaxSize 10M', qr/SecCSPReportMaxSize 10M: expected a size from 1K to 1M/],
    ['SecCSPReportEventLimit many', qr/SecCSPReportEventLimit many: expected a number/],
    ['SecHeadersTrustedProxy 10.0.0.1/8', qr/SecHeadersTrustedProxy: '10\.0\.0\.1\/8' is not/],
    ["<Location />\nSecHeadersTrustedProxy 127.0.0.1\n</Location>", qr/SecHeadersTrustedProxy not allowed in <Location> context/],
    ["<Location /api>\nSecCORSAllowOrigin *\nSecCORSAllowCredentials on\n</Location>",
     qr/SecCORSAllowOrigin \* with SecCORSAllowCredentials on \(<Location \/api>\): any site could read/],
    ["SecCORSAllowOrigin *\n<Location /api>\nSecCORSAllowCredentials on\n</Location>",
     qr/SecCORSAllowOrigin \* with SecCORSAllowCredentials on \(<Location \/api>\)/],
    ["<Directory /srv>\nSecCORSAllowCredentials on\nSecCORSAllowOrigin *\n</Directory>",
     qr/SecCORSAllowOrigin \* with SecCORSAllowCredentials on \(<Directory \/srv\/?>\)/],
    ['SecCORSAllowOrigin null', qr/SecCORSAllowOrigin null: the opaque origin .* is never allowed/],
    ['SecCORSAllowOrigin https://*.com', qr/SecCORSAllowOrigin https:\/\/\*\.com: /],
    ['SecCORSAllowOrigin https://app.example.com/', qr/SecCORSAllowOrigin https:\/\/app\.example\.com\/: /],
    ['SecCORSAllowOrigin app.example.com', qr/SecCORSAllowOrigin app\.example\.com: /],
    ['SecCORSAllowMethods G3T', qr/SecCORSAllowMethods G3T: not a method name/],
    ['SecCORSAllowHeaders "X Bad"', qr/SecCORSAllowHeaders X Bad: not a header name/],
    ['SecCORSExposeHeaders X:Bad', qr/SecCORSExposeHeaders X:Bad: not a header name/],
    ['SecCORSMaxAge 2d', qr/SecCORSMaxAge 2d: expected a duration up to 1d/],
);

plan tests => 2 * @bad + 3;

for my $case (@bad) {
    my ($conf, $want) = @$case;
    my ($rc, $out) = configtest($hd . $conf);
    ok $rc != 0 or print "# accepted: $conf\n";
    ok t_cmp($out, $want, "message for: $conf");
}

my ($rc, $out) = configtest($hd . <<'EOF');
SecHeadersProfile legacy
SecHeadersEnvironment production
SecHSTS max-age=730d includeSubDomains preload
SecHeadersTrustedProxy 10.0.0.0/8 ::1
SecHeadersRemove X-Debug X-Backend-Server
SecCSP script-src 'self' https://cdn.example.com 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
SecCSP "img-src https://*.example.com:8443/img/ data: blob:"
SecCSPPreset google-analytics youtube
SecCSPReportURI /csp-report
<Location /api/>
    SecHeadersProfile api
    SecHeadersReferrerPolicy no-referrer
    SecHeadersNoStoreAuthenticated on
</Location>
<Location /admin/>
    SecHeadersProfile strict
    SecCSPNonce on style
    SecCSPNonceInject on
    SecCSPReplace frame-ancestors 'self'
    SecCSP upgrade-insecure-requests
    SecHeadersFrameOptions sameorigin
    SecHeadersCOEP credentialless
</Location>
<Location /rollout/>
    SecCSPMode report-only
</Location>
<Location /csp-report>
    SetHandler seccsp-report
    SecCSPReportMaxSize 16K
    SecCSPReportEventLimit 50
</Location>
<Location /api/v2/>
    SecCORSAllowOrigin https://app.example.com https://*.partner.example:8443
    SecCORSAllowCredentials on
    SecCORSAllowMethods GET POST DELETE
    SecCORSAllowHeaders Content-Type Authorization
    SecCORSExposeHeaders X-Request-ID RateLimit
    SecCORSMaxAge 2h
</Location>
<Location /public/>
    SecCORSAllowOrigin *
</Location>
<Location /dev/>
    SecHeadersEnvironment development
    SecHSTS off
    SecHeadersRemove none
</Location>
SecHeadersProfile legacy
SecHeadersEnvironment production
SecHSTS max-age=730d includeSubDomains preload
SecHeadersTrustedProxy 10.0.0.0/8 ::1
SecHeadersRemove X-Debug X-Backend-Server
SecCSP script-src 'self' https://cdn.example.com 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
SecCSP "img-src https://*.example.com:8443/img/ data: blob:"
SecCSPPreset google-analytics youtube
SecCSPReportURI /csp-report
<Location /api/>
    SecHeadersProfile api
    SecHeadersReferrerPolicy no-referrer
    SecHeadersNoStoreAuthenticated on
</Location>
<Location /admin/>
    SecHeadersProfile strict
    SecCSPNonce on style
    SecCSPNonceInject on
    SecCSPReplace frame-ancestors 'self'
    SecCSP upgrade-insecure-requests
    SecHeadersFrameOptions sameorigin
    SecHeadersCOEP credentialless
</Location>
<Location /rollout/>
    SecCSPMode report-only
</Location>
<Location /csp-report>
    SetHandler seccsp-report
    SecCSPReportMaxSize 16K
    SecCSPReportEventLimit 50
</Location>
<Location /api/v2/>
    SecCORSAllowOrigin https://app.example.com https://*.partner.example:8443
    SecCORSAllowCredentials on
    SecCORSAllowMethods GET POST DELETE
    SecCORSAllowHeaders Content-Type Authorization
    SecCORSExposeHeaders X-Request-ID RateLimit
    SecCORSMaxAge 2h
</Location>
<Location /public/>
    SecCORSAllowOrigin *
</Location>
<Location /dev/>
    SecHeadersEnvironment development
    SecHSTS off
    SecHeadersRemove none
</Location>
EOF
ok t_cmp($rc, 0, 'a complete good configuration passes') or print "# $out";
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

# the running suite's server has ServerTokens at its default (Full)
my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
ok wait_for_log($log, 0, qr/SEC03006: secheaders: the Server header says "Apache\/[^"]+"; set "ServerTokens Prod"/)
    or print "# no ServerTokens advice in the error log\n";
