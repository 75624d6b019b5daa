"""MongoEngine documents of the console; importing the package registers every one of them."""

from models.agency import Agency, Liaison
from models.case import Case
from models.case_numbers import CaseCounter
from models.centre import OpeningHours, ServiceCentre
from models.item import Material, ServiceItem
from models.roster import RosterEntry
from models.staff import StaffMember
from models.window import Window
from models.workcalendar import CalendarOverride, is_working_day, today_in_china

CONFIGURATION_DOCUMENTS = (
    ServiceCentre, Agency, ServiceItem, Window, StaffMember, RosterEntry, CalendarOverride,
)

__all__ = [
    "Agency", "CalendarOverride", "Case", "CaseCounter", "CONFIGURATION_DOCUMENTS", "Liaison",
    "Material",
    "OpeningHours", "RosterEntry", "ServiceCentre", "ServiceItem", "StaffMember", "Window",
    "is_working_day", "today_in_china",
]

# Complaints, ratings (whose module subscribes to case changes) and effectiveness reviews.
from models.complaint import Complaint  # noqa: E402
from models.rating import Rating, Rectification  # noqa: E402
from models.review import Review  # noqa: E402

__all__ += ["Complaint", "Rating", "Rectification", "Review"]

# Daily figures for the statistics and dashboards (its module subscribes to case changes).
from models.daily_figures import DailyFigure  # noqa: E402

__all__ += ["DailyFigure"]

# 一人多户 / 一址多照 counts per key (its module subscribes to case changes).
from models.risk_keys import RiskKey  # noqa: E402

__all__ += ["RiskKey"]

# Every process that writes calendars tells every process that reads them (a centre's calendar is
# kept per process until the calendar stamp changes).
from models.deadlines import watch_calendar_data  # noqa: E402

watch_calendar_data()
