#!/usr/bin/env bash
# Makes the key pair that signs OS update bundles (RAUC), if it is not there:
#   images/update-keys.sh [DIR]          (default images/keys, never committed)
#
#   DIR/update-ca.cert.pem        goes into the image as /etc/rauc/keyring.pem
#   DIR/update-ca.key.pem         signs signing certificates; keep it offline
#   DIR/update-signing.cert.pem   signs bundles (images/bundle.sh)
#   DIR/update-signing.key.pem
#
# The update keys are separate from the hub's content key (Ed25519, signs
# content bundles) and from every TLS key: a stolen hub cannot sign an OS
# update, and a stolen update key cannot impersonate the hub. The signing
# certificate carries the codeSigning purpose and RAUC checks it
# (check-purpose=codesign in system.conf), so a TLS certificate from the
# same CA could not sign an update either.
#
# For production, make these once on an offline machine and point
# KIOSK_UPDATE_KEYS at that folder when building (images/build.sh); the keys
# this script makes on a build machine are for development and tests.
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)/keys}
mkdir -p "$dir"; chmod 0700 "$dir"
if [ -f "$dir/update-ca.cert.pem" ] && [ -f "$dir/update-signing.cert.pem" ] && [ -f "$dir/update-signing.key.pem" ]; then
  exit 0
fi
command -v openssl >/dev/null || { echo "update-keys: openssl is missing (apt-get install openssl)" >&2; exit 1; }
echo "update-keys: making a development update-signing key pair in $dir (for production use KIOSK_UPDATE_KEYS)" >&2
umask 077
cnf=$(mktemp); trap 'rm -f "$cnf" "$dir/update-signing.csr"' EXIT
cat > "$cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[signing]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7300 \
  -subj "/O=Kiosk/CN=Kiosk OS update CA" -keyout "$dir/update-ca.key.pem" -out "$dir/update-ca.cert.pem" \
  -extensions ca -config "$cnf" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/O=Kiosk/CN=Kiosk OS update signing" -keyout "$dir/update-signing.key.pem" -out "$dir/update-signing.csr" 2>/dev/null
openssl x509 -req -in "$dir/update-signing.csr" -CA "$dir/update-ca.cert.pem" -CAkey "$dir/update-ca.key.pem" \
  -CAcreateserial -days 3650 -extfile "$cnf" -extensions signing -out "$dir/update-signing.cert.pem" 2>/dev/null
rm -f "$dir/update-ca.cert.srl"
chmod 0644 "$dir/update-ca.cert.pem" "$dir/update-signing.cert.pem"
openssl verify -purpose any -CAfile "$dir/update-ca.cert.pem" "$dir/update-signing.cert.pem" >/dev/null
