"""The reader's web site, JSON API and feeds, server-rendered (`create_app`)."""

from __future__ import annotations

from progleton.web.app import create_app

__all__ = ["create_app"]
