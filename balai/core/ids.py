import secrets

# Crockford-like alphabet without look-alikes; 16 chars ≈ 80 bits: not guessable, not sequential.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(16))
