# Audit events: one JSON object per line with the request's id, user (e-mail
# masked), method and path without the query; secrets never written.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use JSON::PP ();
use SecTest qw(:all);
use SecCore qw(:all);

plan tests => 20;

my $json = JSON::PP->new->utf8;
my $file = events_file();
my $mark = log_mark($file);

my $res = GET('/sectest/event?user=alice@example.com&session=SECRETQUERY');
ok t_cmp($res->code, 200, 'event handler ran');
my $text = wait_for_log($file, $mark, qr/sectest\.probe.*\n/) // '';
my @lines = grep { length } split /\n/, $text;
ok t_cmp(scalar @lines, 1, 'one line for one event');
my $ev = eval { $json->decode($lines[0] // '') } || {};
ok t_cmp($ev->{event}, 'sectest.probe', 'event name');
ok t_cmp($ev->{module}, 'sectest', 'module');
ok t_cmp($ev->{requestId}, $res->header('X-Request-ID'), 'request id matches the response');
ok t_cmp($ev->{user}, 'a***@example.com', 'an e-mail user is masked');
ok t_cmp($ev->{method}, 'GET', 'method');
ok t_cmp($ev->{path}, '/sectest/event', 'path without the query string');
ok t_cmp($ev->{clientIp}, '127.0.0.1', 'client ip');
ok t_cmp($ev->{outcome}, 'allow', 'outcome');
ok t_cmp($ev->{reason}, 'test', 'reason');
ok t_cmp($ev->{detail}, 'kept', 'ordinary extra fields are kept');
ok t_cmp($ev->{time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'UTC timestamp');
ok !exists $ev->{password} && !exists $ev->{csrfToken}
    or print "# a secret-named field was logged\n";

# Nothing secret anywhere in the event log or the error log.
my $all = log_since($file, 0);
ok $all !~ /hunter2|tok-SECRET|SECRETQUERY/ or print "# a secret reached the event log\n";
my $errlog = log_since(File::Spec->catfile(Apache::Test::vars('t_logs'), 'error_log'), 0);
ok $errlog !~ /hunter2|tok-SECRET/ or print "# a secret reached the error log\n";

# SecEventLogTruncateIP on vhost trustid
$mark = log_mark($file);
GET(url('trustid', '/sectest/event?user=bob'));
$text = wait_for_log($file, $mark, qr/sectest\.probe.*\n/) // '';
$ev = eval { $json->decode((split /\n/, $text)[0] // '') } || {};
ok t_cmp($ev->{clientIp}, '127.0.0.0', 'truncated client address');

# SecEventLog "|command": a piped logger, as for ErrorLog and CustomLog
# (rotatelogs, logger, a shipper). The events arrive on its stdin.
{
    my $h = httpd_new('pipedlog');
    my $out = "$h->{dir}/piped-events.log";
    httpd_start($h, ours => [qw(seccore sectest)], conf => <<"EOF");
SecStore shm
SecEventLog "|/bin/sh -c 'exec cat >> $out'"
<Location "/sectest/event">
    SetHandler sectest-event
</Location>
EOF
    my $r = Apache::TestRequest::GET("$h->{base}/sectest/event?user=carol");
    ok t_cmp($r->code, 200, 'the piped-log server ran the event handler');
    my $piped = wait_for_log($out, 0, qr/sectest\.probe.*\n/) // '';
    my $pev = eval { $json->decode((split /\n/, $piped)[0] // '') } || {};
    ok t_cmp($pev->{user}, 'carol', 'the event reached the piped command');
    ok t_cmp($pev->{requestId}, $r->header('X-Request-ID'), '... with the request id');
}
