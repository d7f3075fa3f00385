"""The settings file and the secrets: every mistake named with its fix, at once."""

import pytest

from photobooth.config import ConfigError, load, load_secrets, parse


def test_example_settings_are_valid():
    config = load("photobooth/photobooth.example.toml")

    assert (config.portal_url, config.camera, config.targets) == ("https://jams.example.org", "picamera2", ("portal",))


def test_the_laptop_demo_has_the_gallery_and_panel_on_and_the_rest_a_switch_away():
    config = load("photobooth/demo.toml")

    assert (config.portal_url, config.camera, config.gpio) == ("http://127.0.0.1:8000", "fake", False)
    assert (config.gallery, config.gallery_port, config.gallery_name) == (True, 8090, "booth-demo")
    assert (config.boomerang, config.printing, config.printer) == (False, False, "PDF")


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
        '  [booth] targets: must be a list drawn from portal, x, mastodon, bluesky, such as ["portal", "mastodon"], '
        "not ['portal', 'facebook'].",
        '  [camera] kind: "picamera" is not one of picamera2, webcam, fake.',
        '  [gpio] button_pin: must be a GPIO number from 0 to 27 (BCM numbering), not "17".',
        '  [gpio] buton is not a setting (did you mean "button_pin"?); [gpio] takes enabled, button_pin, led_pin.',
        "  [branding] scale: must be a number from 0.02 to 0.5, not 2.",
        '  [screan] is not a section (did you mean "screen"?); the sections are portal, booth, camera, gpio, '
        "screen, branding, mastodon, bluesky, boomerang, gallery, printing.",
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
        "bluesky": {},
    }


def test_secrets_readable_by_others_are_refused(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('portal_token = "jpb_x"\n')
    secrets.chmod(0o644)
    config = parse(f'[booth]\nsecrets = "{secrets}"')

    with pytest.raises(ConfigError, match=f"can be read by other users: run `chmod 600 {secrets}`"):
        load_secrets(config, environ={})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'kind = "fake"\n[portal]\nurl = "https://jams.example.org"',
            'kind = "fake" is outside any section: put it under [camera].',
        ),
        ("[camera]\nfullscreen = false", "[camera] fullscreen is not a [camera] setting: put it under [screen]."),
        (
            'camera = "fake"',
            'camera = "fake": [camera] is a section, not a setting: write [camera] on a line of its own '
            "and its settings under it, such as kind.",
        ),
        ('[booth]\nfolder = ""', '[booth] folder: must be a folder such as "~/photobooth", not "".'),
        (
            '[booth]\nsecrets = ""',
            '[booth] secrets: must be a file such as "~/.config/photobooth/secrets.toml", not "".',
        ),
        (
            "[gpio]\nbutton_pin = 17\nled_pin = 17",
            "[gpio] led_pin: 17 is the button's pin too: wire the LED to another GPIO, such as 27.",
        ),
        (
            "[gpio]\nbutton_pin = 27",
            "[gpio] led_pin: 27 is the button's pin too: wire the LED to another GPIO, such as 22.",
        ),
        ("[camera]\nrotation = 45", "[camera] rotation: must be 0, 90, 180 or 270 (degrees clockwise), not 45."),
        ('[screen]\nmirror = "yes"', '[screen] mirror: must be true or false, not "yes".'),
    ],
)
def test_a_mistake_gets_one_line_naming_the_key_the_problem_and_the_fix(text, problem):
    with pytest.raises(ConfigError) as raised:
        parse(text, source="booth.toml")

    assert str(raised.value).splitlines() == ["booth.toml has 1 problem:", f"  {problem}"]


