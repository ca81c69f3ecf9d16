package SecTest;

# Helpers for the Apache::Test suite: the memcached instances t/run-suite
# started, standalone config tests of the built module, and log reading.
#
#   use FindBin; use lib "$FindBin::Bin/lib";
#   use SecTest qw(:all);
#
#   mc_addr(3)            "127.0.0.1:PORT" of memcached N (1, 2: cluster; 3: outage node)
#   mc_stop(3)            stop it; returns once its port refuses connections
#   mc_start(3)           start it again on the same port; returns once it accepts
#   mc_cmd(1, "stats")    raw text-protocol exchange, returns the reply
#   mc_stats(1)           { stat => value, ... }
#   configtest($text)     ($exit_code, $output) of `apache2 -t` on a small config
#                         that loads the built mod_seccore, plus $text
#   log_tail($file, $n)   last $n lines of a file
#   log_mark($file) / log_since($file, $mark) / wait_for_log($file, $mark, qr/../)
#   wait_for($seconds, sub { ... })   bounded poll
#   my $h = httpd_new('tag'); httpd_start($h, conf => $text, ...)
#                         an httpd of the test's own beside Apache::Test's
#                         (a second server of a fleet, one with other
#                         modules); stopped by its pid when the test ends
#
# A node a test file stops is restarted when that test file ends (even if it
# dies), so every test file starts with all three nodes up.

use strict;
use warnings;

use Exporter 'import';
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

our @EXPORT_OK = qw(
    mc_addr mc_port mc_pid mc_stop mc_start mc_cmd mc_stats mc_is_up
    configtest log_tail log_mark log_since wait_for_log wait_for
    state_dir build_dir module_path httpd_bin httpd_moddir free_port
    httpd_new httpd_start
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# The module's symbol, as in LoadModule seccore_module ...
our $MODULE_NAME = 'seccore_module';

my %stopped_by_us;
my $owner_pid = $$;

sub state_dir {
    my $dir = $ENV{SECMODS_STATE}
        or die "SECMODS_STATE is not set: run the suite through t/run-suite\n";
    return $dir;
}

sub build_dir {
    return $ENV{SECMODS_BUILDDIR}
        || abs_path(File::Spec->catdir(dirname(__FILE__), File::Spec->updir, File::Spec->updir));
}

sub module_path { File::Spec->catfile(build_dir(), '.libs', 'mod_seccore.so') }
sub httpd_bin   { $ENV{SECMODS_HTTPD} || '/usr/sbin/apache2' }
sub httpd_moddir { $ENV{SECMODS_HTTPD_MODDIR} || '/usr/lib/apache2/modules' }

# wait_for($seconds, $cond): polls $cond until true; false on timeout.
sub wait_for {
    my ($limit, $cond) = @_;
    my $deadline = time + $limit;
    while (1) {
        return 1 if $cond->();
        return 0 if time >= $deadline;
        sleep 0.05;
    }
}

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Listen => 1, ReuseAddr => 1)
        or die "no free port: $!";
    return $s->sockport;
}

sub _port_open {
    my $port = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return $s ? 1 : 0;
}

sub _read_file {
    my $file = shift;
    open my $fh, '<', $file or return undef;
    local $/;
    my $text = <$fh>;
    return $text;
}

sub _write_file_atomic {
    my ($file, $text) = @_;
    my $tmp = "$file.tmp.$$";
    open my $fh, '>', $tmp or die "$tmp: $!";
    print $fh $text;
    close $fh or die "$tmp: $!";
    rename $tmp, $file or die "rename $tmp: $!";
}

# --- memcached --------------------------------------------------------------

sub _check_n {
    my $n = shift;
    die "memcached instance must be 1, 2 or 3 (got " . ($n // 'undef') . ")\n"
        unless defined $n && $n =~ /^[123]$/;
    return $n;
}

sub mc_addr {
    my $n = _check_n(shift);
    my $addr = $ENV{"SECMODS_MC$n"}
        or die "SECMODS_MC$n is not set: run the suite through t/run-suite\n";
    return $addr;
}

sub mc_port { (split /:/, mc_addr(shift))[1] }

sub mc_pid {
    my $n = _check_n(shift);
    my $pid = _read_file(File::Spec->catfile(state_dir(), "mc$n.pid"));
    return undef unless defined $pid;
    ($pid) = $pid =~ /(\d+)/;
    return $pid;
}

sub mc_is_up { _port_open(mc_port(shift)) }

sub _pid_alive {
    my $pid = shift;
    my $stat = _read_file("/proc/$pid/stat");
    return 0 unless defined $stat;
    $stat =~ s/^.*\) //s;
    return (split / /, $stat)[0] ne 'Z';
}

