# Strict-Transport-Security: on HTTPS in production only (a real TLS
# virtual host with Apache::Test's CA), never on plain HTTP or in
# development, and on plain HTTP only when a trusted proxy (by TCP peer)
# says the client used https.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest ();
use Apache::TestUtil qw(t_cmp);

plan tests => 13;

sub get_on {
    my ($vhost, $scheme, $path, @h) = @_;
    my $url = Apache::TestRequest::module2url($vhost // 'default', { scheme => $scheme,
                                                                   path => $path });
    my $res = eval { Apache::TestRequest::GET($url, @h) };
    print "# GET $url: $@\n" if $@;
    return $res;
}
# Apache::Test's client trusts its own CA only when told where it is.
$ENV{HTTPS_CA_FILE} = Apache::Test::vars('sslca') . '/asf/certs/ca.crt';
Apache::TestRequest::user_agent(reset => 1, ssl_opts => { SSL_ca_file => $ENV{HTTPS_CA_FILE} },
                                requests_redirectable => 0);

my $hsts = 'max-age=31536000; includeSubDomains';
{
    my $res = get_on('secheaders_ssl', 'https', '/hdr/ssl/');
    ok t_cmp($res->code, 200, 'https: 200') or print "# ", $res->status_line, "\n";
    ok t_cmp($res->header('Strict-Transport-Security'), $hsts, 'https, production: HSTS');
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'https: the profile\'s headers too');
    $res = get_on('secheaders_ssl', 'https', '/hdr/ssl/preload/');
    ok t_cmp($res->header('Strict-Transport-Security'),
             'max-age=63072000; includeSubDomains; preload', 'SecHSTS max-age=730d preload');
    $res = get_on('secheaders_ssl', 'https', '/hdr/ssl/dev/');
    ok t_cmp($res->code, 200, 'development location: 200');
    ok !defined $res->header('Strict-Transport-Security') or print "# HSTS in development\n";
    ok t_cmp($res->header('X-Frame-Options'), 'DENY', 'development keeps the other headers');
    $res = get_on('secheaders_ssl', 'https', '/hdr/ssl/nohsts/');
    ok !defined $res->header('Strict-Transport-Security') or print "# HSTS after SecHSTS off\n";
}
# plain http: never, whatever the client claims
{
    my $res = get_on(undef, 'http', '/hdr/strict/');
    ok !defined $res->header('Strict-Transport-Security') or print "# HSTS on plain http\n";
    $res = get_on(undef, 'http', '/hdr/strict/', 'X-Forwarded-Proto' => 'https');
    ok !defined $res->header('Strict-Transport-Security')
        or print "# X-Forwarded-Proto believed without SecHeadersTrustedProxy\n";
}
# behind a trusted proxy (the test client is on loopback, trusted here)
{
    my $res = get_on('secheaders_trusted', 'http', '/hdr/ssl/', 'X-Forwarded-Proto' => 'https');
    ok t_cmp($res->header('Strict-Transport-Security'), $hsts, 'trusted proxy said https: HSTS');
    $res = get_on('secheaders_trusted', 'http', '/hdr/ssl/', 'X-Forwarded-Proto' => 'http');
    ok !defined $res->header('Strict-Transport-Security') or print "# HSTS for http via proxy\n";
    $res = get_on('secheaders_untrusted', 'http', '/hdr/ssl/', 'X-Forwarded-Proto' => 'https');
    ok !defined $res->header('Strict-Transport-Security')
        or print "# X-Forwarded-Proto believed from an untrusted peer\n";
}
