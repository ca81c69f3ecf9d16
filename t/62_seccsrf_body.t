# Reading the body for the token field leaves it intact for the
# application: large urlencoded and multipart bodies, uploads far beyond
# SecCSRFBodyLimit with the token first, the field beyond the limit,
# chunked bodies (given a Content-Length when read whole), an internal
# redirect after the body was read, and broken framing (400, not 500).
# PHP (php-cgi) sees the same $_POST and $_FILES as without the module.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Digest::SHA qw(sha256_hex sha1_hex);
use HTTP::Request;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 36;

my $echo = url(undef, '/cgi-bin/csrf-echo.cgi');
my $ua = browser();
$ua->get($echo);
my $token = cookie_value($ua, 'csrf-token');
my $pre = cookie_value($ua, 'secmods-csrf');
my ($host) = Apache::TestRequest::hostport(Apache::Test::config());

sub post {
    my ($u, $ctype, $body, @h) = @_;
    return $ua->request(HTTP::Request->new(POST => $u, ['Content-Type' => $ctype, @h], $body));
}

sub chunked {
    my ($path, $ctype, $body, $size, %opt) = @_;
    my $req = "POST $path HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n"
            . "Content-Type: $ctype\r\nCookie: secmods-csrf=$pre\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (my $i = 0; $i < length $body; $i += $size) {
        my $c = substr($body, $i, $size);
        $req .= sprintf("%x\r\n", length $c) . "$c\r\n";
    }
    $req .= $opt{broken} ? "zz\r\n" : "0\r\n\r\n";
    return raw_request($req);
}

my $filler = join '', map { chr(65 + $_ % 26) } 0 .. 299_999;      # 300 KB of text

# urlencoded, the field first and last
my $body = "_csrf=$token&text=$filler";
my $res = post($echo, 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 200, '300 KB urlencoded, token first');
my $f = echo_fields($res->content);
ok t_cmp($f->{length}, length $body, 'every byte arrived');
ok t_cmp($f->{sha256}, sha256_hex($body), 'unchanged');
$body = "text=$filler&_csrf=$token";
$res = post($echo, 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 200, '300 KB urlencoded, token last (within the 1M limit)');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex($body), 'unchanged');

# SecCSRFBodyLimit 4K: the field must come within the first 4K bytes
$res = post("$echo/small", 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 403, 'token beyond the limit: not found');
ok t_cmp(envelope($res)->{reason}, 'missing-token', 'missing-token');
$body = "_csrf=$token&text=$filler";
$res = post("$echo/small", 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 200, 'token first: the rest streams past the limit');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex($body), 'unchanged');

# a 3 MB upload after the token (beyond the 1M limit) and before it
my $file = join '', map { chr($_ % 256) } 0 .. 3 * 1024 * 1024;
my ($ct, $mp) = multipart([_csrf => $token], [title => 'a file'], [upload => $file, 'big.bin']);
$res = post($echo, $ct, $mp);
ok t_cmp($res->code, 200, '3 MB multipart upload, token first');
$f = echo_fields($res->content);
ok t_cmp($f->{length}, length $mp, 'every byte arrived');
ok t_cmp($f->{sha256}, sha256_hex($mp), 'unchanged');
($ct, $mp) = multipart([upload => $file, 'big.bin'], [_csrf => $token]);
$res = post($echo, $ct, $mp);
ok t_cmp($res->code, 403, 'token after 3 MB: beyond the limit');
($ct, $mp) = multipart([upload => substr($file, 0, 200_000), 'small.bin'], [_csrf => $token]);
$res = post($echo, $ct, $mp);
ok t_cmp($res->code, 200, 'token after a 200 KB file: within the limit');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex($mp), 'unchanged');

# chunked: read to its end, the application gets a Content-Length
$body = "message=chunked+hello&more=" . substr($filler, 0, 50_000) . "&_csrf=$token";
my ($st, $head, $out) = chunked('/cgi-bin/csrf-echo.cgi', 'application/x-www-form-urlencoded', $body, 1000);
ok t_cmp($st, 200, 'chunked body with the token');
$f = echo_fields($out);
ok t_cmp($f->{sha256}, sha256_hex($body), 'unchanged');
ok t_cmp($f->{content_length}, length $body, 'handed on with a Content-Length');
ok t_cmp($f->{transfer_encoding}, '-', 'and without Transfer-Encoding');
# chunked and large, token first: the rest streams, still chunked
($ct, $mp) = multipart([_csrf => $token], [upload => $file, 'big.bin']);
($st, $head, $out) = chunked('/cgi-bin/csrf-echo.cgi', $ct, $mp, 65536);
ok t_cmp($st, 200, 'chunked 3 MB upload');
$f = echo_fields($out);
ok t_cmp($f->{sha256}, sha256_hex($mp), 'unchanged');
ok t_cmp($f->{content_length}, '-', 'the rest was streamed: no length known');
# chunked without the token, and broken chunking
($st) = chunked('/cgi-bin/csrf-echo.cgi', 'application/x-www-form-urlencoded', 'a=1&b=2', 3);
ok t_cmp($st, 403, 'chunked, no token');
($st) = chunked('/cgi-bin/csrf-echo.cgi', 'application/x-www-form-urlencoded', "a=1&_csrf=$token", 5,
                broken => 1);
ok t_cmp($st, 400, 'broken chunked framing: 400, not 500');

# an internal redirect after the body was read (mod_rewrite in /csrf/rw)
$body = "_csrf=$token&message=" . substr($filler, 0, 20_000);
$res = post(url(undef, '/csrf/rw/go'), 'application/x-www-form-urlencoded', $body);
ok t_cmp($res->code, 200, 'checked before an internal redirect');
$f = echo_fields($res->content);
ok t_cmp($f->{sha256}, sha256_hex($body), 'the redirected request gets the body');
ok t_cmp($f->{redirect_token}, qr/^t2\./, 'and the token variable (as REDIRECT_)');
ok t_cmp($f->{token}, qr/^t2\./, 'and its own');

# the body of a request the headers vouch for is never read ahead
$res = post($echo, 'application/x-www-form-urlencoded', "message=x", Origin => self_origin());
ok t_cmp($res->code, 200, 'same-origin: no token needed');
ok t_cmp(echo_fields($res->content)->{sha256}, sha256_hex("message=x"), 'body intact');

# PHP parses what mod_seccsrf read ahead: $_POST and $_FILES as sent.
my $php = url(undef, '/cgi-bin/csrf-php.php');
$res = post($php, 'application/x-www-form-urlencoded', "_csrf=$token&message=hello+PHP&n=%C3%A9");
ok t_cmp($res->code, 200, 'PHP: an urlencoded post with its token');
ok t_cmp($res->content, qr/^post\.message=hello PHP$/m, "PHP: \$_POST['message'] as sent");
ok t_cmp($res->content, qr/^post\.n=\x{c3}\x{a9}$/m, "PHP: percent-encoded bytes decoded by PHP");
my $upload = join '', map { chr(($_ * 7) % 256) } 0 .. 200_000;
my ($mct, $mbody) = multipart(['_csrf', $token], ['title', 'a file'], ['doc', $upload, 'doc.bin']);
$res = post($php, $mct, $mbody);
ok t_cmp($res->code, 200, 'PHP: a multipart upload with its token');
ok t_cmp($res->content, qr/^post\.title=a file$/m, "PHP: \$_POST['title']");
ok t_cmp($res->content, qr/^file\.doc\.sha1=@{[sha1_hex($upload)]}$/m,
         "PHP: \$_FILES['doc'] byte for byte");