# Stops memcached N by its pid; returns once its port refuses connections.
sub mc_stop {
    my $n = _check_n(shift);
    my $port = mc_port($n);
    my $pid = mc_pid($n);
    die "no pid recorded for memcached $n\n" unless $pid;
    if (_pid_alive($pid)) {
        kill 'TERM', $pid or die "kill $pid: $!";
    }
    $stopped_by_us{$n} = 1;
    wait_for(10, sub { waitpid($pid, WNOHANG); !_port_open($port) })
        or die "memcached $n (pid $pid) still accepts connections on port $port\n";
    wait_for(10, sub { waitpid($pid, WNOHANG); !_pid_alive($pid) })
        or die "memcached $n (pid $pid) did not exit\n";
    return 1;
}

# Starts memcached N again on its port; returns the pid once it accepts.
sub mc_start {
    my $n = _check_n(shift);
    my $port = mc_port($n);
    die "memcached $n: port $port is already accepting connections\n" if _port_open($port);
    my $dir = state_dir();
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        # Not the test's stdout: the harness reads it until EOF, and this
        # process outlives the test file.
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/mc$n.log";
        open STDERR, '>&', \*STDOUT;
        { exec 'memcached', '-l', '127.0.0.1', '-p', $port, '-U', '0', '-m', '64', '-v' }
        POSIX::_exit(127);
    }
    # t/run-suite stops whatever these files name when the suite ends.
    _write_file_atomic("$dir/mc$n.pid", "$pid\n");
    wait_for(10, sub { _port_open($port) || (waitpid($pid, WNOHANG) == $pid && die "memcached $n exited at start; see $dir/mc$n.log\n") })
        or die "memcached $n did not accept connections on port $port\n";
    delete $stopped_by_us{$n};
    return $pid;
}

my @httpd_pids;

END {
    local $?;
    return unless $$ == $owner_pid;   # not in forked children
    for my $pid (@httpd_pids) {
        kill 'TERM', $pid;
        wait_for(10, sub { !kill 0, $pid })
            or warn "the test's httpd (pid $pid) did not stop\n";
    }
    for my $n (sort keys %stopped_by_us) {
        eval { mc_start($n) unless mc_is_up($n); 1 }
            or warn "could not restart memcached $n: $@";
    }
}

# mc_cmd($n, $command): sends one text-protocol command ("stats",
# "get key", "flush_all", "set k 0 60 1\r\nx") and returns the reply.
sub mc_cmd {
    my ($n, $cmd) = @_;
    my $port = mc_port($n);
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 2)
        or die "memcached $n (port $port): $!\n";
    $cmd =~ s/\r?\n?\z/\r\n/;
    $s->syswrite($cmd);
    my $end = $cmd =~ /^(?:get|gets|gat|gats|stats)\b/i
        ? qr/(?:^|\r\n)(?:END|ERROR|CLIENT_ERROR[^\r]*|SERVER_ERROR[^\r]*)\r\n\z/
        : qr/\r\n\z/;
    my ($reply, $sel, $deadline) = ('', IO::Select->new($s), time + 5);
    while ($reply !~ $end) {
        my $left = $deadline - time;
        die "memcached $n: no complete reply to '$cmd' within 5s (got '$reply')\n"
            if $left <= 0 || !$sel->can_read($left);
        my $got = $s->sysread(my $buf, 65536);
        die "memcached $n: connection closed (got '$reply')\n" unless $got;
        $reply .= $buf;
    }
    return $reply;
}

sub mc_stats {
    my $n = shift;
    my %stats = mc_cmd($n, 'stats') =~ /^STAT (\S+) (.*?)\r$/mg;
    return \%stats;
}

# --- config tests -------------------------------------------------------------

