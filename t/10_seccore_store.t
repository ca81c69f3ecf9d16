# The store through mod_seccore's optional functions: the embedded shm store
# on the main server, the memcached pair on vhost "mc".
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 36;

my $run = "$$-" . time;

for my $vhost (undef, 'mc') {
    my $kind = $vhost ? 'memcached' : 'shm';
    my $k = "k-$kind-$run";

    my $r = store_op($vhost, 'get', $k);
    ok t_cmp($r->{result}, 'notfound', "$kind: a missing key is a miss, not an error");
    ok t_cmp($r->{store}, $kind, "$kind: the vhost's store is $kind");

    ok t_cmp(store_op($vhost, 'set', $k, val => 'hello')->{result}, 'ok', "$kind: set");
    $r = store_op($vhost, 'get', $k);
    ok t_cmp($r->{value}, 'hello', "$kind: get returns what was set");

    ok t_cmp(store_op($vhost, 'add', $k, val => 'other')->{result}, 'exists',
             "$kind: add of an existing key says exists");
    ok t_cmp(store_op($vhost, 'get', $k)->{value}, 'hello', "$kind: add did not overwrite");

    my $c = "c-$kind-$run";
    ok t_cmp(store_op($vhost, 'incr', $c)->{value}, 1, "$kind: incr creates at 1");
    ok t_cmp(store_op($vhost, 'incr', $c)->{value}, 2, "$kind: incr adds");
    ok t_cmp(store_op($vhost, 'get', $c)->{value}, '2', "$kind: a counter reads back as text");

    ok t_cmp(store_op($vhost, 'del', $k)->{result}, 'ok', "$kind: del");
    ok t_cmp(store_op($vhost, 'get', $k)->{result}, 'notfound', "$kind: gone after del");

    # A key longer than memcached's 250 bytes is hashed by the shared layer.
    my $long = "long-$run-" . ('x' x 300);
    store_op($vhost, 'set', $long, val => 'big-key');
    ok t_cmp(store_op($vhost, 'get', $long)->{value}, 'big-key', "$kind: 300-byte keys work");

    my $st = status_doc($vhost);
    ok t_cmp($st->{store}{reachable}, JSON::PP::true, "$kind: status says reachable");
}

# Counters are shared by every child (not per process, mod_evasive's flaw):
# 60 requests on fresh connections, spread over the children, add up exactly.
{
    my $c = "shared-$run";
    for (1 .. 60) {
        Apache::TestRequest::user_agent(reset => 1, keep_alive => 0);
        store_op(undef, 'incr', $c);
    }
    ok t_cmp(store_op(undef, 'get', $c)->{value}, '60',
             'shm: 60 increments from fresh connections add up to 60');
}

# Consistent hashing spreads keys over both memcached servers.
{
    my ($before1, $before2) = (mc_stats(1)->{total_items}, mc_stats(2)->{total_items});
    store_op('mc', 'set', "spread-$run-$_", val => $_) for 1 .. 40;
    my $d1 = mc_stats(1)->{total_items} - $before1;
    my $d2 = mc_stats(2)->{total_items} - $before2;
    ok t_cmp($d1 + $d2, 40, 'memcached: all 40 keys were stored');
    ok $d1 > 0 && $d2 > 0 or print "# node1 got $d1, node2 got $d2\n";
    my $st = status_doc('mc');
    ok t_cmp($st->{store}{serversUp}, 2, 'memcached: status sees both servers up');
}

# The status document of the embedded store.
{
    my $st = status_doc(undef);
    ok t_cmp($st->{status}, 'ok', 'status ok');
    ok t_cmp($st->{store}{kind}, 'shm', 'status: store kind');
    ok $st->{store}{capacity} > 100000 or print "# capacity $st->{store}{capacity}\n";
    ok $st->{store}{entries} >= 3 or print "# entries $st->{store}{entries}\n";
    ok t_cmp($st->{keyring}{current}, 't2', 'status: the keyring\'s current key id');
    ok t_cmp($st->{mpm}, $ENV{SECMODS_MPM} || 'event', 'status: the MPM under test');
}
