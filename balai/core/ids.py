import secrets

# Crockford-like alphabet without look-alikes; 16 chars ≈ 80 bits: not guessable, not sequential.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(16))


def public_ids(count: int) -> list[str]:
    """`count` unguessable ids like `new_public_id`, from one call to the OS."""
    alphabet = ALPHABET.encode()
    usable = 256 - 256 % len(alphabet)  # drop the bytes that would bias the draw
    ids: list[str] = []
    while len(ids) < count:
        raw = bytes(
            alphabet[b % len(alphabet)] for b in secrets.token_bytes((count - len(ids)) * 18) if b < usable
        )
        text = raw.decode()
        ids += [text[i : i + 16] for i in range(0, len(text) - 15, 16)][: count - len(ids)]
    return ids
