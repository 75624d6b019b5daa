"""Babel catalogs of the console (one domain, ``messages``); zh_CN is the default language."""
