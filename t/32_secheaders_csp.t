# CSP as an object: presets, flag directives and hashes, report-only mode
# with a report endpoint, CSP off; nonces fresh per request, in script-src
# (and style-src), and the same value handed to CGI and PHP.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);

plan tests => 24, need_cgi;

my $strict_tail = "form-action 'self'; frame-ancestors 'none'; object-src 'none'";

ok t_cmp(GET('/hdr/preset/')->header('Content-Security-Policy'),
         "default-src 'self'; base-uri 'self'; $strict_tail; "
         . "script-src 'self' https://js.stripe.com https://*.js.stripe.com; "
         . "script-src-attr 'none'; style-src 'self' https://fonts.googleapis.com; "
         . "img-src 'self' data:; font-src 'self' https://fonts.gstatic.com; "
         . "connect-src 'self' https://api.stripe.com https://maps.googleapis.com; "
         . "frame-src 'self' https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
         'presets add their vendors\' sources to the profile\'s directives');
ok t_cmp(GET('/hdr/flags/')->header('Content-Security-Policy'),
         "default-src 'self'; base-uri 'self'; $strict_tail; "
         . "script-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; "
         . "script-src-attr 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
         . "connect-src 'self'; upgrade-insecure-requests",
         'a flag directive and a hash source');

# report-only with a report endpoint
{
    my $res = GET('/hdr/ro/');
    ok !defined $res->header('Content-Security-Policy') or print "# enforced CSP in report-only\n";
    ok t_cmp($res->header('Content-Security-Policy-Report-Only'),
             qr/^default-src 'self'; .*; connect-src 'self'; report-uri \/hdr\/csp-report; report-to secmods-csp$/,
             'Content-Security-Policy-Report-Only with report-uri and report-to');
    ok t_cmp($res->header('Reporting-Endpoints'), 'secmods-csp="/hdr/csp-report"',
             'Reporting-Endpoints names the group');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'the other headers are enforced as usual');
    $res = GET('/hdr/ro/cspoff/');
    ok !defined $res->header('Content-Security-Policy')
        && !defined $res->header('Content-Security-Policy-Report-Only')
        && !defined $res->header('Reporting-Endpoints')
        or print "# CSP headers with SecCSPMode off\n";
    ok t_cmp($res->header('X-Content-Type-Options'), 'nosniff', 'SecCSPMode off keeps the rest');
}

# nonces
my $nonce_re = qr/'nonce-([A-Za-z0-9_-]{24})'/;
sub nonce_of {
    my $csp = shift // '';
    my ($n) = $csp =~ $nonce_re;
    return $n;
}
{
    my $res = GET('/hdr/nonce/');
    my $csp = $res->header('Content-Security-Policy') // '';
    ok t_cmp($csp, qr/; script-src 'self' 'nonce-[A-Za-z0-9_-]{24}';/, 'nonce in script-src');
    ok t_cmp($csp, qr/style-src 'self';/, 'style-src without nonce by default');
    my %seen;
    my @n = map { nonce_of(GET('/hdr/nonce/')->header('Content-Security-Policy')) } 1 .. 30;
    $seen{$_ // 'undef'}++ for @n;
    ok t_cmp(scalar(keys %seen), 30, '30 requests, 30 different nonces');
    ok !exists $seen{undef} or print "# a response without nonce\n";

    $csp = GET('/hdr/nonce/style/')->header('Content-Security-Policy') // '';
    my ($s) = $csp =~ /script-src 'self' 'nonce-([^']+)'/;
    my ($t) = $csp =~ /style-src 'self' 'nonce-([^']+)'/;
    ok defined $s && defined $t or print "# $csp\n";
    ok t_cmp($t, $s, 'SecCSPNonce on style: the same nonce in style-src');
    ok t_cmp($csp, qr/script-src-attr 'none'/, 'script-src-attr untouched');
}
# the nonce for CGI and PHP
{
    my $res = GET('/cgi-bin/hdr-nonce.cgi');
    my $n = nonce_of($res->header('Content-Security-Policy'));
    ok defined $n or print "# no nonce on the CGI response\n";
    ok t_cmp($res->content, qr/<script nonce="\Q$n\E">/, 'the CGI printed the header\'s nonce');
    my $res2 = GET('/cgi-bin/hdr-nonce.cgi');
    ok nonce_of($res2->header('Content-Security-Policy')) ne $n or print "# nonce reused\n";

    $res = GET('/cgi-bin/hdr-php.php');
    ok t_cmp($res->code, 200, 'PHP (php-cgi) page: 200');
    $n = nonce_of($res->header('Content-Security-Policy'));
    ok defined $n or print "# no nonce on the PHP response\n";
    ok t_cmp($res->content, qr/php nonce=\Q$n\E</, 'PHP printed $_SERVER["SECMODS_CSP_NONCE"]');
    ok t_cmp($res->header('Content-Security-Policy'),
             qr/style-src 'self' 'unsafe-inline'/, 'legacy profile on the PHP page');
    # no nonce where none is configured: the variable is not set
    $res = GET('/cgi-bin/env.cgi');
    ok t_cmp($res->code, 200, 'env.cgi');
    ok $res->content !~ /SECMODS_CSP_NONCE=\S/ or print "# nonce variable without SecCSPNonce\n";
}
