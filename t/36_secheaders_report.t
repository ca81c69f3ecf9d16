# The CSP report endpoint (SetHandler seccsp-report): both report formats
# become audit events without secrets; wrong method, type, size or body are
# refused with the envelope; a flood writes a bounded number of events.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 27;

my $json = JSON::PP->new->utf8->canonical;
my $ev = events_file();

sub post_report {
    my ($url, $type, $body) = @_;
    return POST($url, 'Content-Type' => $type, Accept => 'application/json', content => $body);
}
sub events_since {
    my ($mark, $path, $n) = @_;
    my @ev;
    wait_for(5, sub {
        @ev = grep { $_->{module} && $_->{module} eq 'secheaders' && $_->{path} eq $path }
              map { eval { $json->decode($_) } || () } split /\n/, log_since($ev, $mark);
        @ev >= $n;
    });
    return @ev;
}

my $legacy = $json->encode({ 'csp-report' => {
    'document-uri' => 'https://app.example.com/account?session=SECRETSESSION#x',
    'referrer' => 'https://other.example/?q=SECRETREF',
    'violated-directive' => "script-src-elem 'self'",
    'effective-directive' => 'script-src-elem',
    'original-policy' => "script-src 'nonce-SECRETNONCE'",
    'disposition' => 'enforce',
    'blocked-uri' => 'https://user:SECRETPW@evil.example/x.js?k=SECRETK',
    'line-number' => 7, 'column-number' => 3,
    'source-file' => 'https://app.example.com/app.js?v=1',
    'status-code' => 200,
    'script-sample' => 'alert(SECRETSAMPLE)',
}});

{
    my $mark = log_mark($ev);
    my $res = post_report('/hdr/csp-report', 'application/csp-report', $legacy);
    ok t_cmp($res->code, 204, 'report-uri format: 204');
    my ($e) = events_since($mark, '/hdr/csp-report', 1);
    ok $e or print "# no event\n";
    $e ||= {};
    ok t_cmp($e->{event}, 'csp.report', 'event name');
    ok t_cmp($e->{outcome}, 'report', 'outcome');
    ok t_cmp($e->{reason}, 'script-src-elem', 'reason: the effective directive');
    ok t_cmp($e->{documentUri}, 'https://app.example.com/account', 'document URI without query');
    ok t_cmp($e->{blockedUri}, 'https://evil.example/x.js', 'blocked URI without userinfo, query');
    ok t_cmp($e->{sourceFile}, 'https://app.example.com/app.js', 'source file without query');
    ok t_cmp($e->{lineNumber}, 7, 'line number');
    ok t_cmp($e->{format}, 'report-uri', 'format');
    my $line = log_since($ev, $mark);
    ok $line !~ /SECRET/ or print "# a secret reached the event log: $line\n";
}
{
    my $mark = log_mark($ev);
    my $body = $json->encode([
        { type => 'csp-violation', url => 'https://app.example.com/p?t=SECRET', age => 1,
          body => { blockedURL => 'inline', effectiveDirective => 'style-src-attr',
                    disposition => 'report', sample => 'SECRET' } },
        { type => 'deprecation', body => { id => 'x' } },
        { type => 'csp-violation', body => { documentURL => 'https://app.example.com/q',
                                             blockedURL => 'eval',
                                             effectiveDirective => 'script-src' } },
    ]);
    my $res = post_report('/hdr/csp-report', 'application/reports+json', $body);
    ok t_cmp($res->code, 204, 'Reporting API format: 204');
    my @e = events_since($mark, '/hdr/csp-report', 2);
    ok t_cmp(scalar @e, 2, 'two csp-violation reports, two events (the deprecation is not one)');
    ok t_cmp(join(',', map { $_->{effectiveDirective} // '' } @e), 'style-src-attr,script-src',
             'directives of both');
    ok t_cmp($e[0]{documentUri}, 'https://app.example.com/p', 'url outside the body, cut');
    ok t_cmp($e[0]{format}, 'reporting-api', 'format');
    ok log_since($ev, $mark) !~ /SECRET/ or print "# a secret reached the event log\n";
}
# refusals
{
    my $res = GET('/hdr/csp-report', Accept => 'application/json');
    ok t_cmp($res->code, 405, 'GET: 405');
    ok t_cmp($res->header('Allow'), qr/^POST\b/, 'Allow: POST');
    ok t_cmp($res->header('Content-Type'), qr{^application/json}, 'the envelope');
    $res = post_report('/hdr/csp-report', 'application/json', $legacy);
    ok t_cmp($res->code, 415, 'application/json: 415');
    $res = post_report('/hdr/csp-report', 'application/csp-report', '{"csp-report": ');
    ok t_cmp($res->code, 400, 'broken JSON: 400');
    $res = post_report('/hdr/csp-report', 'application/csp-report', '{"other": {}}');
    ok t_cmp($res->code, 400, 'JSON without csp-report: 400');
    $res = post_report('/hdr/csp-report', 'application/csp-report',
                       '{"csp-report":{"x":"' . ('a' x 3000) . '"}}');
    ok t_cmp($res->code, 413, 'over SecCSPReportMaxSize 2K: 413');
}
# a flood: SecCSPReportEventLimit 3 on this server
{
    my $mark = log_mark($ev);
    my $url = url('secheaders_flood', '/csp-report');
    my @codes = map { post_report($url, 'application/csp-report', $legacy)->code } 1 .. 8;
    ok t_cmp("@codes", join(' ', (204) x 8), 'every report is answered 204');
    # events are written by the handler before it answers: all are there
    my @e = events_since($mark, '/csp-report', 3);
    ok t_cmp(scalar @e, 3, 'but only 3 events are written in the minute');
    my (undef, $m) = (undef, GET('/secmods/metrics')->content);
    ok metric_value($m, 'secmods_csp_reports_total{outcome="dropped"}') >= 5
        or print "# dropped counter: $m\n";
}
