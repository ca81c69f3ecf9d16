# memcached stopped mid-run: the status handler reports it, store calls
# return an outage status (never a miss), httpd keeps serving, and the store
# comes back when memcached does.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 16;

my $k = "outage-$$";

ok t_cmp(store_op('mcdown', 'set', $k, val => 'before')->{result}, 'ok', 'set while up');
my $st = status_doc('mcdown');
ok t_cmp($st->{store}{reachable}, JSON::PP::true, 'reachable while up');

my (undef, $m0) = (undef, GET(url('mcdown', '/secmods/metrics'))->content);
my $err0 = metric_value($m0, 'secmods_store_errors_total{store="memcached",kind="unavailable"}')
         + metric_value($m0, 'secmods_store_errors_total{store="memcached",kind="timeout"}');

mc_stop(3);

my $r = store_op('mcdown', 'get', $k);
ok t_cmp($r->{result}, 'outage', 'get during the outage is an outage, not a miss');
ok t_cmp(store_op('mcdown', 'set', $k, val => 'x')->{result}, 'outage', 'set during the outage');
ok t_cmp(store_op('mcdown', 'incr', "$k-c")->{result}, 'outage', 'incr during the outage');

my ($res, $doc) = get_json('mcdown', '/secmods/status');
ok t_cmp($res->code, 200, 'status answers 200 during the outage');
ok t_cmp($doc->{status}, 'degraded', 'status says degraded');
ok t_cmp($doc->{store}{reachable}, JSON::PP::false, 'store not reachable');
ok t_cmp($doc->{store}{servers}[0]{up}, JSON::PP::false, 'the server is down');
ok t_cmp($doc->{store}{serversUp}, 0, 'no server up');

my $m1 = GET(url('mcdown', '/secmods/metrics'))->content;
my $err1 = metric_value($m1, 'secmods_store_errors_total{store="memcached",kind="unavailable"}')
         + metric_value($m1, 'secmods_store_errors_total{store="memcached",kind="timeout"}');
ok $err1 >= $err0 + 3 or print "# errors before $err0, after $err1\n";

# httpd keeps serving, other stores are unaffected
ok t_cmp(GET('/')->code, 200, 'the main server still serves pages');
ok t_cmp(store_op(undef, 'set', $k, val => 'shm')->{result}, 'ok', 'the shm store still works');

mc_start(3);

# libmemcached retries a dead server after retry=1s: poll (bounded) until a
# write goes through again.
my $back = wait_for(10, sub { store_op('mcdown', 'set', $k, val => 'after')->{result} eq 'ok' });
ok $back or print "# the store did not come back within 10 s\n";
# Each child keeps its own dead-server timer, so a request that lands on
# another child may still see the outage for up to retry=1s: poll.
my $value = '';
wait_for(10, sub { ($value = store_op('mcdown', 'get', $k)->{value} // '') eq 'after' });
ok t_cmp($value, 'after', 'reads work again');
my $reachable;
wait_for(10, sub { $reachable = status_doc('mcdown')->{store}{reachable} });
ok t_cmp($reachable, JSON::PP::true, 'status reachable again');
