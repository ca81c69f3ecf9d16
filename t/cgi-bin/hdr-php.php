#!/usr/bin/php-cgi -dexpose_php=1
<?php
// A PHP page as legacy sites have them: PHP announces itself in
// X-Powered-By (expose_php, off in Debian's php.ini, on here as on many
// old installs), the page prints the nonce.
header('X-Generator: legacy-cms');
$nonce = isset($_SERVER['SECMODS_CSP_NONCE']) ? $_SERVER['SECMODS_CSP_NONCE'] : '';
?>
<html><head><script nonce="<?php echo htmlspecialchars($nonce); ?>">ok()</script></head>
<body>php nonce=<?php echo htmlspecialchars($nonce); ?></body></html>
