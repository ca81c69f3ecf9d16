# The error envelope: JSON for API clients, HTML for browsers, with the
# request id, extra fields, and headers that keep it out of caches.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();

plan tests => 22;

my $json = JSON::PP->new->utf8;

# JSON for an API client
{
    my $res = GET('/sectest/error?status=429', Accept => 'application/json');
    ok t_cmp($res->code, 429, '429');
    ok t_cmp($res->header('Content-Type'), qr{^application/json}, 'JSON content type');
    my $b = eval { $json->decode($res->content) } || {};
    ok t_cmp($b->{error}, 'Too Many Requests', 'error');
    ok t_cmp($b->{message}, 'Rate limit exceeded. Try again in 45 seconds.', 'message');
    ok t_cmp($b->{code}, 'RATE_LIMITED', 'code');
    ok t_cmp($b->{status}, 429, 'status');
    ok t_cmp($b->{retryAfter}, 45, 'extra field retryAfter');
    ok t_cmp($b->{requestId}, $res->header('X-Request-ID'), 'requestId matches the header');
    ok t_cmp($res->header('Retry-After'), 45, 'Retry-After header');
    ok t_cmp($res->header('Cache-Control'), 'no-store', 'Cache-Control: no-store');
    ok t_cmp($res->header('Vary'), qr/Accept/, 'Vary: Accept');
}

# curl's */* and no Accept at all get JSON too
for my $accept ('*/*', undef) {
    my $res = GET('/sectest/error?status=401&code=UNAUTHORIZED&message=Authentication+required',
                  defined $accept ? (Accept => $accept) : ());
    ok t_cmp($res->header('Content-Type'), qr{^application/json},
             'JSON for Accept ' . ($accept // '(none)'));
}

# HTML for a browser navigation, with the message escaped
{
    my $accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    my $res = GET('/sectest/error?status=403&code=CSRF&message=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
                  Accept => $accept);
    ok t_cmp($res->code, 403, '403');
    ok t_cmp($res->header('Content-Type'), qr{^text/html; charset=utf-8}, 'HTML content type');
    ok t_cmp($res->content, qr{&lt;script&gt;alert\(1\)&lt;/script&gt;}, 'message escaped');
    ok $res->content !~ /<script>/ or print "# raw script tag in the page\n";
    my $id = $res->header('X-Request-ID');
    ok t_cmp($res->content, qr/\Q$id\E/, 'the page shows the request id');
}

# 503 and a HEAD request
{
    my $res = GET('/sectest/error?status=503&code=STORE_UNAVAILABLE&message=Try+later');
    ok t_cmp($res->code, 503, '503');
    my $b = eval { $json->decode($res->content) } || {};
    ok t_cmp($b->{code}, 'STORE_UNAVAILABLE', '503 code');
    my $head = Apache::TestRequest::HEAD('/sectest/error?status=429');
    ok t_cmp($head->code, 429, 'HEAD gets the status');
    ok t_cmp($head->content, '', 'HEAD has no body');
}
