#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests need and is missing (redis-server, redis-sentinel,
# iptables, PostgreSQL, Chromium, Janus, Node.js), builds in Release, runs every test inside a network namespace that has only loopback
# (scripts/loopback-namespace.sh), and ends with a line "N passed, N failed".
# The tests start their own throwaway servers (redis-server, PostgreSQL clusters made by initdb, Janus, headless Chromium)
# on private loopback ports in temp dirs, and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
[ -x /usr/sbin/iptables ] || missing+=(iptables)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/janus ] || missing+=(janus)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages)..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  # Debian may start a system-wide janus, redis-server and redis-sentinel on install: the tests run their own
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop janus redis-server redis-sentinel >/dev/null 2>&1 || true; fi
  for service in redis-server redis-sentinel; do [ -x /etc/init.d/$service ] && $SUDO /etc/init.d/$service stop >/dev/null 2>&1 || true; done
fi

# Kiota, which a test runs to prove the checked-in client is what docs/openapi.json generates (.config/dotnet-tools.json)
dotnet tool restore >/dev/null
# the packages the docs' Node examples import (DocsExamplesTests runs them)
(cd CallServer.Tests/DocsExamples/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
dotnet build CallServer.sln -c Release -nologo -v quiet
# the .NET client's NuGet package (with its README), as an app would take it
dotnet pack clients/dotnet/CallServer.Client -c Release --no-build -nologo -v quiet -o "$(mktemp -d)"

results=$(mktemp -d)
# every test inside a namespace with loopback only (browser and media tests need it; the others are the safer for it)
run=()
if [ "$(id -u)" -eq 0 ]; then run=(scripts/loopback-namespace.sh); else echo "not root: running without the loopback namespace (media tests need it)"; fi
status=0
"${run[@]}" dotnet test CallServer.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # the failures again at the very end, where a truncated log still shows them: name, message, first lines of the stack
  perl -0777 -ne 'while (/<UnitTestResult\b[^>]*?testName="([^"]*)"[^>]*?outcome="Failed".*?<\/UnitTestResult>/gs) {
      my ($name, $body) = ($1, $&); my ($msg) = $body =~ /<Message>(.*?)<\/Message>/s; my ($st) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
      for ($name, $msg, $st) { $_ //= ""; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
      my @lines = split /\n/, $st; $msg = substr($msg, 0, 2000); $msg =~ s/\n/\n  /g; print "FAILED $name\n  $msg\n", map({ "  $_\n" } @lines[0 .. ($#lines < 7 ? $#lines : 7)]);
    }' "$trx"
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
