"""Messages of Flask-AppBuilder's own screens and templates that its Simplified Chinese catalog
leaves untranslated, and form messages that WTForms' catalog lacks or words wrongly; listed here
so our catalog carries their translation (ours win)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FAB_MESSAGES = (
    # List and show pages: the row buttons and the toolbar.
    _l("Show"), _l("Edit"), _l("Delete"), _l("Add"), _l("List"), _l("Refresh"), _l("Filter"),
    _l("Select"), _l("Previous"), _l("Next"), _l("Yes"), _l("No"),
    # The delete confirmation and alert dialogs.
    _l("Are you sure you want to delete this item?"), _l("Cancel"), _l("OK"),
    # The security screens of the super-administrator.
    _l("List Groups"), _l("Groups"), _l("Group"), _l("Add Group"), _l("Edit Group"),
    _l("Show Group"), _l("Users"), _l("Roles"), _l("Label"), _l("Description"),
    _l("Login Count"),
    # The user form's help texts (FAB's catalog has the first one fuzzy, the others not at all).
    _l("It's not a good policy to remove a user, just make it inactive"),
    _l("The user's password for authentication"),
    _l("The user group on the application, this will associate with a list of roles associated "
       "with the group"),
)

# Field messages of the record forms (console.datamodel.forms.FormTranslations reads ours first):
# FAB's select fields say "Not a valid choice" (no full stop: not in WTForms' catalog), and
# WTForms' Chinese for "at least 1" / "at most 99" says "more than 1" / "less than 99".
FORM_MESSAGES = (
    _l("Not a valid choice"),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
)
