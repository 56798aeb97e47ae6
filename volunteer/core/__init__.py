"""What every domain shares: errors, time, audit log, permissions, crypto, pagination."""
