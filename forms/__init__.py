"""Form helpers shared by the console's screens: reusable field validators and masking."""
