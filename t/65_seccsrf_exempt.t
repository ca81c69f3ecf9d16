# SecCSRFExempt: requests matching the expression (a signed webhook) are not
# checked; everything else at that location is.
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

plan tests => 6;

my $page = url(undef, '/csrf/exempt/index.html');
my $ua = browser();
my $sig = 'sha256=' . ('ab' x 32);
my $mark = log_mark(events_file());

sub post {
    my @h = @_;
    return $ua->request(HTTP::Request->new(POST => $page,
        ['Content-Type' => 'application/json', @h], '{"event":"push"}'));
}

ok t_cmp(post('X-Hub-Signature-256' => $sig)->code, 200, 'a signed webhook (no origin) is exempt');
ok t_cmp(post('X-Hub-Signature-256' => $sig, 'Sec-Fetch-Site' => 'cross-site')->code, 200,
         'exempt whatever the headers say');
ok t_cmp(post('X-Hub-Signature-256' => 'sha256=short')->code, 403, 'a signature of the wrong shape is not');
ok t_cmp(post()->code, 403, 'without the signature: checked');
ok t_cmp(post('Sec-Fetch-Site' => 'same-origin')->code, 200, 'and passes as usual');
my $m = GET('/secmods/metrics')->content;
ok metric_value($m, 'secmods_csrf_requests_total{outcome="exempt",reason="exempt"}') >= 2
    or print "# exempt metric\n";
