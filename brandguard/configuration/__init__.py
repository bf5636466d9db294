"""Configuration: YAML files parsed once, at the edge, into strict typed models."""

from brandguard.configuration.loader import Config, load_config
from brandguard.configuration.models import Brand, BrandKind, Lexicon, Organization, Settings

__all__ = ["Brand", "BrandKind", "Config", "Lexicon", "Organization", "Settings", "load_config"]
