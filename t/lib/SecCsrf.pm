# Helpers for the mod_seccsrf tests: the server's own origin, clients with
# their own cookie jars (a "browser" each), form bodies, the echo script's
# answer, raw requests (chunked bodies), tokens computed from the test
# keyring as docs/seccsrf.md describes them, and the events of a run.
package SecCsrf;
use strict;
use warnings;

use Apache::Test ();
use Apache::TestRequest ();
use Digest::SHA qw(hmac_sha256 sha256_hex);
use HTTP::Cookies;
use HTTP::Request;
use IO::Select;
use IO::Socket::INET;
use JSON::PP ();
use LWP::UserAgent;
use MIME::Base64 qw(encode_base64url decode_base64url);
use Time::HiRes qw(time);
use Exporter 'import';
use SecCore qw(url events_file);
use SecTest qw(log_since);

our @EXPORT_OK = qw(self_origin browser echo_fields multipart csrf_events envelope
                    raw_request test_key make_token cookie_value);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $json = JSON::PP->new->utf8;

sub self_origin { 'http://' . Apache::TestRequest::hostport(Apache::Test::config()) }

# A client with a cookie jar of its own, as one browser (one user) would be.
sub browser {
    my $ua = LWP::UserAgent->new(cookie_jar => HTTP::Cookies->new, keep_alive => 1,
                                 timeout => 30, max_redirect => 0);
    return $ua;
}

# The echo script's "name=value" lines.
sub echo_fields {
    my $text = shift // '';
    my %f = $text =~ /^(\w+)=(.*)$/mg;
    return \%f;
}

# ($content_type, $body) of a multipart/form-data body from [name, value,
# filename] triples, in order.
sub multipart {
    my @parts = @_;
    my $b = '----secmodsTestBoundary7MA4YWxkTrZu0gW';
    my $body = '';
    for my $p (@parts) {
        my ($name, $value, $file) = @$p;
        $body .= "--$b\r\nContent-Disposition: form-data; name=\"$name\""
              . (defined $file ? "; filename=\"$file\"\r\nContent-Type: application/octet-stream" : '')
              . "\r\n\r\n$value\r\n";
    }
    $body .= "--$b--\r\n";
    return ("multipart/form-data; boundary=$b", $body);
}

# The seccsrf events written since $mark, decoded.
sub csrf_events {
    my $mark = shift;
    my @ev;
    for my $line (split /\n/, log_since(events_file(), $mark)) {
        next unless $line =~ /"module":"seccsrf"/;
        my $e = eval { $json->decode($line) } or die "event not JSON: $line\n";
        push @ev, $e;
    }
    return @ev;
}

sub envelope {
    my $res = shift;
    return eval { $json->decode($res->content) } || {};
}

# One request over a fresh connection, written as given (for chunked or
# broken framing). Returns (status, headers text, body).
sub raw_request {
    my ($request) = @_;
    my ($host, $port) = split /:/, Apache::TestRequest::hostport(Apache::Test::config());
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10)
        or die "connect: $!";
    binmode $s;
    my $off = 0;
    while ($off < length $request) {
        my $n = syswrite($s, $request, 65536, $off);
        die "write: $!" unless defined $n;
        $off += $n;
    }
    my ($resp, $sel, $deadline) = ('', IO::Select->new($s), time + 30);
    while (time < $deadline) {
        last unless $sel->can_read($deadline - time);
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $resp .= $buf;
    }
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.\d (\d{3})};
    if (($head // '') =~ /^Transfer-Encoding:\s*chunked/mi) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    return ($status // 0, $head // '', $body // '');
}

# The keys of t/conf/test.keys: id => raw secret.
sub test_key {
    my $id = shift;
    my $file = File::Spec->catfile(Apache::Test::vars('t_conf'), 'test.keys');
    open my $fh, '<', $file or die "$file: $!";
    while (<$fh>) {
        return decode_base64url($1) if /^key\s+\Q$id\E\s+(\S+)/;
    }
    die "no key $id in $file\n";
}

# A token as docs/seccsrf.md specifies: id "." b64u(random) "." b64u(HMAC-SHA256(
# HMAC-SHA256(master, "secmods/csrf-token"), "secmods-csrf-v1\0" binding "\0" random)).
sub make_token {
    my ($id, $master, $binding, $random) = @_;
    $random //= join '', map { chr int rand 256 } 1 .. 16;
    my $k = hmac_sha256('secmods/csrf-token', $master);
    my $mac = hmac_sha256("secmods-csrf-v1\0$binding\0$random", $k);
    return join '.', $id, encode_base64url($random), encode_base64url($mac);
}

# The value of a cookie in a client's jar.
sub cookie_value {
    my ($ua, $name) = @_;
    my $v;
    $ua->cookie_jar->scan(sub { $v = $_[2] if $_[1] eq $name });
    return $v;
}

1;
