# Helpers for the mod_seccore tests: URLs on the main server or a named
# virtual host, the sectest store endpoint, metrics and status documents.
package SecCore;
use strict;
use warnings;

use Apache::Test ();
use Apache::TestRequest ();
use JSON::PP ();
use Exporter 'import';

our @EXPORT_OK = qw(url get_json store_op metric_value status_doc last_event_lines
                    events_file secctl_event);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $json = JSON::PP->new->utf8;

# Full URL of $path on the main server (vhost undef) or on a named vhost.
sub url {
    my ($vhost, $path) = @_;
    my $hostport;
    {
        local $Apache::TestRequest::Module = $vhost;
        $hostport = Apache::TestRequest::hostport(Apache::Test::config());
    }
    return "http://$hostport$path";
}

sub get_json {
    my ($vhost, $path, @headers) = @_;
    my $res = Apache::TestRequest::GET(url($vhost, $path), @headers);
    my $doc = eval { $json->decode($res->content) };
    return ($res, $doc);
}

# One store operation through mod_sectest; returns the decoded answer.
sub store_op {
    my ($vhost, $op, $key, %opt) = @_;
    my $q = "op=$op&key=$key";
    $q .= "&val=$opt{val}" if defined $opt{val};
    $q .= "&ttl=$opt{ttl}" if defined $opt{ttl};
    my ($res, $doc) = get_json($vhost, "/sectest/store?$q");
    die "store_op $op: HTTP " . $res->code . ": " . $res->content unless $doc;
    return $doc;
}

sub status_doc {
    my ($vhost) = @_;
    my (undef, $doc) = get_json($vhost, '/secmods/status');
    return $doc;
}

# The value of one sample line of the Prometheus text, 0 when absent.
sub metric_value {
    my ($text, $sample) = @_;
    for my $line (split /\n/, $text) {
        next if $line =~ /^#/;
        my ($name, $value) = $line =~ /^(\S+)\s+(\S+)$/ or next;
        return $value + 0 if $name eq $sample;
    }
    return 0;
}

sub events_file {
    return File::Spec->catfile(Apache::Test::vars('t_logs'), 'secmods_events.log');
}

# The event secctl wrote itself, into the suite's event log since byte
# $mark, when it made a change: read at once, no request in between.
sub secctl_event {
    my ($mark, $name) = @_;
    open my $fh, '<', events_file() or return undef;
    seek $fh, $mark, 0;
    while (my $line = <$fh>) {
        my $e = eval { $json->decode($line) } or next;
        return $e if ($e->{module} // '') eq 'secctl' && ($e->{event} // '') eq $name;
    }
    return undef;
}

sub last_event_lines {
    my ($n) = @_;
    open my $fh, '<', events_file() or return ();
    my @lines = <$fh>;
    close $fh;
    return @lines > $n ? @lines[-$n .. -1] : @lines;
}

1;
