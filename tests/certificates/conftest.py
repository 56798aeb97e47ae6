"""The batch tests' fixtures, for every certificates test module."""
from tests.certificates.test_batches import town  # noqa: F401 (a fixture)
