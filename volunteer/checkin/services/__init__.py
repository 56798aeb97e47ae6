"""Use cases of check-in, by module: the rules of a scan (scanning), what every scan shares, the
lock and the scan log (scans), sessions the system closes (stale). Callers import them from here."""
from volunteer.checkin.services.scanning import (
    checked_in_at,
    ensure_kiosk,
    get_kiosk_station,
    projects_open_to,
    running_projects,
    scan_card,
    scan_number,
    scan_station_code,
)
from volunteer.checkin.services.scans import ScanOutcome, open_session_at, open_session_of, validate_location
from volunteer.checkin.services.stale import close_stale, forget_locations, stale_after, stale_candidates

__all__ = [
    "ScanOutcome", "checked_in_at", "close_stale", "ensure_kiosk", "forget_locations", "get_kiosk_station", "may_check_in_to",
    "open_session_at", "open_session_of", "projects_open_to", "running_projects", "scan_card", "scan_number", "scan_station_code", "stale_after", "stale_candidates",
    "validate_location",
]
