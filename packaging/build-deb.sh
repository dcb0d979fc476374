#!/usr/bin/env bash
# Builds the Debian package of FailoverDns from this checkout, without network beyond the NuGet
# restore: the server published self-contained for linux-x64 (no .NET on the target machine),
# `failoverdns` on the PATH, /etc/failoverdns/failoverdns.yaml, and a hardened systemd unit.
# Usage: bash packaging/build-deb.sh [OUTPUT_DIR]   (default artifacts/); prints the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts}
version=$(dotnet msbuild src/FailoverDns.Server/FailoverDns.Server.csproj -getProperty:Version)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

dotnet publish src/FailoverDns.Server/FailoverDns.Server.csproj -c Release -r linux-x64 --self-contained \
    -p:DebugType=none -o "$stage/usr/lib/failoverdns" >&2
install -d "$stage/usr/bin" "$stage/etc/failoverdns" "$stage/lib/systemd/system" \
    "$stage/usr/share/doc/failoverdns" "$stage/usr/share/failoverdns" "$stage/DEBIAN"
ln -s ../lib/failoverdns/failoverdns "$stage/usr/bin/failoverdns"
install -m 0644 packaging/failoverdns.yaml "$stage/etc/failoverdns/failoverdns.yaml"
install -m 0644 packaging/failoverdns.service "$stage/lib/systemd/system/failoverdns.service"
install -m 0644 README.md "$stage/usr/share/doc/failoverdns/README.md"
install -m 0644 config/failoverdns.schema.json "$stage/usr/share/failoverdns/failoverdns.schema.json"

size=$(du -sk "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" packaging/debian/control > "$stage/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"

mkdir -p "$out"
deb="$out/failoverdns_${version}_amd64.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >&2
echo "$deb"
