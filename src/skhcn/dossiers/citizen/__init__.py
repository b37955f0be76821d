"""The applicant's pages and public tracking: views, forms, URLs, the tracking lookup and its extension point."""
