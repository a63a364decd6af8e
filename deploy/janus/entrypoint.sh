#!/bin/sh
# Puts the secrets and the public address from the environment into Janus's configuration, then runs Janus in the foreground.
set -eu
: "${JANUS_API_SECRET:?}" "${JANUS_ADMIN_KEY:?}" "${PUBLIC_IP:?}"
sed -i "s|@API_SECRET@|$JANUS_API_SECRET|; s|@PUBLIC_IP@|$PUBLIC_IP|" /etc/janus/janus.jcfg
sed -i "s|@ADMIN_KEY@|$JANUS_ADMIN_KEY|" /etc/janus/janus.plugin.videoroom.jcfg
exec janus -F /etc/janus -C /etc/janus/janus.jcfg -o
