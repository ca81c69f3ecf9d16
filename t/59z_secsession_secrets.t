# No secret in any log: after every other secsession test has run (this
# file sorts last among them), the error log, the access log and the event
# log hold no session cookie, session id, MAC, password, keyring or HMAC
# key, or request signature.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

my $logs = Apache::Test::vars('t_logs');
my %files = (error_log => "$logs/error_log", access_log => "$logs/access_log",
             events => events_file());

# Make sure the logs hold this file's own activity too: a session, a failed
# and a good form login, a signed request, a logout.
my $ua = browser();
form_login($ua, undef, 'alice', 'wrong');
form_login($ua, undef, 'alice', 'alice-pw');
my $cookie = cookie_of($ua, 't_sess');
$ua->get(url(undef, '/sess/static/private/'));
my @sig = hmac_headers(hmac_key('partner1'), time, 'x');
api_client()->post(url(undef, '/sess/hook/sess-echo.cgi'), @sig, Content => 'x');
$ua->post(url(undef, '/sess/logout'));

my @secrets = (
    ['a session cookie', qr/\b1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}/],
    ['a 256-bit base64url value (id, MAC, key)', qr/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/],
    ['a base64 signature', qr{(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=}],
    ['a password', qr/alice-pw|bob-pw|dana-pw/],
    (map { ["keyring key $_", qr/\Q@{[keyring_secret($_)]}\E/] } qw(t1 t2)),
    (map { ["HMAC key $_", qr/\Q@{[hmac_key($_)]}\E/] } qw(partner1 partner2)),
);

plan tests => 3 + @secrets * keys %files;

# The patterns find what they look for (so a pass means something).
ok t_cmp("x $cookie y", $secrets[0][1], 'the cookie pattern matches a real cookie');
ok t_cmp("id=" . (split /\./, $cookie)[2] . ";", $secrets[1][1], 'the id pattern matches a real id');
ok t_cmp("sig $sig[3] end", $secrets[2][1], 'the signature pattern matches a real signature');

wait_for(5, sub { log_since($files{events}, 0) =~ /"event":"logout"/ });
for my $name (sort keys %files) {
    my $text = log_since($files{$name}, 0);
    for my $s (@secrets) {
        my ($what, $re) = @$s;
        my ($hit) = $text =~ /(.{0,60}$re.{0,20})/;
        ok !defined $hit or print "# $name holds $what: ...$hit...\n";
    }
}
