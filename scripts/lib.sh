# What the scripts share (sourced, not run): installing Debian packages and finding a free port.

# Root runs apt-get itself; anyone else through sudo.
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

# apt_install WHY PACKAGE…: installs Debian packages, saying on stderr which and why.
apt_install() {
    local why=$1; shift
    echo "installing $* (Debian packages) $why" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# A port nothing listens on at this moment, on the loopback.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
