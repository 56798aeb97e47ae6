"""The hours ledger: every credited amount of service time."""
