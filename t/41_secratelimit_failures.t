# count=failures on a login endpoint: only 401/403 answers count, so users
# who type their password right are never throttled; the check still runs
# before the handler.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);

plan tests => 6, need_cgi;

my $good = '/cgi-bin/login.cgi?password=right';
my $bad = '/cgi-bin/login.cgi?password=wrong';

ok t_cmp(join(' ', map { GET($good)->code } 1 .. 6), '200 200 200 200 200 200',
         'successful logins never count');
ok t_cmp(join(' ', map { GET($bad)->code } 1 .. 3), '401 401 401', 'three failures answered');
my $r = GET($bad);
ok t_cmp($r->code, 429, 'the fourth attempt is refused before the script runs');
ok t_cmp($r->content, qr/RATE_LIMITED/, 'envelope');
ok t_cmp(GET($good)->code, 429, 'and so is a correct password now (brute force stopped)');
ok t_cmp($r->header('RateLimit-Policy'), '"t_fail";q=3;w=60', 'policy header');