# configtest($text, %opt): runs `apache2 -t` on a standalone config that loads
# the MPM, mod_authz_core and the built mod_seccore, followed by $text.
# Options: modules => [qw(headers alias)] loads more stock modules first;
# seccore => 0 leaves mod_seccore out. Returns ($exit_code, $output).
# Note that -t reads the config and runs test_config hooks, but no post_config.
sub configtest {
    my ($text, %opt) = @_;
    my $parent = $ENV{SECMODS_STATE} && -d $ENV{SECMODS_STATE} ? $ENV{SECMODS_STATE} : File::Spec->tmpdir;
    my $dir = tempdir('configtest.XXXXXX', DIR => $parent, CLEANUP => 1);
    my $mpm = $ENV{SECMODS_MPM} || 'event';
    my $moddir = httpd_moddir();
    my $port = free_port();
    my @mods = ("mpm_$mpm", 'authz_core', @{ $opt{modules} || [] });
    my $conf = join '', map { "LoadModule ${_}_module \"$moddir/mod_$_.so\"\n" } @mods;
    $conf .= "LoadModule $MODULE_NAME \"" . module_path() . "\"\n"
        unless defined $opt{seccore} && !$opt{seccore};
    my $file = "$dir/httpd.conf";
    _write_file_atomic($file, <<"EOF" . $conf . ($text // '') . "\n");
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
DefaultRuntimeDir "$dir"
EOF
    my $httpd = httpd_bin();
    my $output = qx{"$httpd" -t -f "$file" 2>&1};
    my $rc = $? == -1 ? 127 : ($? & 127 ? 128 + ($? & 127) : $? >> 8);
    return ($rc, $output);
}

# --- an httpd of the test's own ------------------------------------------------

# httpd_new($tag): a scratch directory and a free port for it:
# { dir, port, base => "http://127.0.0.1:PORT" }. The directory is removed
# when the test ends.
sub httpd_new {
    my $tag = shift // 'httpd';
    my $parent = $ENV{SECMODS_STATE} && -d $ENV{SECMODS_STATE} ? $ENV{SECMODS_STATE} : File::Spec->tmpdir;
    my $dir = tempdir("$tag.XXXXXX", DIR => $parent, CLEANUP => 1);
    my $port = free_port();
    return { dir => $dir, port => $port, base => "http://127.0.0.1:$port" };
}

# httpd_start($h, conf => $text, modules => [stock names], ours => [names
# built here]): writes $h->{dir}/httpd.conf -- ServerRoot, Listen, pid file,
# error_log in the directory, the MPM under test, authz_core, then the
# modules, then $text -- starts it and waits for its pid file. Sets
# $h->{pid} (for signals such as a graceful restart) and $h->{conf}; dies
# if it does not start. Stopped by its pid when the test file ends.
sub httpd_start {
    my ($h, %opt) = @_;
    my $dir = $h->{dir};
    my $mpm = $ENV{SECMODS_MPM} || 'event';
    my $moddir = httpd_moddir();
    my $libs = File::Spec->catfile(build_dir(), '.libs');
    my $conf = join '', "ServerRoot \"$dir\"\n", "ServerName 127.0.0.1\n",
        "Listen 127.0.0.1:$h->{port}\n", "PidFile \"$dir/httpd.pid\"\n",
        "ErrorLog \"$dir/error_log\"\n", "DefaultRuntimeDir \"$dir\"\n";
    $conf .= "LoadModule ${_}_module \"$moddir/mod_$_.so\"\n"
        for "mpm_$mpm", 'authz_core', @{ $opt{modules} || [] };
    $conf .= "LoadModule ${_}_module \"$libs/mod_$_.so\"\n" for @{ $opt{ours} || [] };
    $h->{conf} = "$dir/httpd.conf";
    _write_file_atomic($h->{conf}, $conf . ($opt{conf} // '') . "\n");
    system(httpd_bin(), '-f', $h->{conf}, '-k', 'start') == 0
        or die "the test's httpd did not start; see $dir/error_log\n";
    my $pid;
    wait_for(10, sub { my $t = _read_file("$dir/httpd.pid"); ($pid) = ($t // '') =~ /(\d+)/; $pid })
        or die "the test's httpd wrote no pid file; see $dir/error_log\n";
    push @httpd_pids, $pid;
    $h->{pid} = $pid;
    return $h;
}

# --- logs -------------------------------------------------------------------

# log_tail($file, $n): the last $n lines (a list, or one string in scalar context).
sub log_tail {
    my ($file, $n) = @_;
    $n //= 10;
    open my $fh, '<', $file or return wantarray ? () : '';
    my @lines;
    while (my $line = <$fh>) {
        push @lines, $line;
        shift @lines if @lines > $n;
    }
    return wantarray ? @lines : join '', @lines;
}

# log_mark($file): where the file ends now; log_since($file, $mark): what was
# appended after that. Lets a test look only at what its own requests logged.
sub log_mark { -s $_[0] || 0 }

sub log_since {
    my ($file, $mark) = @_;
    open my $fh, '<', $file or return '';
    seek $fh, $mark, 0;
    local $/;
    return scalar(<$fh>) // '';
}

# wait_for_log($file, $mark, qr/.../, $seconds): httpd writes some lines
# (access log, events in log_transaction) after the response went out, so
# poll for them; returns the text since $mark once it matches, else undef.
sub wait_for_log {
    my ($file, $mark, $re, $limit) = @_;
    my $text;
    return wait_for($limit // 5, sub { ($text = log_since($file, $mark)) =~ $re }) ? $text : undef;
}

1;
