# mod_seccsrf without mod_secsession: a server of the test's own that loads
# only mod_seccore and mod_seccsrf says at start-up what tokens bind to,
# injects tokens bound to the pre-session cookie into a legacy form, and
# lets a form post through with its token only -- not without one, nor with
# another browser's.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use MIME::Base64 qw(decode_base64url);
use SecTest qw(:all);
use SecCsrf qw(browser envelope test_key make_token cookie_value);

plan tests => 10;

my $h = httpd_new('csrf-alone');
my $conf_dir = File::Spec->catdir(Apache::Test::vars('serverroot'), 'conf');
mkdir "$h->{dir}/htdocs" or die $!;
open my $fh, '>', "$h->{dir}/htdocs/form.html" or die $!;
print $fh "<html><body><FORM method=post action=/form.html><input name=a></FORM></body></html>\n";
close $fh;
httpd_start($h, modules => [qw(mime)], ours => [qw(seccore seccsrf)], conf => <<"EOF");
LogLevel debug
TypesConfig /etc/mime.types
DocumentRoot "$h->{dir}/htdocs"
SecStore shm size=4M
SecKeyFile "$conf_dir/test.keys"
<Location />
    Require all granted
    SecCSRF on
    SecCSRFToken on
    SecCSRFInjectForms on
</Location>
EOF
my $page = "$h->{base}/form.html";

ok wait_for(10, sub { browser()->get($page)->code == 200 }) or print "# the server does not answer\n";
ok t_cmp(log_since("$h->{dir}/error_log", 0),
         qr/SEC06013: mod_seccsrf: tokens bind to the pre-session cookie \(mod_secsession is not loaded\)/,
         'at start-up it says what tokens bind to');

my $ua = browser();
my $res = $ua->get($page);
my ($token) = $res->content =~ /<input type="hidden" name="_csrf" value="([^"]+)">/;
ok t_cmp($token // '', qr/^t2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, 'a token field in the legacy form');
my $pre = cookie_value($ua, 'secmods-csrf');
my ($id, $random) = split /\./, $token // '';
ok t_cmp(make_token($id, test_key($id), "p:" . ($pre // ''), decode_base64url($random // '')),
         $token, 'bound to the pre-session cookie');

sub form_post {
    my ($client, $body) = @_;
    return $client->request(HTTP::Request->new(
        POST => $page, ['Content-Type' => 'application/x-www-form-urlencoded'], $body));
}
ok t_cmp(form_post($ua, "a=1&_csrf=$token")->code, 200, 'the form posts with its token');
$res = form_post($ua, 'a=1');
ok t_cmp($res->code, 403, 'without the token it is refused');
ok t_cmp(envelope($res)->{code}, 'CSRF', '... with the CSRF envelope');
my $other = browser();
$other->get($page);
ok t_cmp(form_post($other, "a=1&_csrf=$token")->code, 403, "another browser can't use it");
ok t_cmp(form_post($ua, "a=1&_csrf=$token")->code, 200, 'it is still good where it belongs');
my $log = log_since("$h->{dir}/error_log", 0);
ok t_cmp(scalar(grep { index($_, $token) >= 0 } split /\n/, $log), 0, 'the token is not in the error log');
