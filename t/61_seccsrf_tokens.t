# Tokens, for requests the headers can't vouch for (no Fetch Metadata, no
# Origin, no same-origin Referer): issued with a pre-session cookie, in the
# environment and a JavaScript-readable cookie; accepted from the header
# and from urlencoded and multipart fields; refused when forged, tampered
# with, unbound or replayed from another client; the documented format
# (computed here from the test keyring); key rotation; custom names;
# SecCSRFNoOrigin refuse.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Digest::SHA qw(sha256_hex);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 54;

my $echo = url(undef, '/cgi-bin/csrf-echo.cgi');
my $ev_mark = log_mark(events_file());

sub post {
    my ($ua, $u, $ctype, $body, @h) = @_;
    my $r = HTTP::Request->new(POST => $u, ['Content-Type' => $ctype, @h], $body);
    return $ua->request($r);
}

# A first visit: the pre-session cookie, the JS cookie and the variables.
my $alice = browser();
my $res = $alice->get($echo);
ok t_cmp($res->code, 200, 'GET issues a token');
my @sc = $res->header('Set-Cookie');
my ($pre) = grep { /^secmods-csrf=/ } @sc;
my ($js) = grep { /^csrf-token=/ } @sc;
ok t_cmp($pre // '', qr/^secmods-csrf=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Lax$/,
         'pre-session cookie: HttpOnly, SameSite=Lax, Path=/');
ok t_cmp($js // '', qr/^csrf-token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Path=\/; SameSite=Lax$/,
         'token cookie: readable by scripts (no HttpOnly)');
my $f = echo_fields($res->content);
ok t_cmp($f->{token}, qr/^t2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, 'SECMODS_CSRF_TOKEN, signed with the current key');
ok t_cmp($f->{field}, '_csrf', 'SECMODS_CSRF_FIELD');
ok t_cmp($f->{header}, 'X-CSRF-Token', 'SECMODS_CSRF_HEADER');
ok t_cmp($res->header('Vary') // '', qr/\bCookie\b/, 'Vary: Cookie');
my $token = $f->{token};
ok t_cmp(cookie_value($alice, 'csrf-token'), $token, 'the cookie carries the same token');

# static files other than HTML get nothing (no cookie, no Vary: Cookie)
my $asset = browser()->get(url(undef, '/csrf/tok/asset.txt'));
ok t_cmp(scalar(() = $asset->header('Set-Cookie')), 0, 'no cookies on a static non-HTML file');
ok t_cmp($asset->header('Vary') // '', qr/^(?!.*Cookie)/, 'and no Vary: Cookie');

# a second visit: cookies kept, a fresh token that is just as valid
$res = $alice->get($echo);
@sc = $res->header('Set-Cookie');
ok t_cmp(scalar(@sc), 0, 'no new cookies while they are valid');
my $token2 = echo_fields($res->content)->{token};
ok $token2 ne $token or print "# the token should be fresh per response\n";

# accepted from the header, the urlencoded field and the multipart field
my $body = "message=hello&_csrf=x";
$res = post($alice, $echo, 'application/x-www-form-urlencoded', $body, 'X-CSRF-Token' => $token);
ok t_cmp($res->code, 200, 'token in the header');
ok t_cmp($res->header('Vary') // '', qr/\bX-CSRF-Token\b.*\bCookie\b|\bCookie\b.*\bX-CSRF-Token\b/,
         'a response the token decided varies on the token header and Cookie');
$f = echo_fields($res->content);
ok t_cmp($f->{sha256}, sha256_hex($body), 'body intact');
$body = "_csrf=$token2&message=hello+world";
$res = post($alice, $echo, 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 200, 'token in an urlencoded field');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex($body), 'body intact');
ok t_cmp(echo_fields($res->content)->{content_length}, length $body, 'CONTENT_LENGTH unchanged');
my ($ct, $mp) = multipart([message => 'hi'], [_csrf => $token], [file => "bin\0ary\r\n--x", 'a.bin']);
$res = post($alice, $echo, $ct, $mp);
ok t_cmp($res->code, 200, 'token in a multipart field');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex($mp), 'multipart body intact');
$body = "message=a&_csrf=" . join('', map { sprintf '%%%02X', ord } split //, $token);
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', $body)->code, 200,
         'a percent-encoded token is decoded');
# double submit: the JavaScript cookie's value sent back in the header
ok t_cmp(post($alice, $echo, 'application/json', '{"a":1}',
              'X-CSRF-Token' => cookie_value($alice, 'csrf-token'))->code, 200,
         'double submit from the cookie (any body type)');

# refused: missing, forged, tampered, unbound, replayed across clients
$res = post($alice, $echo, 'application/x-www-form-urlencoded', 'message=hello');
ok t_cmp($res->code, 403, 'no token');
ok t_cmp(envelope($res)->{reason}, 'missing-token', 'missing-token');
ok t_cmp(post($alice, $echo, 'text/plain', "_csrf=$token")->code, 403,
         'a text/plain body is not a form');
