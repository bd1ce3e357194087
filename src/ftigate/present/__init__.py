"""Presentation above the service: the overseers' self-contained HTML reports and their templates."""
