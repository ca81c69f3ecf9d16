# Behind a TLS-terminating proxy (ServerName https://...): the own origin
# has the https scheme, and the cookies are __Host- prefixed and Secure.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use HTTP::Request;
use LWP::UserAgent;
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 9;

my $page = url('csrfhttps', '/csrf/tok/index.html');
my ($hostport) = $page =~ m{^http://([^/]+)};
my $ua = LWP::UserAgent->new(timeout => 30);

sub post {
    my @h = @_;
    return $ua->request(HTTP::Request->new(POST => $page,
        ['Content-Type' => 'application/x-www-form-urlencoded', @h], 'a=1'));
}

my $res = $ua->get($page);
ok t_cmp($res->code, 200, 'GET');
my @sc = $res->header('Set-Cookie');
my ($pre) = grep { /^__Host-secmods-csrf=/ } @sc;
my ($js) = grep { /^__Host-csrf-token=/ } @sc;
ok t_cmp($pre // '', qr/^__Host-secmods-csrf=([A-Za-z0-9_-]{22}); Path=\/; Secure; HttpOnly; SameSite=Lax$/,
         'pre-session cookie: __Host-, Secure');
ok t_cmp($js // '', qr/^__Host-csrf-token=\S+; Path=\/; Secure; SameSite=Lax$/, 'token cookie: __Host-, Secure');
my ($pv) = ($pre // '') =~ /=([^;]+)/;
my ($tok) = ($js // '') =~ /=([^;]+)/;

ok t_cmp(post(Origin => "https://$hostport")->code, 200, 'the https origin is our own');
$res = post(Origin => "http://$hostport");
ok t_cmp($res->code, 403, 'the http origin is not');
ok t_cmp(envelope($res)->{reason}, 'bad-origin', 'bad-origin');
ok t_cmp(post(Referer => "https://$hostport/form")->code, 200, 'an https Referer of ours');
ok t_cmp(post('X-CSRF-Token' => $tok // '', Cookie => "__Host-secmods-csrf=$pv")->code, 200,
         'token with the prefixed cookie');
ok t_cmp(post('X-CSRF-Token' => $tok // '', Cookie => "secmods-csrf=$pv")->code, 403,
         'the unprefixed name is not our cookie on https');
