# The README's first command: scripts/demo builds (here: finds the build
# done), makes its key file and login, starts httpd with the whole suite in
# front of the demo site on a port of its own, and stops it again. The
# test runs it as the suite's unprivileged user, so there is no package
# install and no User line; everything else is what a root run does.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Cookies;
use HTTP::Request;
use LWP::UserAgent;
use SecTest qw(:all);

plan tests => 20;

my $top = build_dir();
my $demo = File::Spec->catfile($top, 'scripts', 'demo');
my $run = File::Spec->catdir($top, 'run', 'demo');
my $port = free_port();
local $ENV{DEMO_PORT} = $port;
my $started;
END { system($demo, 'stop') if $started }

my $out = qx{"$demo" 2>&1};
my $rc = $? >> 8;
$started = 1;
ok t_cmp($rc, 0, 'scripts/demo starts') or print "# $out";
ok t_cmp($out, qr{secmods demo is running .*\n  site:\s+http://127\.0\.0\.1:$port/}s, '... and says where');
my ($password) = $out =~ m{log in as demo / (\S+)\)};
ok t_cmp($password // '', qr/^[A-Za-z0-9]{16}$/, '... and with which password');
ok t_cmp(sprintf('%o', (stat "$run/secmods.keys")[2] & 0777), '600', 'its key file is 0600');

my $base = "http://127.0.0.1:$port";
my $ua = LWP::UserAgent->new(cookie_jar => HTTP::Cookies->new, max_redirect => 0, timeout => 30);

my $res = $ua->get("$base/");
ok t_cmp($res->code, 200, 'the site answers');
ok t_cmp($res->header('Content-Security-Policy') // '', qr/^default-src 'self'.*'unsafe-inline'/,
         'with the legacy header profile');
ok t_cmp($res->header('X-Request-ID') // '', qr/^\S{22}$/, 'and a request id');

# the guestbook: a CSRF token in its form; a post without it is refused
$res = $ua->get("$base/cgi-bin/guestbook.cgi");
my ($token) = $res->content =~ /<input type="hidden" name="_csrf" value="([^"]+)">/;
ok defined $token or print "# no token field in the guestbook form\n";
ok t_cmp($res->header('RateLimit-Policy') // '', '"guestbook";q=10;w=60', 'it is rate-limited');
my $post = sub {
    my $body = shift;
    return $ua->request(HTTP::Request->new(POST => "$base/cgi-bin/guestbook.cgi",
        ['Content-Type' => 'application/x-www-form-urlencoded'], $body));
};
ok t_cmp($post->('message=hello')->code, 403, 'a post without the token is refused');
$res = $post->("message=hello+demo&_csrf=$token");
ok t_cmp($res->code, 200, 'the form, posted with its token, goes through');
ok t_cmp($res->content, qr/hello demo/, '... and reaches the CGI');

# the admin area: a session login
$res = $ua->get("$base/cgi-bin/admin.cgi", 'Sec-Fetch-Mode' => 'navigate', Accept => 'text/html');
ok t_cmp($res->code . ' ' . ($res->header('Location') // ''),
         '302 /login?redirect=%2fcgi-bin%2fadmin.cgi', 'a browser is sent to the login page');
ok t_cmp($ua->get("$base/cgi-bin/admin.cgi", Accept => 'application/json')->code, 401,
         'an API client gets 401');
ok t_cmp($ua->post("$base/login", [username => 'demo', password => 'wrong'])->code, 401,
         'a wrong password: 401');
$res = $ua->post("$base/login", [username => 'demo', password => $password,
                                 redirect => '/cgi-bin/admin.cgi']);
ok t_cmp($res->code . ' ' . ($res->header('Location') // ''), '303 /cgi-bin/admin.cgi',
         'the printed password logs in');
ok t_cmp($ua->get("$base/cgi-bin/admin.cgi")->content, qr{Signed in as <strong>demo</strong>},
         'the legacy admin script knows who');
ok t_cmp(log_since("$run/logs/events.log", 0), qr/"event":"login\.success".*"user":"demo"/,
         'the login is an audit event');

my $st = qx{"$demo" status 2>&1};
ok t_cmp($st, qr/the demo is running/, 'scripts/demo status');
$out = qx{"$demo" stop 2>&1};
$started = 0;
ok t_cmp(($? >> 8) . ' ' . $out, qr/^0 demo stopped/, 'scripts/demo stop');
