# mod_seccsrf without mod_secsession: a server of the test's own that loads
# only mod_seccore and mod_seccsrf says at start-up what tokens bind to,
# injects tokens bound to the pre-session cookie into a legacy form, and
# lets a form post through with its token only -- not without one, nor with
# another browser's. Every layer of the decision (Fetch Metadata, Origin,
# Referer, token from a multipart body), report mode, exemptions and Vary
# behave as they do beside mod_secsession.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use MIME::Base64 qw(decode_base64url);
use SecTest qw(:all);
use SecCsrf qw(browser envelope test_key make_token cookie_value multipart);
use JSON::PP ();

plan tests => 27;

my $h = httpd_new('csrf-alone');
my $conf_dir = File::Spec->catdir(Apache::Test::vars('serverroot'), 'conf');
mkdir "$h->{dir}/htdocs" or die $!;
mkdir "$h->{dir}/htdocs/$_" or die $! for qw(report hook);
for my $f ('report/x.html', 'hook/x.html') {
    open my $fh, '>', "$h->{dir}/htdocs/$f" or die $!;
    print $fh "ok\n";
    close $fh;
}
open my $fh, '>', "$h->{dir}/htdocs/form.html" or die $!;
print $fh "<html><body><FORM method=post action=/form.html><input name=a></FORM></body></html>\n";
close $fh;
httpd_start($h, modules => [qw(mime)], ours => [qw(seccore seccsrf)], conf => <<"EOF");
LogLevel debug
TypesConfig /etc/mime.types
DocumentRoot "$h->{dir}/htdocs"
SecStore shm size=4M
SecKeyFile "$conf_dir/test.keys"
SecEventLog "$h->{dir}/events.log"
<Location />
    Require all granted
    SecCSRF on
    SecCSRFToken on
    SecCSRFInjectForms on
</Location>
<Location /report>
    SecCSRF report
</Location>
<Location /hook>
    SecCSRFExempt "%{HTTP:X-Hub-Signature-256} =~ /^sha256=[0-9a-f]{64}\$/"
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

# --- the layers, without a session module ------------------------------------
my $json = JSON::PP->new;
sub post_with {
    my ($path, @headers) = @_;
    return browser()->request(HTTP::Request->new(
        POST => "$h->{base}$path",
        ['Content-Type' => 'application/x-www-form-urlencoded', @headers], 'a=1'));
}
my $self = $h->{base};
my %cases = (
    'Sec-Fetch-Site same-origin'            => [200, 'Sec-Fetch-Site' => 'same-origin'],
    'Sec-Fetch-Site none'                   => [200, 'Sec-Fetch-Site' => 'none'],
    'Sec-Fetch-Site cross-site'             => [403, 'Sec-Fetch-Site' => 'cross-site', Origin => $self],
    'Sec-Fetch-Site same-site'              => [403, 'Sec-Fetch-Site' => 'same-site'],
    'its own Origin'                        => [200, Origin => $self],
    'Origin: null'                          => [403, Origin => 'null'],
    'another Origin'                        => [403, Origin => 'http://evil.example'],
    'a same-origin Referer'                 => [200, Referer => "$self/form.html"],
    'a Referer from elsewhere'              => [403, Referer => 'http://evil.example/x'],
);
for my $what (sort keys %cases) {
    my ($want, @hdr) = @{ $cases{$what} };
    ok t_cmp(post_with('/form.html', @hdr)->code, $want, "no session module: $what -> $want");
}
my $vary = post_with('/form.html', 'Sec-Fetch-Site' => 'cross-site');
ok t_cmp($vary->header('Vary') // '', qr/Sec-Fetch-Site/, 'the refusal varies on Sec-Fetch-Site');

# the token in a multipart body
my ($ct, $body) = multipart(['a', '1'], ['_csrf', $token], ['f', "bytes\0", 'f.bin']);
$res = $ua->request(HTTP::Request->new(POST => $page, ['Content-Type' => $ct], $body));
ok t_cmp($res->code, 200, 'a multipart post with its token field passes');
($ct, $body) = multipart(['a', '1'], ['_csrf', 'x' . $token]);
$res = $ua->request(HTTP::Request->new(POST => $page, ['Content-Type' => $ct], $body));
ok t_cmp($res->code, 403, 'a multipart post with a mangled token is refused');
ok t_cmp(envelope($res)->{reason}, 'bad-token', '... as bad-token');

# report mode lets it through and says so; an exempt request needs nothing
my $mark = log_mark("$h->{dir}/events.log");
ok t_cmp(post_with('/report/x.html', 'Sec-Fetch-Site' => 'cross-site')->code, 200,
         'report mode: a cross-site post goes through');
my $text = wait_for_log("$h->{dir}/events.log", $mark, qr/csrf\.report/) // '';
my ($ev) = map { eval { $json->decode($_) } || () } grep { /csrf\.report/ } split /\n/, $text;
ok t_cmp($ev->{reason} // '', 'cross-site', '... and writes a csrf.report event with the reason');
ok t_cmp(post_with('/hook/x.html', 'Sec-Fetch-Site' => 'cross-site',
                   'X-Hub-Signature-256' => 'sha256=' . ('ab' x 32))->code, 200,
         'an exempt webhook post passes');
ok t_cmp(post_with('/hook/x.html', 'Sec-Fetch-Site' => 'cross-site',
                   'X-Hub-Signature-256' => 'sha256=nothex')->code, 403,
         '... a look-alike that does not match the exemption does not');
