# Helpers for the mod_secsession tests: browsers with a cookie jar that do
# not follow redirects (each redirect is asserted), logins both ways, the
# session cookie of a response, events of this test, signed requests.
package SecSession;
use strict;
use warnings;

use Apache::Test ();
use Apache::TestRequest ();
use LWP::UserAgent ();
use HTTP::Cookies ();
use HTTP::Request ();
use JSON::PP ();
use MIME::Base64 qw(encode_base64);
use Digest::SHA qw(hmac_sha256);
use Exporter 'import';
use SecCore qw(url events_file);
use SecTest qw(log_mark log_since wait_for);

our @EXPORT_OK = qw(browser api_client form_login app_login session_cookie set_cookies
                    cookie_of events_since event_lines hmac_headers hmac_key
                    make_cookie keyring_secret b64url b64url_decode NAV JSON_ACCEPT);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# What a browser sends when it loads a page, and what fetch() sends.
use constant NAV => ('Sec-Fetch-Mode' => 'navigate',
                     Accept => 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
use constant JSON_ACCEPT => (Accept => 'application/json');

my $json = JSON::PP->new->utf8;

# A client with its own cookie jar that never follows redirects.
sub browser {
    my $ua = LWP::UserAgent->new(cookie_jar => HTTP::Cookies->new, max_redirect => 0,
                                 timeout => 30, keep_alive => 1);
    $ua->agent('secsession-test');
    return $ua;
}

# A client without cookies: headers are set by hand.
sub api_client {
    my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
    $ua->agent('secsession-test');
    return $ua;
}

# POST the login form; returns the response. base => "http://host:port"
# for a server that is not Apache::Test's.
sub form_login {
    my ($ua, $vhost, $user, $password, %opt) = @_;
    my $path = $opt{path} // ($vhost || $opt{base} ? '/login' : '/sess/login');
    my @form = (username => $user, password => $password);
    push @form, redirect => $opt{redirect} if defined $opt{redirect};
    return $ua->post($opt{base} ? "$opt{base}$path" : url($vhost, $path), \@form,
                     @{ $opt{headers} || [] });
}

# The application's own login script asserts the login; returns the response.
sub app_login {
    my ($ua, $user, $roles, %opt) = @_;
    my $path = $opt{path} // '/sess/app/sess-login.cgi';
    my $q = "password=right&user=" . _esc($user);
    $q .= "&roles=" . _esc($roles) if defined $roles;
    $q .= "&$opt{query}" if $opt{query};
    return $ua->get(url($opt{vhost}, "$path?$q"));
}

sub _esc {
    my $s = shift;
    $s =~ s/([^A-Za-z0-9._~-])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

# All Set-Cookie header lines of a response.
sub set_cookies {
    my $res = shift;
    return $res->headers->header('Set-Cookie') ? ($res->headers->header('Set-Cookie')) : ();
}

# The value the response sets for cookie $name (default t_sess), or undef;
# the last one wins, as in a browser.
sub session_cookie {
    my ($res, $name) = @_;
    $name //= 't_sess';
    my $v;
    for my $line (set_cookies($res)) {
        $v = $1 if $line =~ /^\Q$name\E=([^;]*)/;
    }
    return $v;
}

# The value of cookie $name in a client's jar.
sub cookie_of {
    my ($ua, $name) = @_;
    my $v;
    $ua->cookie_jar->scan(sub { $v = $_[2] if $_[1] eq $name });
    return $v;
}

# Events (decoded) written since a log_mark of the event log, optionally
# waiting until one matches $want (a hash of field => value or qr//).
sub events_since {
    my ($mark, %want) = @_;
    my @events;
    my $match = sub {
        my $e = shift;
        for my $k (keys %want) {
            my $w = $want{$k};
            return 0 unless defined $e->{$k};
            return 0 if ref $w ? $e->{$k} !~ $w : $e->{$k} ne $w;
        }
        return 1;
    };
    my $found;
    wait_for(%want ? 5 : 0, sub {
        @events = map { eval { $json->decode($_) } // () } split /\n/, log_since(events_file(), $mark);
        ($found) = grep { $match->($_) } @events;
        return !%want || $found;
    });
    return %want ? $found : @events;
}

sub event_lines {
    my ($mark) = @_;
    return log_since(events_file(), $mark);
}

sub b64url {
    my $s = encode_base64(shift, '');
    $s =~ tr{+/}{-_};
    $s =~ s/=+$//;
    return $s;
}

sub b64url_decode {
    my $s = shift;
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return MIME::Base64::decode_base64($s);
}

# A session cookie value made as the module makes them (sec_session.h):
# 1.<kid>.<id>.<mac> with the per-purpose key derived from $secret (the
# base64url text of a keyring key).
sub make_cookie {
    my ($kid, $secret, $id) = @_;
    my $derived = hmac_sha256('secmods/session-cookie', b64url_decode($secret));
    my $signed = "1.$kid.$id";
    return "$signed." . b64url(hmac_sha256($signed, $derived));
}

# The secret of a key of a keyring file (default t/conf/test.keys).
sub keyring_secret {
    my ($id, $file) = @_;
    $file //= File::Spec->catfile(Apache::Test::vars('serverroot'), 'conf', 'test.keys');
    open my $fh, '<', $file or die "$file: $!";
    while (my $line = <$fh>) {
        return $1 if $line =~ /^key \Q$id\E (\S+)/;
    }
    die "no key $id in $file";
}

# The HMAC key of t/conf/test-hmac.keys with this id: its text, as a sender
# configures it.
sub hmac_key {
    my ($id) = @_;
    my $file = File::Spec->catfile(Apache::Test::vars('serverroot'), 'conf', 'test-hmac.keys');
    open my $fh, '<', $file or die "$file: $!";
    while (my $line = <$fh>) {
        return $1 if $line =~ /^key \Q$id\E (\S+)/;
    }
    die "no key $id in $file";
}

# Headers of a signed request: (X-Timestamp => ..., X-Signature => ...).
sub hmac_headers {
    my ($key, $ts, $body, %opt) = @_;
    my $sig = encode_base64(hmac_sha256("$ts:$body", $key), '');
    return (($opt{ts_header} // 'X-Timestamp') => $ts, ($opt{sig_header} // 'X-Signature') => $sig);
}

1;