(my $tampered = $token) =~ s/(.)$/$1 eq 'A' ? 'B' : 'A'/e;
$res = post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => $tampered);
ok t_cmp($res->code, 403, 'tampered token');
ok t_cmp(envelope($res)->{reason}, 'bad-token', 'bad-token');
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => 'garbage')->code,
         403, 'garbage token');
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => 'x' x 4000)->code,
         403, 'huge token: refused, not a 500');
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', "_csrf=" . ('A' x 300000))->code,
         403, 'huge field value');

my $mallory = browser();
$mallory->get($echo);
my $mallory_token = cookie_value($mallory, 'csrf-token');
$res = post($alice, $echo, 'application/x-www-form-urlencoded', "_csrf=$mallory_token");
ok t_cmp($res->code, 403, "another client's token is refused (bound to its pre-session cookie)");
ok t_cmp(envelope($res)->{reason}, 'bad-token', 'bad-token');
$res = post(browser(), $echo, 'application/x-www-form-urlencoded', "_csrf=$token");
ok t_cmp($res->code, 403, 'a token without its cookie');

# the pre-session cookie twice (one planted by a sibling domain)
my $pre_value = cookie_value($alice, 'secmods-csrf');
my $plain = LWP::UserAgent->new(timeout => 30);
$res = $plain->request(HTTP::Request->new(POST => $echo,
    ['Content-Type' => 'application/x-www-form-urlencoded',
     Cookie => "secmods-csrf=$pre_value; secmods-csrf=AAAAAAAAAAAAAAAAAAAAAA", 'X-CSRF-Token' => $token], 'a=1'));
ok t_cmp($res->code, 403, 'two pre-session cookies: neither is trusted');
$res = $plain->request(HTTP::Request->new(POST => $echo,
    ['Content-Type' => 'application/x-www-form-urlencoded', Cookie => "secmods-csrf=$pre_value",
     'X-CSRF-Token' => $token], 'a=1'));
ok t_cmp($res->code, 200, 'the same cookie once: accepted');

# the documented format, computed from the test keyring
my $binding = "p:$pre_value";
my $t1 = make_token('t1', test_key('t1'), $binding);
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => $t1)->code,
         200, 'a token of the older key t1 (still in the file) is valid');
my $t2 = make_token('t2', test_key('t2'), $binding);
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => $t2)->code,
         200, 'the format as documented');
my $wrong = make_token('t2', test_key('t2'), "s:$pre_value");
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => $wrong)->code,
         403, 'the same value bound as a session is another binding');
my $unknown = make_token('t9', test_key('t2'), $binding);
ok t_cmp(post($alice, $echo, 'application/x-www-form-urlencoded', 'a=1', 'X-CSRF-Token' => $unknown)->code,
         403, 'unknown key id');

# the events say why, and never carry a token or cookie
my @ev;
wait_for(5, sub { @ev = csrf_events($ev_mark); @ev >= 10 });
my %detail = map { ($_->{detail} // '') => 1 } @ev;
ok $detail{mismatch} or print "# details: @{[sort keys %detail]}\n";
ok $detail{unbound} or print "# no 'unbound' detail\n";
ok $detail{'duplicate-cookie'} or print "# no 'duplicate-cookie' detail\n";
ok $detail{malformed} or print "# no 'malformed' detail\n";
ok $detail{'unknown-key'} or print "# no 'unknown-key' detail\n";
my %via = map { ($_->{via} // '') => 1 } @ev;
ok $via{header} && $via{field} or print "# via: @{[sort keys %via]}\n";
my $text = log_since(events_file(), $ev_mark);
my $leak = grep { index($text, $_) >= 0 } $token, $token2, $mallory_token, $pre_value, $tampered;
ok t_cmp($leak, 0, 'no token or cookie value in the events');
my $errs = log_since(File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log'), 0);
$leak = grep { index($errs, $_) >= 0 } $token, $token2, $mallory_token, $pre_value;
ok t_cmp($leak, 0, 'none in the error log');

# custom header and field names
my $bob = browser();
$res = $bob->get("$echo/names");
$f = echo_fields($res->content);
ok t_cmp($f->{field}, 'app_token', 'SECMODS_CSRF_FIELD follows SecCSRFTokenField');
ok t_cmp(post($bob, "$echo/names", 'application/x-www-form-urlencoded', 'a=1', 'X-App-Token' => $f->{token})->code,
         200, 'custom header');
ok t_cmp(post($bob, "$echo/names", 'application/x-www-form-urlencoded', "app_token=$f->{token}")->code,
         200, 'custom field');
ok t_cmp(post($bob, "$echo/names", 'application/x-www-form-urlencoded', "_csrf=$f->{token}")->code,
         403, 'the default field is not looked at');

# SecCSRFNoOrigin refuse: no token helps without an origin
my $carol = browser();
$carol->get(url(undef, '/csrf/strict/index.html'));
my $ct2 = cookie_value($carol, 'csrf-token');
$res = post($carol, url(undef, '/csrf/strict/index.html'), 'application/x-www-form-urlencoded', 'a=1',
            'X-CSRF-Token' => $ct2);
ok t_cmp($res->code, 403, 'refused without an origin, token or not');
ok t_cmp(envelope($res)->{reason}, 'no-origin', 'no-origin');
ok t_cmp(post($carol, url(undef, '/csrf/strict/index.html'), 'application/x-www-form-urlencoded', 'a=1',
              Origin => self_origin())->code, 200, 'with its own Origin it passes');
