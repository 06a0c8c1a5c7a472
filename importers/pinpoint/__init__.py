"""Amazon Pinpoint journey exports to journeysim import bundles (SPEC §4).

:func:`translate` is the pure converter (JSON in, bundle and report out);
:func:`import_files` and :func:`write_project` are the file shell around it;
:func:`check` holds input to botocore's Pinpoint service model; and
:func:`translate_template` turns one Handlebars template into Jinja2. Hypothesis
strategies that build exports from the service model live in
``importers.pinpoint.strategies``.
"""

from importers.pinpoint.bundle import (
    BUNDLE_FORMAT,
    BundleSource,
    ImportBundle,
    ReportEntry,
    bundle_schema,
)
from importers.pinpoint.loader import (
    ImportRun,
    SourceFile,
    import_files,
    read_source,
    read_sources,
    write_project,
)
from importers.pinpoint.servicemodel import Problem, check, export_shape, service_shapes
from importers.pinpoint.templates import (
    TemplateIssue,
    TemplateTranslation,
    default_substitutions,
    translate_template,
)
from importers.pinpoint.translator import translate

__all__ = [
    "BUNDLE_FORMAT",
    "BundleSource",
    "ImportBundle",
    "ImportRun",
    "Problem",
    "ReportEntry",
    "SourceFile",
    "TemplateIssue",
    "TemplateTranslation",
    "bundle_schema",
    "check",
    "default_substitutions",
    "export_shape",
    "import_files",
    "read_source",
    "read_sources",
    "service_shapes",
    "translate",
    "translate_template",
    "write_project",
]
