from balai.core import ids


def test_public_ids_are_unguessable_strings_of_the_alphabet():
    drawn = ids.public_ids(5000)
    assert len(drawn) == len(set(drawn)) == 5000
    assert all(len(each) == ids.LENGTH and set(each) <= set(ids.ALPHABET) for each in drawn)
    # Every character position uses the whole alphabet: nothing fixed, nothing biased away.
    assert all({each[i] for each in drawn} == set(ids.ALPHABET) for i in range(ids.LENGTH))


def test_clustered_ids_share_a_random_prefix_and_nothing_else():
    batches = [ids.clustered_public_ids(3000) for _ in range(6)]
    for batch in batches:
        assert len(batch) == len(set(batch)) == 3000
        assert batch == sorted(batch)
        assert all(len(each) == ids.LENGTH and set(each) <= set(ids.ALPHABET) for each in batch)
        assert len({each[: ids.CLUSTER_PREFIX] for each in batch}) == 1
        # After the prefix, each character is drawn anew for each id.
        assert all(
            {each[i] for each in batch} == set(ids.ALPHABET) for i in range(ids.CLUSTER_PREFIX, ids.LENGTH)
        )
    # The prefix is drawn for each batch (six equal ones: about 1 in 30,000⁵).
    assert len({batch[0][: ids.CLUSTER_PREFIX] for batch in batches}) > 1
    assert ids.clustered_public_ids(0) == []
