#!/bin/sh
# Start the photobooth with the desktop, as a systemd user service.
# Run it as the booth's user (no sudo), from anywhere:
#   ~/jamportal/scripts/booth/install.sh            (the venv at ~/booth-venv)
#   PHOTOBOOTH_VENV=/path/to/venv .../install.sh      (elsewhere)
# It installs photobooth.service and photobooth-session.target into
# ~/.config/systemd/user/ and photobooth-session.desktop into ~/.config/autostart/
# (the desktop's autostart), then enables the service. Run it again after
# moving the repository or the venv.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
venv=${PHOTOBOOTH_VENV:-$HOME/booth-venv}
config=${XDG_CONFIG_HOME:-$HOME/.config}

if [ "$(id -u)" -eq 0 ]; then
    echo "Run this as the booth's user, without sudo: the booth is a service of that user's desktop session." >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "No Python at $venv/bin/python: create the venv first (docs/raspberry-pi.md, step 3), or set PHOTOBOOTH_VENV." >&2
    exit 1
fi
case "$repository$venv" in
    *[[:space:]%\&\|]*)
        echo "The repository ($repository) or the venv ($venv) has a space, %, & or | in its path: move it." >&2
        exit 1 ;;
esac

mkdir -p "$config/systemd/user" "$config/autostart"
sed -e "s|%h/jamportal|$repository|g" -e "s|%h/booth-venv|$venv|g" "$here/photobooth.service" \
    >"$config/systemd/user/photobooth.service"
cp "$here/photobooth-session.target" "$config/systemd/user/"
cp "$here/photobooth-session.desktop" "$config/autostart/"
systemctl --user daemon-reload
systemctl --user enable photobooth.service

echo "The booth will start with the desktop, from the next login on. To start it now, from the desktop:"
echo "  systemctl --user start photobooth-session.target"
echo "Its log: journalctl --user -u photobooth -f"
if [ -e /etc/systemd/system/photobooth.service ]; then
    echo "An older system-wide unit is still installed; remove it so that only one booth starts:" >&2
    echo "  sudo systemctl disable --now photobooth && sudo rm /etc/systemd/system/photobooth.service" >&2
fi
