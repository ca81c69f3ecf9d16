# Request ids: on every response (errors too), handed to CGI, unique, and an
# incoming id kept only from a trusted source.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use SecCore qw(:all);
use SecTest qw(httpd_new httpd_start);
use IO::Socket::INET;

plan tests => 19, need_cgi;

my $id_re = qr/^[A-Za-z0-9_-]{22}$/;

my $ok = GET('/');
ok t_cmp($ok->header('X-Request-ID'), $id_re, '200 carries X-Request-ID');
my $nf = GET('/no/such/page');
ok t_cmp($nf->code, 404, '404');
ok t_cmp($nf->header('X-Request-ID'), $id_re, '404 carries X-Request-ID');
my $err = GET('/sectest/error?status=503&code=DOWN');
ok t_cmp($err->code, 503, 'the envelope 503');
ok t_cmp($err->header('X-Request-ID'), $id_re, 'envelope errors carry X-Request-ID');

my %seen;
$seen{ GET('/')->header('X-Request-ID') }++ for 1 .. 20;
ok t_cmp(scalar(keys %seen), 20, '20 requests, 20 different ids');

# The CGI sees the same id as the response header, and an untrusted
# client's X-Request-ID is replaced before the app sees it.
my $cgi = GET('/cgi-bin/env.cgi', 'X-Request-ID' => 'forged-by-client');
my $hdr = $cgi->header('X-Request-ID');
ok t_cmp($cgi->content, qr/^SECMODS_REQUEST_ID=\Q$hdr\E$/m, 'CGI gets SECMODS_REQUEST_ID');
ok t_cmp($cgi->content, qr/^HTTP_X_REQUEST_ID=\Q$hdr\E$/m, 'the request header is replaced');
ok $hdr ne 'forged-by-client' or print "# an untrusted incoming id was kept\n";

# vhost trustid trusts loopback: a valid incoming id is kept ...
my $t = GET(url('trustid', '/'), 'X-Request-ID' => 'lb-1234.abc:xyz');
ok t_cmp($t->header('X-Request-ID'), 'lb-1234.abc:xyz', 'a trusted proxy\'s id is kept');
# ... an invalid one (spaces, quotes, too long) is not
my $bad = GET(url('trustid', '/'), 'X-Request-ID' => 'has space "quoted"');
ok t_cmp($bad->header('X-Request-ID'), $id_re, 'a malformed trusted id is replaced');
my $long = GET(url('trustid', '/'), 'X-Request-ID' => 'a' x 200);
ok t_cmp($long->header('X-Request-ID'), $id_re, 'an over-long trusted id is replaced');
my $none = GET(url('trustid', '/'));
ok t_cmp($none->header('X-Request-ID'), $id_re, 'no incoming id: one is generated');
ok t_cmp(scalar(() = $ok->headers->header('X-Request-ID')), 1, 'exactly one X-Request-ID header');

# A malformed request is answered by httpd before any module's
# post_read_request hook: the 400 still carries an id.
{
    my $hp = Apache::TestRequest::hostport();
    my $sock = IO::Socket::INET->new(PeerAddr => $hp, Timeout => 10)
        or die "cannot connect to $hp: $!";
    print $sock "GET / HTTP/1.1\r\nHost: localhost\r\nthis is not a header\r\n\r\n";
    local $/;
    my $raw = <$sock> // '';
    close $sock;
    ok t_cmp($raw, qr{^HTTP/1\.1 400 }, 'a malformed header line is a 400');
    my ($rid) = $raw =~ /^X-Request-ID: (\S+)\r$/mi;
    ok t_cmp($rid, $id_re, 'the early 400 carries X-Request-ID');
}

# With mod_unique_id loaded its id is the request id, so the access log's
# %{UNIQUE_ID}e and the suite's events agree.
{
    my $h = httpd_new('uniqueid');
    httpd_start($h, modules => [qw(unique_id headers)], ours => [qw(seccore)], conf => <<"EOF");
SecStore shm
Header always set X-Unique "%{UNIQUE_ID}e"
EOF
    my $r = Apache::TestRequest::GET("$h->{base}/");
    my $u = $r->header('X-Unique');
    ok t_cmp($r->code, 404, 'the unique_id server answers');
    ok t_cmp($u // '', qr/^[A-Za-z0-9._:@+=-]{16,128}$/, 'mod_unique_id gave an id');
    ok t_cmp($r->header('X-Request-ID'), $u, "X-Request-ID is mod_unique_id's id");
}
