import secrets

# Crockford-like alphabet without look-alikes; 16 chars ≈ 80 bits: not guessable, not sequential.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


_USABLE = 256 - 256 % len(ALPHABET)  # bytes from here up would bias the draw: dropped
# Byte b -> ALPHABET[b % 31], for bytes.translate (C speed: the demo draws millions).
_TO_ALPHABET = bytes(ALPHABET.encode()[b % len(ALPHABET)] for b in range(256))
_BIASED = bytes(range(_USABLE, 256))


def public_ids(count: int) -> list[str]:
    """`count` unguessable ids like `new_public_id`, from one call to the OS."""
    ids: list[str] = []
    while len(ids) < count:
        raw = secrets.token_bytes((count - len(ids)) * 18).translate(_TO_ALPHABET, _BIASED)
        text = raw.decode()
        ids += [text[i : i + 16] for i in range(0, len(text) - 15, 16)][: count - len(ids)]
    return ids
