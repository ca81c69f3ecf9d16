# Client addresses (through mod_remoteip, as behind a trusted proxy): IPv6
# clients grouped by /64, exemptions by CIDR and by expression.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecCore qw(:all);

plan tests => 7;

sub from { my ($path, $ip, @h) = @_; GET(url('rlremote', $path), 'X-Forwarded-For' => $ip, @h)->code }

# t_v6: 2 per /64. Two addresses of one /64 share the budget ...
ok t_cmp(join(' ', from('/v6', '2001:db8:a:1::1'), from('/v6', '2001:db8:a:1::2'),
              from('/v6', '2001:db8:a:1:ffff::9')), '200 200 429',
         'three addresses of one /64 share one budget');
# ... another /64 has its own
ok t_cmp(from('/v6', '2001:db8:a:2::1'), 200, 'a different /64 is a different client');
# ipv6prefix=128: every address on its own
ok t_cmp(join(' ', map { from('/v6wide', "2001:db8:b:1::$_") } 1 .. 3), '200 200 200',
         'ipv6prefix=128 keys each address');
# IPv4 addresses are kept whole
ok t_cmp(join(' ', from('/v6', '198.51.100.1'), from('/v6', '198.51.100.2')), '200 200',
         'IPv4 clients are not grouped');

# exemptions: t_exempt allows 1 per minute
ok t_cmp(join(' ', map { from('/exempt', '192.0.2.10') } 1 .. 4), '200 200 200 200',
         'an exempt range is never limited');
ok t_cmp(join(' ', map { from('/exempt', '198.51.100.77', 'X-Health' => 'probe') } 1 .. 3),
         '200 200 200', 'an exempt expression is never limited');
ok t_cmp(join(' ', map { from('/exempt', '198.51.100.78') } 1 .. 2), '200 429',
         'others are');
