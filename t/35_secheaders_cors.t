# CORS: allowed, disallowed, sub-domain pattern, null, absent and malformed
# origins; preflights answered with 204 before authentication and without
# the handler, with and without requested headers; credentials; "*"; the
# application's own Access-Control-* headers replaced by the decision.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request ();
use MIME::Base64 qw(encode_base64);
use SecTest qw(log_mark wait_for_log);

plan tests => 69, need_cgi;

my $app = 'https://app.example.com';
sub acl {
    my $res = shift;
    return join ',', sort grep { /^Access-Control-/i } $res->headers->header_field_names;
}
sub vary_has_origin { (join ',', $_[0]->header('Vary') // '') =~ /\bOrigin\b/ ? 1 : 0 }
sub options {
    my ($path, @h) = @_;
    my $ua = Apache::TestRequest::user_agent();
    my $url = Apache::TestRequest::resolve_url($path);
    return $ua->request(HTTP::Request->new(OPTIONS => $url, [@h]));
}

# actual requests
{
    my $res = GET('/hdr/cors/', Origin => $app);
    ok t_cmp($res->code, 200, 'allowed origin: 200');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'ACAO is the request\'s origin');
    ok t_cmp($res->header('Access-Control-Expose-Headers'), 'X-Request-ID', 'expose-headers');
    ok !defined $res->header('Access-Control-Allow-Credentials') or print "# credentials\n";
    ok t_cmp(vary_has_origin($res), 1, 'Vary: Origin');
    ok t_cmp(GET('/hdr/cors/', Origin => 'https://a.partner.example')
                 ->header('Access-Control-Allow-Origin'), 'https://a.partner.example',
             'sub-domain pattern matches a.partner.example');
    ok t_cmp(GET('/hdr/cors/', Origin => 'https://x.y.partner.example')
                 ->header('Access-Control-Allow-Origin'), 'https://x.y.partner.example',
             'and deeper sub-domains');
    ok t_cmp(GET('/hdr/cors/', Origin => 'HTTPS://APP.EXAMPLE.COM:443')
                 ->header('Access-Control-Allow-Origin'), $app, 'canonical form answered');
    for my $o ('https://partner.example', 'https://evilpartner.example', 'http://app.example.com',
               'https://app.example.com.evil.example', 'https://app.example.com:8443', 'null',
               'https://app.example.com/', "$app, https://evil.example", 'file://', '') {
        my $r = GET('/hdr/cors/', Origin => $o);
        ok t_cmp(acl($r), '', "no Access-Control-* for Origin '$o'");
    }
    $res = GET('/hdr/cors/');
    ok t_cmp(acl($res), '', 'no Origin: no Access-Control-*');
    ok t_cmp(vary_has_origin($res), 1, 'no Origin: still Vary: Origin');
    $res = GET('/hdr/cors/', Origin => 'https://evil.example');
    ok t_cmp(vary_has_origin($res), 1, 'disallowed: Vary: Origin');
    ok t_cmp($res->code, 200, 'disallowed origin: the response itself is unchanged');
    # 404 keeps the CORS decision (scripts can read the error)
    $res = GET('/hdr/cors/missing', Origin => $app);
    ok t_cmp($res->code, 404, '404');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, '404 carries ACAO');
}
# preflights
{
    my $res = options('/hdr/cors/', Origin => $app, 'Access-Control-Request-Method' => 'PUT');
    ok t_cmp($res->code, 204, 'preflight: 204');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'preflight ACAO');
    ok t_cmp($res->header('Access-Control-Allow-Methods'), 'GET, POST, PUT', 'methods');
    ok t_cmp($res->header('Access-Control-Max-Age'), 3600, 'max-age');
    ok !defined $res->header('Access-Control-Allow-Headers') or print "# ACAH without request\n";
    ok !defined $res->header('Allow') or print "# the handler answered OPTIONS\n";
    ok t_cmp($res->content, '', 'no body');
    ok t_cmp(vary_has_origin($res), 1, 'preflight Vary: Origin');

    $res = options('/hdr/cors/', Origin => $app, 'Access-Control-Request-Method' => 'POST',
                   'Access-Control-Request-Headers' => 'content-type,x-requested-with');
    ok t_cmp($res->code, 204, 'preflight with requested headers: 204');
    ok t_cmp($res->header('Access-Control-Allow-Headers'), 'Content-Type, X-Requested-With',
             'allowed headers listed');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'granted');

    $res = options('/hdr/cors/', Origin => $app, 'Access-Control-Request-Method' => 'POST',
                   'Access-Control-Request-Headers' => 'content-type, x-evil');
    ok t_cmp($res->code, 204, 'preflight with a header not allowed: 204');
    ok t_cmp(acl($res), '', 'but no grant');
    $res = options('/hdr/cors/', Origin => $app, 'Access-Control-Request-Method' => 'DELETE');
    ok t_cmp(acl($res), '', 'a method not allowed: no grant');
    $res = options('/hdr/cors/', Origin => 'https://evil.example',
                   'Access-Control-Request-Method' => 'GET');
    ok t_cmp($res->code, 204, 'preflight from a disallowed origin: 204');
    ok t_cmp(acl($res), '', 'no Access-Control-*');
    $res = options('/hdr/cors/', Origin => 'null', 'Access-Control-Request-Method' => 'GET');
    ok t_cmp(acl($res), '', 'null origin preflight: no grant');
    # a plain OPTIONS is not a preflight: the server answers it as usual
    $res = options('/hdr/cors/', Origin => $app);
    ok t_cmp($res->code, 200, 'OPTIONS without Access-Control-Request-Method: the handler\'s 200');
    ok t_cmp($res->header('Allow'), qr/GET/, 'with its Allow header');
}
# credentials, "*"
{
    my $res = GET('/hdr/cors/cred/', Origin => $app);
    ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', 'credentials: true');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'never * with credentials');
    $res = options('/hdr/cors/cred/', Origin => $app, 'Access-Control-Request-Method' => 'GET');
    ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', 'preflight: credentials');
    $res = GET('/hdr/corsany/', Origin => 'https://anyone.example');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), '*', '"*": ACAO *');
    ok !defined $res->header('Access-Control-Allow-Credentials') or print "# * with credentials\n";
    ok t_cmp(acl(GET('/hdr/corsany/')), '', '"*" without an Origin: nothing');
    ok t_cmp(acl(GET('/hdr/corsany/', Origin => 'null')), '', '"*" and null: nothing');
    # "*" from one section, credentials from another: never both at once
    my $elog = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
    my $mark = log_mark($elog);
    $res = GET('/hdr/corsany/cred/', Origin => 'https://anyone.example');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), '*', '"*" combined with credentials below: ACAO *');
    ok !defined $res->header('Access-Control-Allow-Credentials')
        or print "# credentials allowed for every origin\n";
    ok wait_for_log($elog, $mark, qr/SEC03030: SecCORSAllowOrigin \* with SecCORSAllowCredentials on/)
        or print "# no SEC03030 in the error log\n";
}
# preflight before authentication
{
    my $res = options('/hdr/corsauth/', Origin => $app, 'Access-Control-Request-Method' => 'PUT',
                      'Access-Control-Request-Headers' => 'authorization');
    ok t_cmp($res->code, 204, 'preflight at a Require valid-user location: 204, no 401');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'granted');
    ok t_cmp($res->header('Access-Control-Allow-Credentials'), 'true', 'with credentials');
    ok t_cmp($res->header('Access-Control-Allow-Headers'), 'Authorization', 'Authorization allowed');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'the profile\'s headers on the preflight');
    ok !defined $res->header('WWW-Authenticate') or print "# auth ran for the preflight\n";
    $res = GET('/hdr/corsauth/', Origin => $app);
    ok t_cmp($res->code, 401, 'the actual request still needs credentials');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'and its 401 is readable');
    $res = GET('/hdr/corsauth/', Origin => $app,
               Authorization => 'Basic ' . encode_base64('hdruser:hdr-secret', ''));
    ok t_cmp($res->code, 200, 'with credentials: 200');
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'ACAO');
    ok t_cmp($res->header('Cache-Control'), 'no-store', 'api profile: no-store for the user');
    # OPTIONS that is not a preflight still meets authentication
    ok t_cmp(options('/hdr/corsauth/')->code, 401, 'plain OPTIONS: 401');
}
# the application's own CORS headers
{
    my $res = GET('/cgi-bin/hdr-cors.cgi', Origin => 'https://evil.example');
    ok t_cmp(acl($res), '', 'the app\'s "*" and credentials are removed for a disallowed origin');
    $res = GET('/cgi-bin/hdr-cors.cgi', Origin => $app);
    ok t_cmp($res->header('Access-Control-Allow-Origin'), $app, 'the module\'s answer replaces the app\'s');
    ok !defined $res->header('Access-Control-Allow-Credentials')
        or print "# the app's credentials header survived\n";
    my $vary = join ',', $res->header('Vary');
    ok t_cmp(scalar(() = $vary =~ /\bOrigin\b/gi), 1, 'the app\'s Vary: Origin is not repeated');
}
