# A real browser (Debian's chromium, headless): a legacy form that knows
# nothing of tokens, on 127.0.0.1, is submitted by its page's script
# through the injection filter and succeeds; the same kind of form on
# "localhost" -- another site, though the same server -- posting to
# 127.0.0.1 is refused, and so is one on a second port of 127.0.0.1 (the
# same site, another origin). The events record what chromium really sent.
#
# chromium runs with --dump-dom and a virtual time budget: it loads the
# page, lets the script submit the form, and prints the DOM of the page it
# ends on. It is started in a process group of its own and stopped by that
# group's id if it outlives its time. A missing or failing chromium fails
# the test; it is never skipped.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Path qw(rmtree);
use POSIX qw(setsid WNOHANG _exit);
use SecTest qw(:all);
use SecCore qw(:all);
use SecCsrf qw(:all);

plan tests => 19;

my $chromium = (grep { -x } '/usr/bin/chromium', '/usr/bin/chromium-browser')[0];
ok $chromium or print "# chromium is not installed (scripts/lib.sh lists it in SECMODS_PACKAGES)\n";

my ($port) = Apache::TestRequest::hostport(Apache::Test::config()) =~ /:(\d+)$/;
my $logs = Apache::Test::vars('t_logs');

# Runs chromium on $url; returns (exit status, dumped DOM).
sub dump_dom {
    my ($url, $n) = @_;
    return (-1, '') unless $chromium;
    my $profile = "$logs/chromium-profile-$n-$$";
    my $out = "$logs/chromium-$n.out";
    rmtree($profile);
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or _exit(126);
        open STDERR, '>', "$logs/chromium-$n.err" or _exit(126);
        { exec $chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
            '--no-first-run', '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--disable-extensions', '--disable-default-apps',
            "--user-data-dir=$profile", '--virtual-time-budget=10000', '--dump-dom', $url; }
        _exit(127);
    }
    my $status;
    my $done = wait_for(90, sub {
        my $w = waitpid($pid, WNOHANG);
        $status = $? if $w == $pid;
        return $w == $pid;
    });
    if (!$done) {
        print "# chromium (pid $pid) still running after 90s: stopping its process group\n";
        kill 'TERM', -$pid;
        wait_for(10, sub { waitpid($pid, WNOHANG) == $pid }) or kill 'KILL', -$pid;
        waitpid($pid, 0);
        $status = -1;
    }
    else {
        # helpers it left behind in its group (there should be none)
        kill 'TERM', -$pid;
    }
    rmtree($profile);
    open my $fh, '<', $out or return ($status, '');
    local $/;
    my $dom = <$fh> // '';
    return ($status, $dom);
}

my $mark = log_mark(events_file());

# same origin: the injected token rides along; Fetch Metadata says same-origin
my ($st, $dom) = dump_dom("http://127.0.0.1:$port/csrf/browser/form.html", 1);
ok t_cmp($st, 0, 'chromium ran (same-origin page)');
ok t_cmp($dom, qr/method=POST/, 'the form was submitted and reached the application');
ok t_cmp($dom, qr/body=_csrf=t2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+&amp;message=hello\+from\+the\+browser/,
         'with the injected token as its first field');
my $f = echo_fields($dom =~ s/&amp;/&/gr);
ok t_cmp($f->{length}, qr/^\d+$/, 'the echo answered');

# cross-site: a page on "localhost" posts to 127.0.0.1
($st, $dom) = dump_dom("http://localhost:$port/csrf/attack/attack.html", 2);
ok t_cmp($st, 0, 'chromium ran (cross-site page)');
ok $dom !~ /method=POST/ or print "# the forged post reached the application\n";
ok t_cmp($dom, qr/Cross-site request refused/, 'the browser got the refusal page');

my @ev;
wait_for(10, sub { @ev = grep { ($_->{path} // '') =~ m{/cgi-bin/csrf-echo\.cgi/browser} } csrf_events($mark); @ev });
ok t_cmp(scalar @ev, 1, 'one refusal, for the cross-site post only');
my $e = $ev[0] || {};
ok t_cmp($e->{reason}, 'cross-site', 'reason cross-site');
ok t_cmp($e->{fetchSite}, 'cross-site', 'chromium sent Sec-Fetch-Site: cross-site');
ok t_cmp($e->{origin}, "http://localhost:$port", 'and its Origin');
ok t_cmp($e->{check}, 'fetch-metadata', 'Fetch Metadata decided');

# same site, another origin: a page on a second loopback port
my ($sib) = url('csrfsibling', '/') =~ m{:(\d+)/$};
$mark = log_mark(events_file());
($st, $dom) = dump_dom("http://127.0.0.1:$sib/csrf/attack/samesite.html?port=$port", 3);
ok t_cmp($st, 0, 'chromium ran (page on a second loopback port)');
ok $dom !~ /method=POST/ or print "# the same-site post reached the application\n";
@ev = ();
wait_for(10, sub { @ev = grep { ($_->{path} // '') =~ m{/cgi-bin/csrf-echo\.cgi/sibling} } csrf_events($mark); @ev });
ok t_cmp(scalar @ev, 1, 'one refusal, for the post from the other port');
$e = $ev[0] || {};
ok t_cmp($e->{fetchSite}, 'same-site', 'chromium sent Sec-Fetch-Site: same-site');
ok t_cmp($e->{reason}, 'same-site', 'refused as same-site (the other port is not a trusted origin)');
ok t_cmp($e->{origin}, "http://127.0.0.1:$sib", 'and its Origin');
