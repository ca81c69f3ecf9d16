# The shared store stopped mid-run: onstorefail=open keeps a per-server
# limit in shared memory, onstorefail=closed answers 503 with the envelope;
# the status page shows the fallback; all recover when memcached returns.
# A count=failures zone still counts only failures while the store is away.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 18;

ok t_cmp(GET(url('rldown', '/open'))->code, 200, 'open zone works while memcached is up');
ok t_cmp(GET(url('rldown', '/closed'))->code, 200, 'closed zone works while memcached is up');
ok t_cmp(status_doc('rldown')->{modules}{secratelimit}{fallbackActive}, JSON::PP::false,
         'no fallback while up');

mc_stop(3);

# open: the local limit (the zone's own rate, 3/1m, per server) applies
my @open = map { GET(url('rldown', '/open'))->code } 1 .. 5;
ok t_cmp("@open", '200 200 200 429 429', 'open: allowed up to the local bound, then 429');

my $closed = GET(url('rldown', '/closed'), Accept => 'application/json');
ok t_cmp($closed->code, 503, 'closed: 503');
ok t_cmp($closed->content, qr/"code":"STORE_UNAVAILABLE"/, 'closed: the envelope says why');
my $st = status_doc('rldown')->{modules}{secratelimit};
ok t_cmp($st->{fallbackActive}, JSON::PP::true, 'status shows the local fallback is active');
my %fz = map { $_->{zone} => $_ } @{ $st->{fallbackZones} || [] };
ok t_cmp(join(',', map { $_ // '-' } @{ $fz{t_open} || {} }{qw(onStoreFail localLimit windowSeconds allowed refused)}),
         'open,3,60,3,2', 'status: the open zone kept a bound of 3 per minute here, admitted 3, refused 2');
ok $fz{t_open} && $fz{t_open}{lastAgo} <= 10 or print "# lastAgo\n";
ok t_cmp(join(',', map { $_ // '-' } @{ $fz{t_closed} || {} }{qw(onStoreFail localLimit allowed refused)}),
         'closed,-,0,1', 'status: the closed zone admitted nothing and refused one');
ok !exists $fz{t_basic} or print "# a zone that never fell back is listed\n";
my $m = GET('/secmods/metrics')->content;
ok metric_value($m, 'secmods_ratelimit_requests_total{zone="t_open",outcome="fallback"}') >= 3
    or print "# fallback metric\n";

# count=failures while the store is away: right passwords still pass, and
# only failures close the door (the local bound is the zone's, 2/1m)
my $good = url('rldown', '/cgi-bin/login.cgi?password=right');
my $bad = url('rldown', '/cgi-bin/login.cgi?password=wrong');
ok t_cmp(join(' ', map { GET($good)->code } 1 .. 5), '200 200 200 200 200',
         'store away: successful logins never count');
ok t_cmp(join(' ', map { GET($bad)->code } 1 .. 2), '401 401', 'store away: two failures answered');
ok t_cmp(GET($bad)->code, 429, 'store away: the third failure is refused');
ok t_cmp(GET($good)->code, 429, 'store away: and so is a right password now');

mc_start(3);

my $ok = wait_for(10, sub { GET(url('rldown', '/closed'))->code == 200 });
ok $ok or print "# closed zone did not recover\n";
ok t_cmp(GET('/')->code, 200, 'the server served throughout');
