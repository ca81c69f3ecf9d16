# SecCSRF report: every decision is made and logged as it would be, and
# nothing is refused: for rolling out.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 13;

my $page = url(undef, '/csrf/report/index.html');
my $mark = log_mark(events_file());
my $ua = browser();

sub post {
    my @h = @_;
    return $ua->request(HTTP::Request->new(POST => $page,
        ['Content-Type' => 'application/x-www-form-urlencoded', @h], 'a=1'));
}

my $res = post('Sec-Fetch-Site' => 'cross-site');
ok t_cmp($res->code, 200, 'cross-site let through');
ok t_cmp(post(Origin => 'https://evil.example')->code, 200, 'bad origin let through');
ok t_cmp(post()->code, 200, 'missing token let through');
ok t_cmp(post('X-CSRF-Token' => 'forged')->code, 200, 'bad token let through');
ok t_cmp(post('Sec-Fetch-Site' => 'same-origin')->code, 200, 'a good request passes as ever');

my @ev;
wait_for(5, sub { @ev = csrf_events($mark); @ev >= 4 });
ok t_cmp(scalar @ev, 4, 'one report event per request that would have been refused');
my %by = map { $_->{reason} => $_ } @ev;
ok t_cmp(join(' ', sort keys %by), 'bad-origin bad-token cross-site missing-token', 'the reasons');
ok t_cmp($by{'cross-site'}{event}, 'csrf.report', 'event csrf.report');
ok t_cmp($by{'cross-site'}{outcome}, 'report', 'outcome report');
ok t_cmp($by{'bad-token'}{via}, 'header', 'how the bad token came');
ok t_cmp($by{'bad-token'}{detail}, 'malformed', 'and what was wrong with it');
ok !grep({ $_->{event} eq 'csrf.deny' } @ev) or print "# a deny event in report mode\n";

my $m = GET('/secmods/metrics')->content;
ok metric_value($m, 'secmods_csrf_requests_total{outcome="report",reason="cross-site"}') >= 1
    or print "# report metric\n";
