# The harness itself: httpd with the built mod_seccore serves static files and
# a legacy CGI, memcached is reachable and can be stopped and restarted, and
# configtest() sees the module.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok have_module need_cgi);
use Apache::TestRequest qw(GET GET_BODY POST);
use Apache::TestUtil qw(t_cmp t_catfile);
use SecTest qw(:all);

plan tests => 14, need_cgi;

sub slurp {
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    return scalar <$fh>;
}

my $htdocs = Apache::Test::vars('documentroot');

# static content
{
    my $res = GET '/';
    ok t_cmp($res->code, 200, 'GET / is 200');
    ok t_cmp($res->content, slurp(t_catfile($htdocs, 'index.html')), 'GET / serves t/htdocs/index.html');

    ok t_cmp(GET_BODY('/demo/'), slurp(t_catfile($htdocs, 'demo', 'index.html')),
             'GET /demo/ serves t/htdocs/demo/index.html');
}

# the legacy CGI
{
    my $res = GET '/cgi-bin/legacy.cgi';
    ok t_cmp($res->code, 200, 'GET legacy.cgi is 200');
    ok t_cmp($res->content, qr{REQUEST_METHOD: GET}, 'the CGI saw a GET');

    $res = POST '/cgi-bin/legacy.cgi', [message => '<b>hi</b>'];
    ok t_cmp($res->code, 200, 'POST legacy.cgi is 200');
    ok t_cmp($res->content, qr{message: &lt;b&gt;hi&lt;/b&gt;}, 'the CGI echoes the message escaped');
}

# memcached as t/run-suite started it
{
    ok t_cmp(mc_cmd(1, 'version'), qr/^VERSION \d/, 'memcached 1 answers');
    ok t_cmp(mc_cmd(2, "set secmods_smoke 0 60 2\r\nok"), "STORED\r\n", 'memcached 2 stores');

    mc_stop(3);
    ok t_cmp(mc_is_up(3), 0, 'memcached 3 is down after mc_stop');
    mc_start(3);
    ok t_cmp(mc_stats(3)->{curr_connections} > 0 ? 1 : 0, 1, 'memcached 3 is back after mc_start');
}

# standalone config tests of the built module
{
    my ($rc, $out) = configtest('');
    ok t_cmp($rc, 0, "the built module loads in a minimal config ($out)");

    ($rc, $out) = configtest('SecmodsNoSuchDirective on');
    ok t_cmp($rc, 1, 'an unknown directive fails the config test');
    ok t_cmp($out, qr/SecmodsNoSuchDirective/, 'and the output names it');
}
