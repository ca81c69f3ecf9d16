# Zones counted in the memcached pair: exact for small limits, and with
# leased tokens for larger ones: never over the limit, at most a few percent
# under it.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecCore qw(:all);

plan tests => 5;

my %c;
$c{ GET(url('rlmc', '/mc'))->code }++ for 1 .. 14;
ok t_cmp($c{200}, 10, 'rate=10/1m admits 10 of 14');
ok t_cmp($c{429}, 4, 'and refuses 4');

# rate=200/1m leases 5 tokens per memcached increment. Fresh connections
# spread the requests over the children, each spending the server's leases.
%c = ();
for (1 .. 230) {
    Apache::TestRequest::user_agent(reset => 1, keep_alive => $_ % 3);
    $c{ GET(url('rlmc', '/mcbig'))->code }++;
}
ok $c{200} <= 200 or print "# admitted $c{200} > 200\n";
ok $c{200} >= 190 or print "# admitted only $c{200} (leases stranded more than 5%)\n";
ok t_cmp(($c{200} // 0) + ($c{429} // 0), 230, 'every answer was 200 or 429');
