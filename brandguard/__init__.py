"""brandguard: brand reputation and public-opinion monitoring for regional brands.

The core package holds what every stage shares: domain models, configuration, the store
interface and backends, the pipeline that wires the stages, and the CLI.
"""

__version__ = "0.1.0"