def test_rotation_and_mirror_are_settings():
    config = parse("[camera]\nrotation = 270\n[screen]\nmirror = false")

    assert (config.rotation, config.mirror) == (270, False)
    assert (parse("").rotation, parse("").mirror) == (0, True)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'x = "ck"',
            "x = ... must be a section: write [x] on a line of its own and put consumer_key, "
            "consumer_secret, access_token, access_token_secret under it.",
        ),
        (
            '[portal_token]\nvalue = "jpb_x"',
            '[portal_token] must be a value, not a section: portal_token = "jpb_..." at the top of the file.',
        ),
        ("portal_token = 1234", 'portal_token must be text in quotes, such as portal_token = "jpb_...".'),
        (
            'portal_tokn = "jpb_x"',
            'portal_tokn is not a secret the booth knows (did you mean "portal_token"?); '
            "the file takes portal_token, [x], [mastodon] and [bluesky].",
        ),
        (
            '[x]\nconsumer_kye = "ck"',
            '[x] consumer_kye is not a secret the booth knows (did you mean "consumer_key"?); '
            "[x] takes consumer_key, consumer_secret, access_token, access_token_secret.",
        ),
    ],
)
def test_a_mistake_in_the_secrets_file_gets_one_line_and_never_shows_a_secret(tmp_path, text, problem):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(text + "\n")
    secrets.chmod(0o600)
    config = parse(f'[booth]\nsecrets = "{secrets}"')

    with pytest.raises(ConfigError) as raised:
        load_secrets(config, environ={})

    assert str(raised.value).splitlines() == [f"{secrets} has 1 problem:", f"  {problem}"]
    assert raised.value.problems == [problem]
    assert '"ck"' not in str(raised.value)
    assert "jpb_x" not in str(raised.value)


# --- Bluesky ---


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[bluesky]\nhandle = "ourjam"',
            '[bluesky] handle: must be the account\'s whole handle, such as "ourjam.bsky.social", not "ourjam".',
        ),
        (
            '[bluesky]\nhandle = "jam@example.org"',
            '[bluesky] handle: must be the account\'s whole handle, such as "ourjam.bsky.social", '
            'not "jam@example.org".',
        ),
        (
            '[bluesky]\nhandle = "ourjam.bsky.social"\nservice = "bsky.social"',
            '[bluesky] service: must be the web address of the account\'s PDS, such as "https://bsky.social", '
            'not "bsky.social".',
        ),
        (
            '[bluesky]\nhandle = "ourjam.bsky.social"\napp_password = "abcd-efgh-ijkl-mnop"',
            "[bluesky] app_password is a secret: put it in the secrets file ([booth] secrets) or the "
            "PHOTOBOOTH_BLUESKY_APP_PASSWORD variable, never in the settings.",
        ),
        (
            '[booth]\ntargets = ["portal", "bluesky"]',
            '[bluesky] handle: needed to post to Bluesky, such as "ourjam.bsky.social".',
        ),
    ],
)
def test_a_bad_bluesky_section_gets_one_line_naming_the_key_and_the_fix(text, problem):
    with pytest.raises(ConfigError) as raised:
        parse(text, source="booth.toml")

    assert str(raised.value).splitlines() == ["booth.toml has 1 problem:", f"  {problem}"]
    assert "abcd-efgh" not in str(raised.value)  # a secret in the wrong file is named, never shown


def test_bluesky_handle_and_service_come_from_the_settings_and_the_app_password_from_the_secrets(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[bluesky]\napp_password = "file-file-file-file"\n')
    secrets.chmod(0o600)
    config = parse(
        f'[booth]\nsecrets = "{secrets}"\ntargets = ["portal", "bluesky"]\n'
        '[bluesky]\nhandle = "@ourjam.bsky.social"\nservice = "https://pds.example.org"'
    )

    from_file = load_secrets(config, environ={})
    from_environment = load_secrets(config, environ={"PHOTOBOOTH_BLUESKY_APP_PASSWORD": "envv-envv-envv-envv"})

    assert config.targets == ("portal", "bluesky")
    assert from_file["bluesky"] == {
        "app_password": "file-file-file-file",
        "handle": "ourjam.bsky.social",  # written as people write it, with its @; logged in without
        "service": "https://pds.example.org",
    }
    assert from_environment["bluesky"]["app_password"] == "envv-envv-envv-envv"


def test_a_mistake_in_the_bluesky_secrets_is_named_by_its_key(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[bluesky]\napp_pasword = "abcd-efgh-ijkl-mnop"\n')
    secrets.chmod(0o600)

    with pytest.raises(ConfigError) as raised:
        load_secrets(parse(f'[booth]\nsecrets = "{secrets}"'), environ={})

    assert raised.value.problems == [
        '[bluesky] app_pasword is not a secret the booth knows (did you mean "app_password"?); '
        "[bluesky] takes app_password."
    ]
    assert "abcd" not in str(raised.value)
