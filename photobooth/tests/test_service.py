"""scripts/booth/install.sh: the booth as a systemd user service started with
the desktop session. systemctl --user cannot run here (no user manager) and
these tests run as root, so `systemctl` and `id` are stand-ins that record;
the unit files are checked by systemd-analyze itself."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "scripts" / "booth" / "install.sh"


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    python = home / "booth-venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    (stand_ins / "systemctl").write_text(f'#!/bin/sh\necho "$*" >>{tmp_path / "systemctl.log"}\n')
    (stand_ins / "id").write_text("#!/bin/sh\necho 1000\n")  # the booth's user, not root
    for tool in stand_ins.iterdir():
        tool.chmod(0o755)
    return home, {"HOME": str(home), "PATH": f"{stand_ins}:/usr/bin:/bin"}, tmp_path / "systemctl.log"


def test_install_makes_a_user_service_started_with_the_desktop_session(home):
    home, environment, systemctl_log = home

    installed = subprocess.run([INSTALL], env=environment, capture_output=True, text=True, check=False)

    assert installed.returncode == 0, installed.stderr
    unit = home / ".config" / "systemd" / "user" / "photobooth.service"
    text = unit.read_text()
    assert f"ExecStart={home}/booth-venv/bin/python -m photobooth run\n" in text
    assert f"WorkingDirectory={ROOT}\n" in text
    assert "WantedBy=graphical-session.target\n" in text
    assert "PartOf=graphical-session.target\n" in text
    assert "/run/user/" not in text
    assert "wayland-0" not in text
    assert (home / ".config" / "systemd" / "user" / "photobooth-session.target").is_file()
    autostart = (home / ".config" / "autostart" / "photobooth-session.desktop").read_text()
    assert "systemctl --user import-environment WAYLAND_DISPLAY DISPLAY" in autostart
    assert systemctl_log.read_text().splitlines() == ["--user daemon-reload", "--user enable photobooth.service"]
    if shutil.which("systemd-analyze") and Path("/usr/lib/systemd/user/graphical-session.target").is_file():
        verified = subprocess.run(
            ["systemd-analyze", "verify", unit, unit.with_name("photobooth-session.target")],
            env={"SYSTEMD_UNIT_PATH": "/usr/lib/systemd/user:", "PATH": "/usr/bin:/bin"},  # graphical-session.target
            capture_output=True,
            text=True,
            check=False,
        )
        assert verified.returncode == 0, verified.stderr
        assert "Unknown" not in verified.stderr


def test_install_says_where_the_venv_should_be(home):
    home, environment, systemctl_log = home

    installed = subprocess.run(
        [INSTALL], env={**environment, "PHOTOBOOTH_VENV": str(home / "nowhere")}, capture_output=True, text=True
    )

    assert installed.returncode == 1
    assert installed.stderr == (
        f"No Python at {home}/nowhere/bin/python: create the venv first (docs/raspberry-pi.md, step 3), "
        "or set PHOTOBOOTH_VENV.\n"
    )
    assert not systemctl_log.exists()
