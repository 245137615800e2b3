"""FastAPI dependencies: the app's store, settings and renderer, kept on `app.state`."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from progleton.config import Settings
from progleton.pipeline import Pipeline
from progleton.store import Store
from progleton.web.filters import ChoicesCache
from progleton.web.templating import Renderer

# Pages and feeds also answer HEAD: uptime monitors, link checkers and `curl -I` use it.
GET_HEAD = ["GET", "HEAD"]


def get_store(request: Request) -> Store:
    """The store the app was created with."""
    return cast(Store, request.app.state.store)


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return cast(Settings, request.app.state.settings)


def get_pipeline(request: Request) -> Pipeline:
    """The app's pipeline (use cases such as the ranked front page)."""
    return cast(Pipeline, request.app.state.pipeline)


def get_renderer(request: Request) -> Renderer:
    """The app's template renderer."""
    return cast(Renderer, request.app.state.renderer)


def get_choices(request: Request) -> ChoicesCache:
    """The cached choices of the front-page filter form."""
    return cast(ChoicesCache, request.app.state.choices)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RendererDep = Annotated[Renderer, Depends(get_renderer)]
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
ChoicesDep = Annotated[ChoicesCache, Depends(get_choices)]
