# AuthType SecHMAC: signed service-to-service requests. Valid, replayed,
# expired, future and badly signed requests, missing headers, origins, the
# body reaching the handler intact (urlencoded, JSON, chunked, large,
# empty), the body size limit, key ids, and secctl sign / openssl as
# callers' references.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request ();
use JSON::PP ();
use Digest::SHA qw(sha256_hex);
use File::Temp qw(tempfile);
use SecTest qw(:all);
use SecCore qw(:all);
use SecSession qw(:all);

plan tests => 54;

my $json = JSON::PP->new->utf8;
my $k1 = hmac_key('partner1');
my $k2 = hmac_key('partner2');
my $hook = url(undef, '/sess/hook/sess-echo.cgi');
my $c = api_client();

sub signed {
    my ($url, $body, %o) = @_;
    my $ts = $o{ts} // time;
    my @h = hmac_headers($o{key} // $k1, $ts, $o{sign} // $body, %o);
    push @h, 'X-Signature-Key' => $o{kid} if $o{kid};
    push @h, 'Content-Type' => $o{type} // 'application/json';
    push @h, @{ $o{headers} || [] };
    my $req = HTTP::Request->new($o{method} // 'POST', $url, [@h], $body);
    return $c->request($req);
}
sub echo_of {
    my %e = $_[0]->content =~ /^(\w+)=(.*)$/mg;
    return \%e;
}
sub code_of {
    my $doc = eval { $json->decode($_[0]->content) } // {};
    return $_[0]->code . ' ' . ($doc->{code} // '-');
}

# --- valid ---------------------------------------------------------------------------
my $body = '{"event":"invoice.paid","id":42}';
my $r = signed($hook, $body);
ok t_cmp($r->code, 200, 'a signed request is accepted');
my $e = echo_of($r);
ok t_cmp("$e->{user} $e->{auth_type} $e->{key_id}", 'partner1 SecHMAC partner1',
         'REMOTE_USER, AUTH_TYPE and SECSESSION_HMAC_KEY_ID name the key');
ok t_cmp($e->{body}, $body, 'the body reaches the handler intact');
ok t_cmp("$e->{content_length} $e->{sha256}", length($body) . ' ' . sha256_hex($body),
         '... with its length and digest');

# replayed
my $ts = time;
$r = signed($hook, '{"n":1}', ts => $ts);
ok t_cmp($r->code, 200, 'first use');
$r = signed($hook, '{"n":1}', ts => $ts);
ok t_cmp(code_of($r), '401 SIGNATURE_REPLAYED', 'the same signed request again: replay refused');
ok t_cmp($r->header('WWW-Authenticate'), 'SecHMAC', '... 401 with WWW-Authenticate: SecHMAC');
ok t_cmp(signed($hook, '{"n":2}', ts => $ts)->code, 200, 'the same second with another body: fine');

# the time window: 300 s back, 60 s ahead
ok t_cmp(code_of(signed($hook, 'a', ts => time - 400)), '401 TIMESTAMP_EXPIRED', 'older than 300 s: expired');
ok t_cmp(signed($hook, 'b', ts => time - 250)->code, 200, '250 s old: fine');
ok t_cmp(code_of(signed($hook, 'c', ts => time + 120)), '401 TIMESTAMP_FUTURE', '120 s ahead: future');
ok t_cmp(signed($hook, 'd', ts => time + 30)->code, 200, '30 s ahead: within the skew');
for my $bad ('abc', '-5', '1.5', '0x10', '17 00000000', '17000000001234') {
    ok t_cmp(code_of(signed($hook, 'e', ts => $bad, sign => 'e')), '401 TIMESTAMP_INVALID',
             "timestamp '$bad': invalid");
}

# missing headers
my $req = HTTP::Request->new(POST => $hook, ['Content-Type' => 'text/plain'], 'x');
ok t_cmp(code_of($c->request($req)), '401 SIGNATURE_MISSING', 'no signature headers: missing');
$req = HTTP::Request->new(POST => $hook, ['X-Signature' => 'abc'], 'x');
ok t_cmp(code_of($c->request($req)), '401 SIGNATURE_MISSING', 'no timestamp: missing');
$r = $c->request(HTTP::Request->new(POST => $hook, ['X-Timestamp' => time], 'x'));
my $doc = eval { $json->decode($r->content) } // {};
ok t_cmp($doc->{message}, 'The X-Signature and X-Timestamp headers are required.', '... the message names them');

# bad signatures
ok t_cmp(code_of(signed($hook, 'tampered body', sign => 'original body')), '401 SIGNATURE_INVALID',
         'a changed body: bad signature');
ok t_cmp(code_of(signed($hook, 'x', key => 'not-the-key')), '401 SIGNATURE_INVALID', 'another key: bad signature');
$req = HTTP::Request->new(POST => $hook, ['X-Timestamp' => time, 'X-Signature' => 'not base64!'], 'x');
ok t_cmp(code_of($c->request($req)), '401 SIGNATURE_INVALID', 'a malformed signature: bad signature');

# key ids
$r = signed($hook, 'k2', key => $k2);
ok t_cmp(echo_of($r)->{user}, 'partner2', 'without a key id, any key of the file (partner2, not current)');
ok t_cmp(signed($hook, 'k2b', key => $k2, kid => 'partner2')->code, 200, 'X-Signature-Key: partner2');
ok t_cmp(code_of(signed($hook, 'k2c', key => $k1, kid => 'partner2')), '401 SIGNATURE_INVALID',
         'the key id decides the key: partner1\'s signature under partner2 fails');
ok t_cmp(code_of(signed($hook, 'k2d', kid => 'nobody')), '401 SIGNATURE_INVALID', 'an unknown key id');
ok t_cmp(code_of(signed(url(undef, '/sess/hookone/sess-echo.cgi'), 'one', key => $k1)), '403 FORBIDDEN',
         'Require user partner2: partner1 is authenticated but not allowed (403)');
ok t_cmp(signed(url(undef, '/sess/hookone/sess-echo.cgi'), 'two', key => $k2)->code, 200,
         '... partner2 is');

# origins
my $oh = url(undef, '/sess/hookorigin/sess-echo.cgi');
ok t_cmp(code_of(signed($oh, 'o1')), '403 ORIGIN_NOT_ALLOWED', 'SecHMACAllowOrigin: no Origin, refused');
ok t_cmp(code_of(signed($oh, 'o2', headers => [Origin => 'https://evil.example'])), '403 ORIGIN_NOT_ALLOWED',
         '... another origin, refused');
ok t_cmp(signed($oh, 'o3', headers => [Origin => 'https://partner.example'])->code, 200, '... the listed one');

# --- the body reaches the handler intact ------------------------------------------------
my $form = 'a=1&b=%20two%20&c=%C3%A9';
$e = echo_of(signed($hook, $form, type => 'application/x-www-form-urlencoded'));
ok t_cmp("$e->{content_type}|$e->{body}", "application/x-www-form-urlencoded|$form", 'urlencoded form');
my $big = join '', map { chr(($_ * 7 + 3) % 256) } 1 .. 300_000;
$e = echo_of(signed($hook, $big, type => 'application/octet-stream'));
ok t_cmp("$e->{length} $e->{sha256}", length($big) . ' ' . sha256_hex($big), '300 KB of binary');
$e = echo_of(signed($hook, '', method => 'GET'));
ok t_cmp("$e->{method} $e->{length} $e->{user}", 'GET 0 partner1', 'an empty body signs "<ts>:"');
{
    my @chunks = ('{"part":', '1,"more":"', 'x' x 20000, '"}');
    my $whole = join '', @chunks;
    my $t = time;
    my @h = (hmac_headers($k1, $t, $whole), 'Content-Type' => 'application/json');
    my @left = @chunks;
    my $creq = HTTP::Request->new(POST => $hook, [@h], sub { shift @left // '' });
    my $cr = $c->request($creq);
    $e = echo_of($cr);
    ok t_cmp($cr->code, 200, 'a chunked body is verified');
    ok t_cmp("$e->{length} $e->{sha256}", length($whole) . ' ' . sha256_hex($whole),
             '... and reaches the handler whole');
    ok t_cmp($e->{content_length}, length($whole), '... with a Content-Length (de-chunked)');
}

# the size limit (SecHMACMaxBody 4K) and other header names
my $small = url(undef, '/sess/hooksmall/sess-echo.cgi');
my %names = (sig_header => 'X-Hub-Signature', ts_header => 'X-Hub-Time');
ok t_cmp(signed($small, 'y' x 4096, %names)->code, 200, '4 KiB with SecHMACMaxBody 4K, under X-Hub-* names');
ok t_cmp(code_of(signed($small, 'y' x 5000, %names)), '413 BODY_TOO_LARGE', '5000 bytes: 413');
{
    my @left = ('z' x 3000, 'z' x 3000);
    my @h = hmac_headers($k1, time, 'z' x 6000, %names);
    my $cr = $c->request(HTTP::Request->new(POST => $small, [@h], sub { shift @left // '' }));
    ok t_cmp(code_of($cr), '413 BODY_TOO_LARGE', '... also when chunked (no Content-Length to trust)');
}
ok t_cmp(code_of(signed($small, 'y')), '401 SIGNATURE_MISSING', 'the default names are not looked at there');

# --- callers' references: secctl sign, and openssl ------------------------------------------
my $secctl = File::Spec->catfile(build_dir(), 'secctl');
my $keyfile = File::Spec->catfile(Apache::Test::vars('serverroot'), 'conf', 'test-hmac.keys');
my ($bfh, $bfile) = tempfile(DIR => $ENV{SECMODS_STATE} || File::Spec->tmpdir, UNLINK => 1);
print $bfh '{"from":"secctl"}';
close $bfh;
my $out = qx{"$secctl" sign "$keyfile" "$bfile" 2>&1};
ok t_cmp($? >> 8, 0, 'secctl sign') or print "# $out";
my %sh = $out =~ /^([\w-]+): (\S+)$/mg;
ok t_cmp(join(',', sort keys %sh), 'X-Signature,X-Signature-Key,X-Timestamp', '... prints the three headers');
$r = $c->request(HTTP::Request->new(POST => $hook, [%sh, 'Content-Type' => 'application/json'],
                                    '{"from":"secctl"}'));
ok t_cmp($r->code, 200, '... which the server accepts');
$out = qx{"$secctl" sign "$keyfile" --id partner2 --timestamp 1700000000 < "$bfile" 2>&1};
my $osig = qx{printf '%s' '1700000000:{"from":"secctl"}' | openssl dgst -sha256 -hmac '$k2' -binary | base64};
chomp $osig;
ok t_cmp($out, qr/^X-Signature: \Q$osig\E$/m, 'secctl sign (stdin, --id, --timestamp) agrees with openssl');

# --- a compressed body under SetInputFilter DEFLATE ------------------------------------------------
{
    require IO::Compress::Gzip;
    my $plain = '{"event":"invoice.paid","lines":[' . join(',', (1) x 2000) . ']}';
    IO::Compress::Gzip::gzip(\$plain => \my $gz) or die "gzip failed";
    my $rz = signed(url(undef, '/sess/hookgz/sess-echo.cgi?eof=1'), $gz,
                    headers => ['Content-Encoding' => 'gzip']);
    ok t_cmp($rz->code, 200, 'a gzip body signed as sent is accepted under SetInputFilter DEFLATE');
    ok t_cmp(echo_of($rz)->{length}, length($plain), '... and the handler reads it inflated');
    ok t_cmp(echo_of($rz)->{sha256}, sha256_hex($plain), '... byte for byte');
}

# --- events and logs hold no signature ---------------------------------------------------------
my $mark = log_mark(events_file());
my @h = hmac_headers($k1, time, 'secret-body', );
$c->request(HTTP::Request->new(POST => $hook, [@h], 'other-body'));
my $ev = events_since($mark, event => 'hmac.deny');
ok t_cmp($ev && $ev->{reason}, 'bad-signature', 'hmac.deny event with the reason');
ok t_cmp(index(event_lines($mark), $h[3]), -1, '... and without the signature');
my $errlog = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
ok t_cmp(index(log_since($errlog, 0), $k1) + index(log_since($errlog, 0), $h[3]), -2,
         'neither key nor signature in the error log');
ok t_cmp(log_since($errlog, 0), qr/SEC05005: SecHMACKeyFile .*test-hmac\.keys is readable by group or others/,
         'the 0644 test HMAC key file is warned about at start');
