"""What the plugin kinds (payment gateways, SMS providers, postal carriers, identity providers) have in common.

Each kind keeps its own registry in its app; this app only looks across them (today: sandboxes in production).
"""
