# Two httpd servers sharing the memcached pair, one client alternating
# between them: a rate of N per window admits at most N + 5%, with each
# server leasing tokens (400/1m leases 10 per round trip). A ban one server
# starts is enforced by the other, and secctl lists it from memcached.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use POSIX qw(WNOHANG);
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 10;

# --- a second server, started and stopped by this test ------------------------
my $h = httpd_new('second-httpd');
mkdir "$h->{dir}/htdocs";
httpd_start($h, ours => [qw(seccore secratelimit sectest)], conf => <<"EOF");
DocumentRoot "$h->{dir}/htdocs"
SecStore memcached $ENV{SECMODS_MC1} $ENV{SECMODS_MC2} timeout=200ms retry=2s
SecRateLimitZone t_pair rate=400/1m
SecRateLimitZone t_pairban rate=3/1m ban=10m
<Location /pair>
    SetHandler sectest-event
    SecRateLimit t_pair
    Require all granted
</Location>
<Location /pairban>
    SetHandler sectest-event
    SecRateLimit t_pairban
    Require all granted
</Location>
EOF
my $port = $h->{port};
my $second = "http://127.0.0.1:$port/pair";
ok wait_for(10, sub { my $c = GET($second)->code; $c == 200 }) or print "# second server not answering\n";

# The probe above spent one request at the second server.
my %c = (200 => 1);
my $first = url('rlmc', '/pair');
for my $i (1 .. 459) {
    $c{ GET($i % 2 ? $first : $second)->code }++;
}
my $admitted = $c{200} // 0;
print "# admitted $admitted of 460 for a limit of 400\n";
ok $admitted <= 420 or print "# over N + 5%: $admitted\n";
ok $admitted >= 380 or print "# more than 5% under N: $admitted\n";
ok t_cmp(($c{200} // 0) + ($c{429} // 0), 460, 'every answer was 200 or 429');

# Both servers refuse now: the count is shared.
ok t_cmp(GET($second)->code . ' ' . GET($first)->code, '429 429', 'both servers refuse');

# A ban started on the second server holds on the first.
my @codes = map { GET("http://127.0.0.1:$port/pairban")->code } 1 .. 4;
ok t_cmp("@codes", '200 200 200 429', 'second server: over the limit, banned');
my $on_first = GET(url('rlmc', '/pairban'), Accept => 'application/json');
ok t_cmp($on_first->code, 429, 'the first server refuses the banned client');
ok t_cmp($on_first->header('Retry-After') // 0, qr/^\d+$/, '... with Retry-After');
ok(($on_first->header('Retry-After') // 0) > 60)
    or print "# Retry-After ", $on_first->header('Retry-After') // '-', ": the rate's, not the ban's\n";
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $list = qx{"$secctl" --memcached "$ENV{SECMODS_MC1},$ENV{SECMODS_MC2}" ban list 2>&1};
ok t_cmp($list, qr/^zone t_pairban\s+subject \S+\s+hash \S+\s+\d+ s left$/m,
         'secctl ban list shows the shared ban');
