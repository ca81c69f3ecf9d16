# Headers reach every kind of response: CGI (leaky headers removed, the
# app's weaker ones replaced), PHP, proxied backends, static files, errors
# (404, 500, httpd's 401/403, the envelope's 401/403/429 from
# seccore_error); Cache-Control: no-store on authenticated responses.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use MIME::Base64 qw(encode_base64);

plan tests => 66, need_cgi;

my $strict_csp = qr/^default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none';/;
my @leaky = qw(X-Powered-By X-AspNet-Version X-AspNetMvc-Version);

sub has_strict {
    my ($res, $what) = @_;
    ok t_cmp($res->header('Content-Security-Policy'), $strict_csp, "$what: CSP");
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', "$what: X-Frame-Options");
    ok t_cmp($res->header('X-Content-Type-Options'), 'nosniff', "$what: nosniff");
}

# the raw CGI, with the module off: proves what the script sends
{
    my $raw = GET('/cgi-bin/hdr-leaky.cgi/raw');
    ok t_cmp($raw->code, 200, 'raw CGI: 200');
    ok t_cmp($raw->header('X-Powered-By'), 'PHP/5.4.16', 'raw CGI sends X-Powered-By');
    ok t_cmp($raw->header('X-AspNet-Version'), '4.0.30319', 'raw CGI sends X-AspNet-Version');
    ok t_cmp($raw->header('X-Frame-Options'), 'ALLOWALL', 'raw CGI sends its own X-Frame-Options');
}
# through the module
{
    my $res = GET('/cgi-bin/hdr-leaky.cgi');
    ok t_cmp($res->code, 200, 'CGI: 200');
    for my $h (@leaky, 'X-Internal-Debug') {
        ok !defined $res->header($h) or print "# CGI still sends $h\n";
    }
    has_strict($res, 'CGI');
    ok t_cmp(scalar(() = $res->header('X-Frame-Options')), 1, 'one X-Frame-Options, ours');
    ok t_cmp(scalar(my @c = $res->header('Content-Security-Policy')), 1, 'one CSP, ours');
    ok t_cmp($res->header('X-App'), 'kept', 'other application headers are kept');
    ok t_cmp($res->header('X-Debug-Token'), 'abc123', 'X-Debug-Token not listed here: kept');
    ok t_cmp($res->content, qr/leaky/, 'body intact');

    $res = GET('/cgi-bin/hdr-leaky.cgi/more');
    ok !defined $res->header('X-Debug-Token') && !defined $res->header('X-App')
        or print "# the sub-location's SecHeadersRemove did not apply\n";
    ok !defined $res->header('X-Internal-Debug') or print "# the parent's list was lost\n";
    ok !defined $res->header('X-Powered-By') or print "# the defaults were lost\n";

    $res = GET('/cgi-bin/hdr-leaky.cgi/keep');
    ok t_cmp($res->header('X-Powered-By'), 'PHP/5.4.16', 'SecHeadersRemove none keeps them');
    ok t_cmp($res->header('X-Internal-Debug'), 'db=10.0.0.5', 'none also drops inherited names');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'other headers still set');
}
# PHP through php-cgi: PHP announces itself
{
    my $raw = GET('/cgi-bin/hdr-php.php/raw');
    ok t_cmp($raw->header('X-Powered-By'), qr/^PHP\//, 'raw PHP sends X-Powered-By: PHP/...');
    my $res = GET('/cgi-bin/hdr-php.php');
    ok !defined $res->header('X-Powered-By') or print "# PHP's X-Powered-By survived\n";
    ok t_cmp($res->header('X-Generator'), 'legacy-cms', 'the page\'s own header kept');
    ok t_cmp($res->header('X-Frame-Options'), 'SAMEORIGIN', 'PHP page: legacy profile');
}
# proxied: the backend (our own raw CGI) leaks, the proxy location cleans
{
    my $res = GET('/hdr/proxied');
    ok t_cmp($res->code, 200, 'proxied: 200');
    ok t_cmp($res->content, qr/leaky/, 'proxied body');
    for my $h (@leaky) {
        ok !defined $res->header($h) or print "# proxied response still has $h\n";
    }
    has_strict($res, 'proxied');
}
# errors
{
    my $res = GET('/hdr/err/no-such-file');
    ok t_cmp($res->code, 404, '404');
    has_strict($res, '404');
    $res = GET('/cgi-bin/hdr-500.cgi');
    ok t_cmp($res->code, 500, '500 from a broken CGI');
    has_strict($res, '500');
    $res = GET('/hdr/err/denied/');
    ok t_cmp($res->code, 403, 'httpd\'s 403');
    has_strict($res, '403');
    $res = GET('/hdr/auth/');
    ok t_cmp($res->code, 401, 'httpd\'s 401 (no credentials)');
    ok t_cmp($res->header('WWW-Authenticate'), qr/^Basic/, 'with its challenge');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', '401: X-Frame-Options');
    for my $status (401, 403, 429) {
        $res = GET("/hdr/err/envelope?status=$status", Accept => 'application/json');
        ok t_cmp($res->code, $status, "seccore_error $status");
        ok t_cmp($res->header('X-Frame-Options'), 'DENY', "$status envelope: X-Frame-Options");
        ok t_cmp($res->header('Content-Security-Policy'), $strict_csp, "$status envelope: CSP");
    }
    ok t_cmp($res->header('Content-Type'), qr{^application/json}, 'the envelope keeps its type');
}
# Cache-Control: no-store on authenticated responses
{
    my $auth = 'Basic ' . encode_base64('hdruser:hdr-secret', '');
    my $res = GET('/hdr/auth/', Authorization => $auth);
    ok t_cmp($res->code, 200, 'authenticated: 200');
    ok t_cmp($res->header('Cache-Control'), 'no-store', 'strict: no-store when r->user is set');
    ok !defined GET('/hdr/strict/')->header('Cache-Control') or print "# no-store without a user\n";
    $res = GET('/hdr/auth/legacy/', Authorization => $auth);
    ok t_cmp($res->code, 200, 'legacy, authenticated: 200');
    ok !defined $res->header('Cache-Control') or print "# legacy sets no-store by default\n";
    $res = GET('/hdr/auth/legacy/nostore/', Authorization => $auth);
    ok t_cmp($res->header('Cache-Control'), 'no-store', 'legacy with the option on: no-store');
}
