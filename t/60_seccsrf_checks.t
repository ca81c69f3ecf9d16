# The layered checks over HTTP, without tokens: safe methods; Sec-Fetch-Site
# (same-origin, none, cross-site, same-site with and without a trusted
# Origin, unknown values); Origin (own, trusted, other, null, malformed);
# Referer; the 403 envelope, Vary, the audit event, metrics and what the
# logs must never hold.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 65;

my $self = self_origin();
my $page = '/csrf/on/index.html';
my $ev_mark = log_mark(events_file());
my $err_log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
my $err_mark = log_mark($err_log);

sub req {
    my ($method, $path, @h) = @_;
    my $r = HTTP::Request->new($method => url(undef, $path), [@h]);
    if ($method !~ /^(?:GET|HEAD|OPTIONS|TRACE)$/) {
        $r->header('Content-Type' => 'application/x-www-form-urlencoded');
        $r->content('message=hi');
    }
    return Apache::TestRequest::user_agent()->request($r);
}
sub code { req(@_)->code }
sub vary { my %v = map { lc($_) => 1 } split /\s*,\s*/, ($_[0]->header('Vary') // ''); \%v }

# safe methods: never checked, nothing read
my $r = req('GET', $page, 'Sec-Fetch-Site' => 'cross-site', Origin => 'https://evil.example');
ok t_cmp($r->code, 200, 'GET cross-site passes (safe method)');
ok !vary($r)->{'sec-fetch-site'} or print "# Vary: ", $r->header('Vary'), "\n";
ok t_cmp(code('HEAD', $page, 'Sec-Fetch-Site' => 'cross-site'), 200, 'HEAD passes');
ok t_cmp(code('OPTIONS', $page, 'Sec-Fetch-Site' => 'cross-site'), 200, 'OPTIONS passes');
# TRACE is safe by definition (httpd echoes the request; TraceEnable is
# httpd's switch for it): mod_seccsrf leaves it to httpd.
$r = req('TRACE', $page, 'Sec-Fetch-Site' => 'cross-site');
ok t_cmp($r->code, 200, 'TRACE cross-site is not refused by mod_seccsrf');
ok t_cmp($r->header('Content-Type') // '', qr{^message/http}, '... httpd answered it');

# 1. Fetch Metadata
$r = req('POST', $page, 'Sec-Fetch-Site' => 'same-origin');
ok t_cmp($r->code, 200, 'same-origin passes');
ok vary($r)->{'sec-fetch-site'} or print "# Vary: ", $r->header('Vary') // '', "\n";
ok !vary($r)->{origin} or print "# Origin was not needed\n";
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'none'), 200, 'none (typed, bookmark) passes');
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'same-origin', Origin => 'https://evil.example'), 200,
         'same-origin decides alone');

$r = req('POST', $page, 'Sec-Fetch-Site' => 'cross-site', Origin => 'https://evil.example');
ok t_cmp($r->code, 403, 'cross-site refused');
my $env = envelope($r);
ok t_cmp($env->{code}, 'CSRF', 'envelope code CSRF');
ok t_cmp($env->{reason}, 'cross-site', 'reason cross-site');
ok t_cmp($env->{status}, 403, 'status in the envelope');
ok t_cmp($env->{requestId}, $r->header('X-Request-ID'), 'request id');
ok t_cmp($r->header('Content-Type'), qr{^application/json}, 'JSON for a non-browser');
ok t_cmp($r->header('Cache-Control'), 'no-store', 'not cached');
ok vary($r)->{'sec-fetch-site'} or print "# refusals carry Vary too\n";
ok t_cmp(code('PUT', $page, 'Sec-Fetch-Site' => 'cross-site'), 403, 'PUT is protected');
ok t_cmp(code('DELETE', $page, 'Sec-Fetch-Site' => 'cross-site'), 403, 'DELETE is protected');
ok t_cmp(code('PATCH', $page, 'Sec-Fetch-Site' => 'cross-site'), 403, 'PATCH is protected');
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'cross-site', Origin => $self), 403,
         'cross-site is refused even with a matching Origin');

$r = req('POST', $page, 'Sec-Fetch-Site' => 'same-site', Origin => 'https://shop.trusted.example');
ok t_cmp($r->code, 200, 'same-site from a trusted origin passes');
ok vary($r)->{origin} or print "# Vary: ", $r->header('Vary') // '', "\n";
$r = req('POST', $page, 'Sec-Fetch-Site' => 'same-site', Origin => 'https://trusted.example');
ok t_cmp($r->code, 403, 'the pattern does not cover the parent domain');
ok t_cmp(envelope($r)->{reason}, 'same-site', 'reason same-site');
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'same-site'), 403, 'same-site without Origin');

# an unknown value is ignored: the Origin layer decides
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'same-galaxy', Origin => $self), 200,
         'unknown Sec-Fetch-Site, own Origin');
ok t_cmp(code('POST', $page, 'Sec-Fetch-Site' => 'same-galaxy', Origin => 'https://evil.example'),
         403, 'unknown Sec-Fetch-Site, other Origin');

