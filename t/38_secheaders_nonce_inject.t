# SecCSPNonceInject: the request's nonce added to every <script> start tag
# of text/html responses, byte for byte otherwise (comments, attribute
# values, script contents untouched; an existing nonce kept); tags split
# across CGI writes; text/plain and compressed responses left alone.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok need_cgi);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp t_catfile);
use SecTest qw(:all);

plan tests => 16, need_cgi;

sub slurp {
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!";
    binmode $fh;
    local $/;
    return scalar <$fh>;
}
sub nonce_of {
    my ($n) = (shift // '') =~ /script-src 'self' 'nonce-([A-Za-z0-9_-]+)'/;
    return $n;
}
my $dir = t_catfile(Apache::Test::vars('documentroot'), 'hdr', 'nonce', 'inject');
my $page = slurp("$dir/page.html");

{
    my $res = GET('/hdr/nonce/inject/page.html');
    ok t_cmp($res->code, 200, 'page: 200');
    my $n = nonce_of($res->header('Content-Security-Policy'));
    ok defined $n or print "# no nonce in the CSP\n";
    (my $want = $page) =~ s/<script src="\/app.js">/<script src="\/app.js" nonce="$n">/;
    $want =~ s/<SCRIPT type="module">/<SCRIPT type="module" nonce="$n">/;
    $want =~ s/<script>\nvar s/<script nonce="$n">\nvar s/;
    ok t_cmp($res->content, $want, 'exactly the start tags gained the nonce');
    ok t_cmp(scalar(() = $res->content =~ /nonce="\Q$n\E"/g), 3, 'three tags');
    ok t_cmp($res->content, qr/<script nonce="already">x\(\)<\/script>/, 'an existing nonce is kept');
    ok t_cmp($res->content, qr/<!-- <script>not a tag<\/script> -->/, 'comments untouched');
    ok !defined $res->header('Content-Length') || $res->header('Content-Length') == length($res->content)
        or print "# stale Content-Length\n";
    ok !defined $res->header('ETag') or print "# ETag of the original bytes\n";
    my $n2 = nonce_of(GET('/hdr/nonce/inject/page.html')->header('Content-Security-Policy'));
    ok $n2 && $n2 ne $n or print "# the nonce repeated\n";
}
# a CGI whose tag is split across writes
{
    my $res = GET('/cgi-bin/hdr-inject.cgi');
    my $n = nonce_of($res->header('Content-Security-Policy'));
    ok t_cmp($res->content,
             qq{<html><head><script src="/a.js" nonce="$n"></script><script nonce="$n">inline()</script>\n}
             . qq{</head><body>done</body></html>\n},
             'CGI output: both tags, one of them split across writes');
}
# left alone
{
    my $res = GET('/hdr/nonce/inject/plain.txt');
    ok t_cmp($res->content, slurp("$dir/plain.txt"), 'text/plain unchanged');
    ok defined nonce_of($res->header('Content-Security-Policy')) or print "# no CSP nonce\n";
    my $log = File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log');
    my $mark = log_mark($log);
    $res = GET('/hdr/nonce/inject/comp.html.gz', 'Accept-Encoding' => 'gzip');
    ok t_cmp($res->header('Content-Encoding'), 'gzip', 'a compressed response');
    ok t_cmp($res->content, slurp("$dir/comp.html.gz"), 'passed through byte for byte');
    ok wait_for_log($log, $mark, qr/SEC03040: SecCSPNonceInject: response is gzip-encoded/)
        or print "# no debug line for the skipped response\n";
    $res = Apache::TestRequest::HEAD('/hdr/nonce/inject/page.html');
    ok t_cmp($res->code, 200, 'HEAD: 200');
}
