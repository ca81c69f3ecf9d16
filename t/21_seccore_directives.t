# Our directive names collide with no other module's: mod_security2 (which
# owns many Sec* names) loads beside the suite, and httpd -L lists every
# directive once.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::Bin/lib";

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use File::Temp ();
use File::Spec;
use SecTest qw(:all);

plan tests => 5;

my $moddir = SecTest::httpd_moddir();
my $sec2 = "$moddir/mod_security2.so";
ok -f $sec2 or print "# $sec2 missing: install libapache2-mod-security2\n";

# The whole suite beside mod_security2, each module with a directive in use.
my $libs = File::Spec->catfile(SecTest::build_dir(), '.libs');
my ($rc, $out) = configtest(<<"EOF", modules => [qw(unique_id authn_core)]);
LoadModule security2_module "$sec2"
LoadModule secratelimit_module "$libs/mod_secratelimit.so"
LoadModule secheaders_module "$libs/mod_secheaders.so"
LoadModule secsession_module "$libs/mod_secsession.so"
LoadModule seccsrf_module "$libs/mod_seccsrf.so"
SecRuleEngine On
SecStore shm size=8M
SecEventLog logs/events.log
SecRateLimitZone t_login rate=5/1m
<Location "/">
    SecHeadersProfile strict
    SecRateLimit t_login
    SecCSRF on
    SecSessionOptional on
</Location>
EOF
ok t_cmp($rc, 0, 'mod_security2 and the five secmods modules load together') or print "# $out";
ok t_cmp($out, qr/Syntax OK/, 'Syntax OK');

# httpd -L with both loaded: every directive name once.
my $dir = File::Temp::tempdir(CLEANUP => 1);
my $mpm = $ENV{SECMODS_MPM} || 'event';
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh "ServerRoot \"$dir\"\nServerName 127.0.0.1\nErrorLog \"$dir/error_log\"\n",
          "DefaultRuntimeDir \"$dir\"\nLoadModule mpm_${mpm}_module \"$moddir/mod_mpm_$mpm.so\"\n",
          "LoadModule unique_id_module \"$moddir/mod_unique_id.so\"\n",
          "LoadModule security2_module \"$sec2\"\n",
          "LoadModule seccore_module \"", SecTest::module_path(), "\"\n",
          "LoadModule secratelimit_module \"", File::Spec->catfile(SecTest::build_dir(), '.libs', 'mod_secratelimit.so'), "\"\n",
          "LoadModule secheaders_module \"", File::Spec->catfile(SecTest::build_dir(), '.libs', 'mod_secheaders.so'), "\"\n";
# mod_secsession
print $fh "LoadModule secsession_module \"", File::Spec->catfile(SecTest::build_dir(), '.libs', 'mod_secsession.so'), "\"\n";
print $fh "LoadModule seccsrf_module \"", File::Spec->catfile(SecTest::build_dir(), '.libs', 'mod_seccsrf.so'), "\"\n";
close $fh;
my @listing = qx{"@{[SecTest::httpd_bin()]}" -f "$dir/httpd.conf" -L 2>&1};
my %count;
for (@listing) {
    $count{$1}++ if /^<?([A-Za-z][\w]*)>? \(/ || /^<?([A-Za-z][\w]*)>?\s*$/;
}
my @mine = qw(SecStore SecKeyFile SecEventLog SecEventLogTruncateIP SecRequestIDHeader
              SecRequestIDTrustFrom SecRateLimitZone SecRateLimit SecRateLimitExempt
              SecRateLimitHeaders SecRateLimitLegacyHeaders SecKillSwitch);
push @mine, qw(SecHeaders SecHeadersProfile SecHeadersEnvironment SecHeadersFrameOptions
               SecHeadersReferrerPolicy SecHeadersCOEP SecHeadersRemove
               SecHeadersNoStoreAuthenticated SecHeadersTrustedProxy SecHSTS SecCSP SecCSPReplace
               SecCSPPreset SecCSPMode SecCSPReportURI SecCSPNonce SecCSPNonceInject
               SecCSPReportMaxSize SecCSPReportEventLimit SecCORSAllowOrigin
               SecCORSAllowCredentials SecCORSAllowMethods SecCORSAllowHeaders
               SecCORSExposeHeaders SecCORSMaxAge);
# mod_secsession
push @mine, qw(SecSessionCookie SecSessionCacheTTL SecSessionAppHeaders SecHMACKeyFile
               SecSessionTimeout SecSessionLoginURL SecSessionLogoutURL SecSessionOptional
               SecSessionOnStoreFail SecSessionAuthProvider SecSessionRedirectAllow
               SecSessionClearSiteData SecSessionPassCookie SecSessionAcceptLogin
               SecSessionLoginPage SecSessionRoleFile SecSessionIdentityHeaders SecHMACHeaders SecHMACWindow
               SecHMACMaxBody SecHMACAllowOrigin SecHMACOnStoreFail);
push @mine, qw(SecCSRF SecCSRFTrustedOrigin SecCSRFToken SecCSRFTokenHeader SecCSRFTokenField
               SecCSRFBodyLimit SecCSRFNoOrigin SecCSRFInjectForms SecCSRFExempt SecCSRFCookie
               SecCSRFTokenCookie);
my @ours = grep { exists $count{$_} } @mine;
ok t_cmp(scalar @ours, scalar @mine, 'httpd -L lists all our directives');
my @dups = grep { $count{$_} > 1 } sort keys %count;
ok t_cmp("@dups", '', 'no directive name is listed twice');