# 2. Origin
$r = req('POST', $page, Origin => $self);
ok t_cmp($r->code, 200, 'own Origin passes');
ok vary($r)->{origin} or print "# Vary: ", $r->header('Vary') // '', "\n";
ok t_cmp(code('POST', $page, Origin => uc($self)), 200, 'origins compare canonically');
ok t_cmp(code('POST', $page, Origin => 'http://partner.example:8080'), 200, 'trusted Origin passes');
ok t_cmp(code('POST', $page, Origin => 'https://a.b.trusted.example'), 200, 'trusted pattern, two labels deep');
$r = req('POST', $page, Origin => 'https://evil.example');
ok t_cmp($r->code, 403, 'other Origin refused');
ok t_cmp(envelope($r)->{reason}, 'bad-origin', 'reason bad-origin');
ok t_cmp(code('POST', $page, Origin => 'null'), 403, 'Origin: null refused');
ok t_cmp(code('POST', $page, Origin => "$self/"), 403, 'an Origin with a path is malformed');
ok t_cmp(code('POST', $page, Origin => 'http://partner.example'), 403, 'trusted needs the same port');
ok t_cmp(code('POST', $page, Origin => 'x' x 5000), 403, 'a huge Origin is refused, not a 500');
ok t_cmp(code('POST', $page, Origin => "http://\xff\xfe.example"), 403, 'non-ASCII Origin');

# 3. Referer, then the token (off here): refused
$r = req('POST', $page, Referer => "$self/csrf/on/form.html?secret=REFERER-SECRET-1");
ok t_cmp($r->code, 200, 'same-origin Referer passes');
ok vary($r)->{referer} or print "# Vary: ", $r->header('Vary') // '', "\n";
$r = req('POST', $page, Referer => 'https://evil.example/page?secret=REFERER-SECRET-2');
ok t_cmp($r->code, 403, 'other Referer: a token is needed');
ok t_cmp(envelope($r)->{reason}, 'missing-token', 'reason missing-token');
$r = req('POST', $page);
ok t_cmp($r->code, 403, 'no headers at all: a token is needed');
ok t_cmp(envelope($r)->{reason}, 'missing-token', 'reason missing-token');

# browsers get HTML
$r = req('POST', $page, 'Sec-Fetch-Site' => 'cross-site', Accept => 'text/html,application/xhtml+xml,*/*;q=0.8');
ok t_cmp($r->header('Content-Type'), qr{^text/html}, 'HTML envelope for a browser');
ok t_cmp($r->content, qr/Cross-site request refused/, 'with the message');

# SecCSRF off below a protected location
ok t_cmp(code('POST', '/csrf/on/open/index.html', 'Sec-Fetch-Site' => 'cross-site'), 200,
         'SecCSRF off in a sub-location');

# the events: one per refusal, with what decided and never a secret
my @ev;
wait_for(5, sub { @ev = csrf_events($ev_mark); @ev >= 13 });
my ($cross) = grep { ($_->{reason} // '') eq 'cross-site' } @ev;
ok $cross or print "# no cross-site event among ", scalar(@ev), "\n";
$cross ||= {};
ok t_cmp($cross->{event}, 'csrf.deny', 'event name');
ok t_cmp($cross->{outcome}, 'deny', 'outcome deny');
ok t_cmp($cross->{check}, 'fetch-metadata', 'decided by Fetch Metadata');
ok t_cmp($cross->{fetchSite}, 'cross-site', 'what the client sent');
ok t_cmp($cross->{method}, 'POST', 'method');
my ($ref) = grep { ($_->{refererOrigin} // '') eq 'https://evil.example' } @ev;
ok $ref or print "# no event with the Referer's origin\n";
my $events_text = log_since(events_file(), $ev_mark);
ok $events_text !~ /REFERER-SECRET/ or print "# a Referer query reached the events\n";
my ($nonascii) = grep { ($_->{origin} // '') =~ /^http:\/\/\?\?\.example$/ } @ev;
ok $nonascii or print "# non-ASCII Origin not shown as printable\n";
my ($huge) = grep { length($_->{origin} // '') == 256 } @ev;
ok $huge or print "# a huge Origin is cut in the event\n";

# metrics, and the error log
my $m = GET('/secmods/metrics')->content;
ok metric_value($m, 'secmods_csrf_requests_total{outcome="deny",reason="cross-site"}') >= 5
    or print "# deny metric\n";
ok metric_value($m, 'secmods_csrf_requests_total{outcome="pass",reason="same-origin"}') >= 2
    or print "# pass metric\n";
my $errs = log_since($err_log, $err_mark);
ok t_cmp($errs, qr{SEC06008: SecCSRF: refused POST /csrf/on/index\.html \(cross-site, by fetch-metadata\), request \S+},
         'refusals logged at info, with the request id');
# (httpd's own debug lines append the Referer to every request-level
# message; ours are written without it)
my @ours = grep { /SEC060\d\d/ } split /\n/, $errs;
ok !grep({ /REFERER-SECRET/ } @ours) && @ours > 0 or print "# a Referer reached our log lines\n";
