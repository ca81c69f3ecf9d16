# Bad rates, durations, expressions and references fail configtest with a
# message naming the directive and value.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);

my $rl = 'LoadModule secratelimit_module "' . File::Spec->catfile(build_dir(), '.libs', 'mod_secratelimit.so') . "\"\n";

my @bad = (
    ['SecRateLimitZone z rate=0/1m',             qr/SecRateLimitZone z: rate=0\/1m: expected/],
    ['SecRateLimitZone z rate=5/0s',             qr/SecRateLimitZone z: rate=5\/0s/],
    ['SecRateLimitZone z rate=5/1.5s',           qr/SecRateLimitZone z: rate=5\/1\.5s/],
    ['SecRateLimitZone z rate=abc',              qr/SecRateLimitZone z: rate=abc/],
    ['SecRateLimitZone z rate=5/2d',             qr/SecRateLimitZone z: rate=5\/2d/],
    ['SecRateLimitZone z rate=5/1m ban=5x',      qr/SecRateLimitZone z: ban=5x/],
    ['SecRateLimitZone z rate=5/1m count=some',  qr/SecRateLimitZone z: count=some/],
    ['SecRateLimitZone z rate=5/1m colour=red',  qr/SecRateLimitZone z: unknown option 'colour=red'/],
    ['SecRateLimitZone z burst=5',               qr/SecRateLimitZone z: zone 'z' needs rate=/],
    ['SecRateLimitZone bad.name rate=5/1m',      qr/SecRateLimitZone bad\.name: zone name 'bad\.name'/],
    ["SecRateLimitZone z rate=5/1m \"key=%{HTTP:X\"", qr/SecRateLimitZone z: key=%\{HTTP:X: /],
    ["SecRateLimitZone z rate=5/1m\nSecRateLimitZone z rate=6/1m", qr/SecRateLimitZone z: defined twice/],
    ["<Location />\nSecRateLimit nosuch\n</Location>", qr/SecRateLimit nosuch \(.* line \d+\): no such zone/],
    ["<Location />\nSecRateLimitExempt 10.0.0.1/8\n</Location>", qr/SecRateLimitExempt: '10\.0\.0\.1\/8' is not/],
    ["<Location />\nSecRateLimitHeaders maybe\n</Location>", qr/SecRateLimitHeaders maybe: expected off, denied or all/],
    ["<Location />\nSecKillSwitch bad!\n</Location>", qr/SecKillSwitch bad!: use/],
    ["<Location />\nSecRateLimitZone z rate=5/1m\n</Location>", qr/SecRateLimitZone not allowed in <Location> context/],
);

plan tests => 2 * @bad + 2;

for my $case (@bad) {
    my ($conf, $want) = @$case;
    my ($rc, $out) = configtest($rl . $conf);
    ok $rc != 0 or print "# accepted: $conf\n";
    ok t_cmp($out, $want, "message for: $conf");
}

my ($rc, $out) = configtest($rl . <<'EOF');
SecRateLimitZone login rate=5/15m count=failures failures=401,403,429 ban=1h onstorefail=closed
SecRateLimitZone peruser rate=100/1m "key=%{REMOTE_USER}" burst=20 mode=report lease=10
SecRateLimitZone v6 rate=10/s ipv6prefix=56
<Location />
    SecRateLimit web peruser v6
    SecRateLimitExempt 10.0.0.0/8 "expr=%{HTTP:X-Health} == 'probe'"
    SecRateLimitHeaders all
    SecRateLimitLegacyHeaders on
    SecKillSwitch checkout
</Location>
<Location /login>
    SecRateLimit login
</Location>
<Location /public>
    SecRateLimit off
</Location>
EOF
ok t_cmp($rc, 0, 'a complete good configuration passes') or print "# $out";
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');
