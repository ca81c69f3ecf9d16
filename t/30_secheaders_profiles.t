# Each profile's exact header values; a location without SecHeaders gets
# none of them; the per-header options.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);

Apache::TestRequest::user_agent(reset => 1, requests_redirectable => 0);

my $perm = 'accelerometer=(), autoplay=(), camera=(), display-capture=(), '
         . 'encrypted-media=(), geolocation=(), gyroscope=(), hid=(), '
         . 'idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), '
         . 'picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), '
         . 'serial=(), usb=(), xr-spatial-tracking=()';

my %profiles = (
    strict => {
        'Content-Security-Policy' => "default-src 'self'; base-uri 'self'; form-action 'self'; "
            . "frame-ancestors 'none'; object-src 'none'; script-src 'self'; "
            . "script-src-attr 'none'; style-src 'self'; img-src 'self' data:; "
            . "font-src 'self'; connect-src 'self'",
        'X-Frame-Options' => 'DENY',
        'Referrer-Policy' => 'strict-origin-when-cross-origin',
        'Cross-Origin-Opener-Policy' => 'same-origin',
        'Cross-Origin-Resource-Policy' => 'same-origin',
    },
    api => {
        'Content-Security-Policy' => "default-src 'none'; base-uri 'none'; form-action 'none'; "
            . "frame-ancestors 'none'",
        'X-Frame-Options' => 'DENY',
        'Referrer-Policy' => 'no-referrer',
        'Cross-Origin-Opener-Policy' => 'same-origin',
        'Cross-Origin-Resource-Policy' => 'same-origin',
    },
    legacy => {
        'Content-Security-Policy' => "default-src 'self'; base-uri 'self'; form-action 'self'; "
            . "frame-ancestors 'self'; object-src 'none'; script-src 'self'; "
            . "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'",
        'X-Frame-Options' => 'SAMEORIGIN',
        'Referrer-Policy' => 'strict-origin-when-cross-origin',
        'Cross-Origin-Opener-Policy' => 'same-origin-allow-popups',
        'Cross-Origin-Resource-Policy' => 'same-site',
    },
);
my %common = (
    'X-Content-Type-Options' => 'nosniff',
    'X-XSS-Protection' => '0',
    'X-Permitted-Cross-Domain-Policies' => 'none',
    'Permissions-Policy' => $perm,
);
my @absent = ('Strict-Transport-Security', 'Cross-Origin-Embedder-Policy',
              'Content-Security-Policy-Report-Only', 'Cache-Control');

my $per = keys(%{ $profiles{strict} }) + keys(%common) + @absent + 1;
plan tests => 3 * $per + 10 + 11 + 4 + 4;

for my $name (sort keys %profiles) {
    my $res = GET("/hdr/$name/");
    ok t_cmp($res->code, 200, "$name: 200");
    my %want = (%common, %{ $profiles{$name} });
    for my $h (sort keys %want) {
        ok t_cmp($res->header($h), $want{$h}, "$name: $h");
    }
    for my $h (@absent) {
        ok !defined $res->header($h) or print "# $name: unexpected $h: ", $res->header($h), "\n";
    }
}

# SecHeaders on alone means the strict profile
{
    my $res = GET('/hdr/on/');
    ok t_cmp($res->header('Content-Security-Policy'),
             $profiles{strict}{'Content-Security-Policy'}, 'SecHeaders on: strict CSP');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'SecHeaders on: strict X-Frame-Options');
}

# a location without any SecHeaders directive: untouched
{
    my $res = GET('/index.html');
    ok t_cmp($res->code, 200, 'plain location: 200');
    for my $h ('Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options',
               'Referrer-Policy', 'Permissions-Policy', 'Cross-Origin-Opener-Policy',
               'X-XSS-Protection') {
        ok !defined $res->header($h) or print "# plain location has $h\n";
    }
}

# options override the profile, per header
{
    my $res = GET('/hdr/options/');
    ok t_cmp($res->header('X-Frame-Options'), 'SAMEORIGIN', 'SecHeadersFrameOptions sameorigin');
    ok t_cmp($res->header('Referrer-Policy'), 'no-referrer', 'SecHeadersReferrerPolicy');
    ok t_cmp($res->header('Cross-Origin-Embedder-Policy'), 'require-corp', 'SecHeadersCOEP');
    ok t_cmp($res->header('Content-Security-Policy'), $profiles{strict}{'Content-Security-Policy'},
             'the CSP stays the profile\'s');
    $res = GET('/hdr/options/noframe/');
    ok !defined $res->header('X-Frame-Options') or print "# X-Frame-Options after off\n";
    ok t_cmp($res->header('Referrer-Policy'), 'no-referrer', 'other options inherited');
    ok t_cmp($res->header('Cross-Origin-Embedder-Policy'), 'require-corp', 'COEP inherited');
    ok t_cmp($res->header('X-Content-Type-Options'), 'nosniff', 'profile headers stay');
    # HEAD gets the same headers
    my $head = Apache::TestRequest::HEAD('/hdr/strict/');
    ok t_cmp($head->header('X-Frame-Options'), 'DENY', 'HEAD: X-Frame-Options');
    ok t_cmp($head->header('Content-Security-Policy'), $profiles{strict}{'Content-Security-Policy'},
             'HEAD: CSP');
    # a conditional request answered 304 keeps them too
    my $lm = GET('/hdr/strict/')->header('Last-Modified');
    my $nm = GET('/hdr/strict/', 'If-Modified-Since' => $lm);
    ok t_cmp($nm->code, 304, '304 Not Modified');
}
{
    my $nm = GET('/hdr/strict/', 'If-Modified-Since' => GET('/hdr/strict/')->header('Last-Modified'));
    ok t_cmp($nm->header('X-Frame-Options'), 'DENY', '304 keeps X-Frame-Options');
    ok t_cmp($nm->header('X-Content-Type-Options'), 'nosniff', '304 keeps nosniff');
    my $dir = GET('/hdr/strict');
    ok t_cmp($dir->code, 301, 'the directory redirect (301)');
    ok t_cmp($dir->header('X-Frame-Options'), 'DENY', 'the redirect has the headers');
}

# mod_headers' explicit directives have the last word
{
    my $res = GET('/hdr/override/');
    ok t_cmp($res->header('Referrer-Policy'), 'same-origin', 'Header set overrides the profile');
    ok t_cmp(scalar(my @r = $res->header('Referrer-Policy')), 1, 'one Referrer-Policy');
    ok !defined $res->header('Cross-Origin-Resource-Policy') or print "# Header unset ignored\n";
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'the rest of the profile stays');
}
