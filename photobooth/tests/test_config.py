"""The settings file and the secrets: every mistake named with its fix, at once."""

import pytest

from photobooth.config import ConfigError, load, load_secrets, parse


def test_example_settings_are_valid():
    config = load("photobooth/photobooth.example.toml")

    assert (config.portal_url, config.camera, config.targets) == ("https://jams.example.org", "picamera2", ("portal",))


def test_every_problem_is_reported_with_its_key_and_fix(tmp_path):
    text = """
[portal]
url = "jams.example.org"
[booth]
targets = ["portal", "facebook"]
[camera]
kind = "picamera"
[gpio]
button_pin = "17"
buton = 3
[branding]
logo = "missing.png"
scale = 2
[screan]
"""
    with pytest.raises(ConfigError) as raised:
        parse(text, source="booth.toml", base=tmp_path)

    assert str(raised.value).splitlines() == [
        "booth.toml has 8 problems:",
        '  [portal] url: must be a web address such as "https://jams.example.org", not "jams.example.org".',
        '  [booth] targets: must be a list drawn from portal, x, mastodon, such as ["portal", "mastodon"], '
        "not ['portal', 'facebook'].",
        '  [camera] kind: "picamera" is not one of picamera2, webcam, fake.',
        '  [gpio] button_pin: must be a GPIO number from 0 to 27 (BCM numbering), not "17".',
        '  [gpio] buton is not a setting (did you mean "button_pin"?).',
        "  [branding] scale: must be a number from 0.02 to 0.5, not 2.",
        '  [screan] is not a section (did you mean "screen"?).',
        f"  [branding] logo: no file at {tmp_path / 'missing.png'}.",
    ]


def test_broken_toml_names_the_line():
    with pytest.raises(ConfigError, match=r"photobooth.toml is not valid TOML: .*line 2"):
        parse('[portal]\nurl = "https://x.example\n')


def test_mastodon_target_needs_an_instance():
    with pytest.raises(ConfigError, match=r"\[mastodon\] instance: needed to post to Mastodon"):
        parse('[booth]\ntargets = ["portal", "mastodon"]')


def test_missing_settings_file_says_where_to_start(tmp_path):
    with pytest.raises(ConfigError, match=r"No config file at .*: copy photobooth/photobooth\.example\.toml there\."):
        load(tmp_path / "nope.toml")


def test_secrets_come_from_the_file_and_the_environment_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('portal_token = "jpb_file"\n[x]\nconsumer_key = "ck"\n[mastodon]\naccess_token = "file"\n')
    secrets.chmod(0o600)
    config = parse(f'[booth]\nsecrets = "{secrets}"\n[mastodon]\ninstance = "https://mastodon.example"')

    loaded = load_secrets(config, environ={"PHOTOBOOTH_MASTODON_ACCESS_TOKEN": "env"})

    assert loaded == {
        "portal_token": "jpb_file",
        "x": {"consumer_key": "ck"},
        "mastodon": {"access_token": "env", "instance": "https://mastodon.example"},
    }


def test_secrets_readable_by_others_are_refused(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('portal_token = "jpb_x"\n')
    secrets.chmod(0o644)
    config = parse(f'[booth]\nsecrets = "{secrets}"')

    with pytest.raises(ConfigError, match=f"can be read by other users: run `chmod 600 {secrets}`"):
        load_secrets(config, environ={})
