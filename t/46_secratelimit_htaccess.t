# SecRateLimit in .htaccess needs AllowOverride Limit: honoured there,
# refused (httpd's 500 for a directive not allowed) elsewhere.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);

plan tests => 3;

ok t_cmp(join(' ', map { GET('/rl/htlimit/')->code } 1 .. 3), '200 200 429',
         'AllowOverride Limit: the .htaccess zone applies');
ok t_cmp(GET('/rl/htnolimit/')->code, 500, 'without AllowOverride Limit the directive is refused');
my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
open my $fh, '<', $log or die $!;
my $text = do { local $/; <$fh> };
ok t_cmp($text, qr/SecRateLimit not allowed here/, 'httpd says why');
