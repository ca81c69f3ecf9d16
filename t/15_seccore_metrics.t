# The Prometheus metrics page: store operations, errors, latency, module
# counter families; counters shared by every child.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use SecCore qw(:all);

plan tests => 12;

my $res = GET('/secmods/metrics');
ok t_cmp($res->code, 200, 'metrics 200');
ok t_cmp($res->header('Content-Type'), qr{^text/plain; version=0\.0\.4}, 'Prometheus text format');
my $m0 = $res->content;
ok t_cmp($m0, qr/^# TYPE secmods_store_operations_total counter$/m, 'TYPE line');
ok t_cmp($m0, qr/^# TYPE secmods_store_latency_seconds histogram$/m, 'histogram');
ok t_cmp($m0, qr/^secmods_shm_capacity \d+$/m, 'shm capacity gauge');

my $sets0 = metric_value($m0, 'secmods_store_operations_total{store="shm",op="set"}');
my $cnt0 = metric_value($m0, 'secmods_store_latency_seconds_count{store="shm"}');
for (1 .. 25) {
    Apache::TestRequest::user_agent(reset => 1, keep_alive => 0);
    store_op(undef, 'set', "metrics-$$-$_", val => 'v');
}
GET('/sectest/event?user=m');
my $m1 = GET('/secmods/metrics')->content;
ok t_cmp(metric_value($m1, 'secmods_store_operations_total{store="shm",op="set"}') - $sets0, 25,
         '25 sets from many connections counted once each');
ok metric_value($m1, 'secmods_store_latency_seconds_count{store="shm"}') - $cnt0 >= 25
    or print "# latency count did not grow\n";
ok t_cmp(metric_value($m1, 'secmods_store_latency_seconds_bucket{store="shm",le="+Inf"}'),
         metric_value($m1, 'secmods_store_latency_seconds_count{store="shm"}'),
         '+Inf bucket equals count');
ok metric_value($m1, 'secmods_sectest_probes_total{module="sectest"}') >= 1
    or print "# module counter family missing\n";
ok metric_value($m1, 'secmods_events_total{module="sectest",outcome="allow"}') >= 1
    or print "# events counter missing\n";
ok t_cmp($m1, qr/^secmods_store_errors_total\{store="memcached",kind="timeout"\} \d+$/m,
         'error kinds are listed');

ok t_cmp(POST('/secmods/metrics', content => 'x')->code, 405, 'POST is refused');
