# Two httpd servers sharing the memcached pair, one client alternating
# between them: a rate of N per window admits at most N + 5%, with each
# server leasing tokens (400/1m leases 10 per round trip).
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

plan tests => 5;

# --- a second server, started and stopped by this test ------------------------
my $h = httpd_new('second-httpd');
mkdir "$h->{dir}/htdocs";
httpd_start($h, ours => [qw(seccore secratelimit sectest)], conf => <<"EOF");
DocumentRoot "$h->{dir}/htdocs"
SecStore memcached $ENV{SECMODS_MC1} $ENV{SECMODS_MC2} timeout=200ms retry=2s
SecRateLimitZone t_pair rate=400/1m
<Location /pair>
    SetHandler sectest-event
    SecRateLimit t_pair
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
