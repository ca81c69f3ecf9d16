# SecCSRF and SecCSRFToken in .htaccess need AllowOverride AuthConfig:
# honoured there, refused (httpd's 500 for a directive not allowed)
# elsewhere.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 6;

my $ua = browser();
sub post {
    my ($path, @h) = @_;
    return $ua->request(HTTP::Request->new(POST => url(undef, $path),
        ['Content-Type' => 'application/x-www-form-urlencoded', @h], 'a=1'));
}

ok t_cmp(post('/csrf/hta/index.html', 'Sec-Fetch-Site' => 'cross-site')->code, 403,
         'AllowOverride AuthConfig: SecCSRF on from .htaccess');
ok t_cmp(post('/csrf/hta/index.html', 'Sec-Fetch-Site' => 'same-origin')->code, 200, 'same-origin passes');
my $res = $ua->get(url(undef, '/csrf/hta/index.html'));
ok t_cmp(cookie_value($ua, 'csrf-token') // '', qr/^t2\./, 'SecCSRFToken on from .htaccess issues tokens');
ok t_cmp(post('/csrf/hta/index.html', 'X-CSRF-Token' => cookie_value($ua, 'csrf-token'))->code, 200,
         'and accepts them');
ok t_cmp(post('/csrf/htno/index.html', 'Sec-Fetch-Site' => 'same-origin')->code, 500,
         'without AllowOverride AuthConfig the directive is refused');
my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
ok t_cmp(log_since($log, 0), qr/SecCSRF not allowed here/, 'httpd says why');
