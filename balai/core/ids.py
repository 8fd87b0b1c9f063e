import secrets

# Crockford-like alphabet without look-alikes; 16 chars ≈ 80 bits: not guessable, not sequential.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 16


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


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
        ids += [text[i : i + LENGTH] for i in range(0, len(text) - LENGTH + 1, LENGTH)][: count - len(ids)]
    return ids


# Characters a batch of `clustered_public_ids` shares: 31³ ≈ 30,000 places in the index.
CLUSTER_PREFIX = 3


def clustered_public_ids(count: int) -> list[str]:
    """`count` ids for rows inserted together, sorted, sharing their first `CLUSTER_PREFIX`
    characters (drawn at random for each call); the other 13 are drawn for each id.

    Random ids land all over their unique index: 100,000 rows inserted into a table of a
    million touched nearly every leaf page of its public-id index, each page read back into
    PostgreSQL's buffers and written whole into the WAL at its first change after a
    checkpoint — a quarter of the server's work in a resident import, more than a second per
    100,000 rows. A batch sharing a prefix fills a few new pages side by side instead.

    Still unguessable: knowing one id of a batch leaves 13 characters, 31¹³ ≈ 2⁶⁴ choices,
    for any other. Still not a clock or a counter: an id says nothing about when its row was
    made. What it does say: ids sharing a prefix were probably written together, and sorted
    ids given out in a file's order hint at neighbours in the file (often one family). Ids
    are only shown to users who may see both rows, always looked up within one village."""
    if count == 0:
        return []
    drawn = public_ids(count + 1)
    prefix = drawn.pop()[:CLUSTER_PREFIX]
    ids = [prefix + each[CLUSTER_PREFIX:] for each in drawn]
    ids.sort()
    return ids
