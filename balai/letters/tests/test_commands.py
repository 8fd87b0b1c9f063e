import json
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from balai.letters import signing
from balai.letters.signing import verify_url


def test_verify_letter_accepts_the_qr_url(issued_a, capsys):
    call_command("verify_letter", verify_url(issued_a))
    out = capsys.readouterr().out
    assert "ASLI" in out
    assert issued_a.number in out
    assert "S*** W******" in out


def test_verify_letter_with_a_keys_file_and_bare_payload(issued_a, capsys, tmp_path):
    # given: the public keys exported once, e.g. to a bank
    call_command("letter_keys")
    keys = tmp_path / "keys.json"
    keys.write_text(capsys.readouterr().out)
    # when
    call_command("verify_letter", signing.payload_of(issued_a), keys=str(keys))
    # then
    assert "ASLI" in capsys.readouterr().out


def test_verify_letter_refuses_tampering(issued_a):
    url = verify_url(issued_a)
    at = url.index("?p=") + 10
    tampered = url[:at] + ("A" if url[at] != "A" else "B") + url[at + 1 :]
    with pytest.raises(CommandError, match="TIDAK ASLI"):
        call_command("verify_letter", tampered)
    other_token = url.replace(issued_a.token, "x" * len(issued_a.token))
    with pytest.raises(CommandError, match="token"):
        call_command("verify_letter", other_token)
    with pytest.raises(CommandError):
        call_command("verify_letter", "bukan-kode")


def test_letter_keys_rotate_keeps_old_keys(issued_a, capsys):
    call_command("letter_keys", rotate=True)
    keys = json.loads(capsys.readouterr().out)
    assert issued_a.key_id in keys
    assert len(keys) == 2


def test_letter_bench_leaves_nothing_behind(resident_a, capsys):
    from balai.letters.models import Letter

    call_command("letter_bench", n=3)
    out = capsys.readouterr().out
    assert "p95" in out
    assert Letter.objects.count() == 0


def test_verify_letter_refuses_payload_text_the_lenient_decoder_accepted(issued_a):
    from balai.letters.tests.test_signing import _variants

    for variant in _variants(signing.payload_of(issued_a)):
        with pytest.raises(CommandError, match="TIDAK ASLI"):
            call_command("verify_letter", variant)
        url = verify_url(issued_a, with_payload=False) + "?p=" + quote(variant, safe="")
        with pytest.raises(CommandError, match="TIDAK ASLI"):
            call_command("verify_letter", url)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"id": 5}', "'id'"),
        ('{"id": "zz"}', "'id'"),
        ('{"id": "abcd"}', "'id'"),
        ("[1, 2]", "objek JSON"),
        ("{}", "objek JSON"),
        ("bukan json", "bukan JSON"),
        (b"\xff\xfe", "bukan JSON"),
    ],
)
def test_verify_letter_bad_keys_file_is_a_clear_error_with_exit_code_2(issued_a, tmp_path, content, says):
    keys = tmp_path / "keys.json"
    if isinstance(content, bytes):
        keys.write_bytes(content)
    else:
        keys.write_text(content)
    with pytest.raises(CommandError, match="Berkas kunci") as error:
        call_command("verify_letter", signing.payload_of(issued_a), keys=str(keys))
    assert says in str(error.value)
    assert error.value.returncode == 2


def test_verify_letter_missing_keys_file_exits_2(issued_a, tmp_path):
    with pytest.raises(CommandError, match="Berkas kunci tidak dapat dibuka") as error:
        call_command("verify_letter", signing.payload_of(issued_a), keys=str(tmp_path / "tidak-ada.json"))
    assert error.value.returncode == 2


def test_verify_letter_bad_keys_file_from_the_shell_prints_no_traceback(issued_a, tmp_path):
    import subprocess
    import sys

    keys = tmp_path / "keys.json"
    keys.write_text('{"id": 5}')
    # The keys file is read before anything else, so the bogus payload is never reached.
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_letter", "a.b", "--keys", str(keys)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Berkas kunci" in done.stderr
