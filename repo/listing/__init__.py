"""Reading the Secretariat's listing pages (French, English, Spanish) into events."""
