"""Stable codes: the machine-readable half of every finding, decision and error.

Codes are API: never rename one. Messages are for humans and may change.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "MALFORMED_INPUT_CODES",
    "ApiErrorCode",
    "Decision",
    "EntryDecision",
    "FindingCode",
    "Gate",
    "ImportCode",
    "JourneyTestCode",
    "Override",
    "Reason",
    "ReportSeverity",
    "Severity",
    "import_severity_of",
    "severity_of",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(StrEnum):
    """Validation finding codes (SPEC §2)."""

    # errors: block publish
    INVALID_DOCUMENT = "invalid_document"
    DUPLICATE_STEP_ID = "duplicate_step_id"
    UNKNOWN_STEP_REFERENCE = "unknown_step_reference"
    CYCLE_DETECTED = "cycle_detected"
    UNKNOWN_COMMUNICATION = "unknown_communication"
    SEND_STEP_USES_TRANSACTIONAL_COMM = "send_step_uses_transactional_comm"
    CHANNEL_NOT_SUPPORTED = "channel_not_supported"
    INVALID_DURATION = "invalid_duration"
    INVALID_WAIT = "invalid_wait"
    BRANCH_NEEDS_TWO_ARMS = "branch_needs_two_arms"
    DUPLICATE_ARM_ID = "duplicate_arm_id"
    ADAPTIVE_BRANCH_WITHOUT_GOAL = "adaptive_branch_without_goal"
    UNKNOWN_SEGMENT = "unknown_segment"
    SEGMENT_CYCLE = "segment_cycle"
    UNKNOWN_TRIGGER_CONTRACT = "unknown_trigger_contract"
    INVALID_PREDICATE = "invalid_predicate"
    TEMPLATE_SYNTAX_ERROR = "template_syntax_error"
    # warnings: reported, do not block publish
    UNREACHABLE_STEP = "unreachable_step"
    MANUAL_TRIGGER_ONLY = "manual_trigger_only"
    LONG_WAIT = "long_wait"
    INSECURE_WEBHOOK_URL = "insecure_webhook_url"
    TEMPLATE_UNKNOWN_VARIABLE = "template_unknown_variable"
    WAIT_UNTIL_IN_PAST = "wait_until_in_past"


_WARNINGS = frozenset(
    {
        FindingCode.UNREACHABLE_STEP,
        FindingCode.MANUAL_TRIGGER_ONLY,
        FindingCode.LONG_WAIT,
        FindingCode.INSECURE_WEBHOOK_URL,
        FindingCode.TEMPLATE_UNKNOWN_VARIABLE,
        FindingCode.WAIT_UNTIL_IN_PAST,
    }
)


def severity_of(code: FindingCode) -> Severity:
    """The fixed severity of a finding code.

    >>> severity_of(FindingCode.CYCLE_DETECTED)
    <Severity.ERROR: 'error'>
    >>> severity_of(FindingCode.LONG_WAIT)
    <Severity.WARNING: 'warning'>
    """
    return Severity.WARNING if code in _WARNINGS else Severity.ERROR


# --- Dry-run traces (SPEC §3) -------------------------------------------------------------


class EntryDecision(StrEnum):
    """What happened when a subject was triggered into a journey (SPEC §3.1)."""

    ENTERED = "entered"
    NOT_ELIGIBLE = "not_eligible"
    BLOCKED = "blocked"


class Decision(StrEnum):
    """What happened at one step of a trace (SPEC §3.7)."""

    EXECUTED = "executed"
    SKIPPED = "skipped"
    BLOCKED = "blocked"
    DEFERRED = "deferred"
    FAILED = "failed"


class Gate(StrEnum):
    """The checks a subject passes at entry and before each send, in evaluation order."""

    JOURNEY_STATUS = "journey_status"
    AUDIENCE = "audience"
    HOLDOUT = "holdout"
    SUPPRESSION = "suppression"
    OPT_OUT = "opt_out"
    RECIPIENT = "recipient"
    QUIET_HOURS = "quiet_hours"
    DAILY_CAP = "daily_cap"
    FREQUENCY_CAP = "frequency_cap"


class Reason(StrEnum):
    """Why an entry or a step was decided the way it was."""

    # entry (SPEC §3.1)
    AUDIENCE_MISMATCH = "audience_mismatch"
    JOURNEY_PAUSED = "journey_paused"
    JOURNEY_ARCHIVED = "journey_archived"
    HOLDOUT_MEMBERSHIP = "holdout_membership"
    # send gates (SPEC §3.2), in gate order
    SUPPRESSION_MATCH = "suppression_match"
    OPT_OUT = "opt_out"
    MISSING_RECIPIENT = "missing_recipient"
    QUIET_HOURS = "quiet_hours"
    DAILY_CAP_EXCEEDED = "daily_cap_exceeded"
    FREQUENCY_CAP_EXCEEDED = "frequency_cap_exceeded"
    # steps that cannot run as written (an invalid draft simulated anyway)
    TEMPLATE_ERROR = "template_error"
    UNKNOWN_COMMUNICATION = "unknown_communication"
    TRANSACTIONAL_COMMUNICATION = "transactional_communication"
    CHANNEL_NOT_SUPPORTED = "channel_not_supported"
    INVALID_WAIT = "invalid_wait"
    UNKNOWN_STEP = "unknown_step"
    STEP_LIMIT = "step_limit"


class Override(StrEnum):
    """Gates a workspace owner may bypass in a dry-run (SPEC §3.3)."""

    OPT_OUT = "opt_out"
    SUPPRESSION = "suppression"
    FREQUENCY_CAP = "frequency_cap"
    HOLDOUT = "holdout"


# --- Pinpoint import reports (SPEC §4) ----------------------------------------------------


class ReportSeverity(StrEnum):
    """Severity of an import report entry: ``info`` records a decision, ``warning`` a
    behaviour that changed or was dropped, ``error`` something that blocks the import."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ImportCode(StrEnum):
    """Codes of the Pinpoint import report (besides validation finding codes)."""

    # the input is not a valid Pinpoint export (checked against botocore's service model)
    UNRECOGNISED_EXPORT = "unrecognised_export"
    UNKNOWN_KEY = "unknown_key"
    MISCASED_KEY = "miscased_key"
    WRONG_TYPE = "wrong_type"
    VALUE_NOT_ALLOWED = "value_not_allowed"
    MISSING_REQUIRED = "missing_required"
    NOT_ISO_DURATION = "not_iso_duration"
    NOT_ISO_TIMESTAMP = "not_iso_timestamp"
    NOT_HHMM_TIME = "not_hhmm_time"
    # translation
    ACTIVITY_NOT_TRANSLATED = "activity_not_translated"
    UNSUPPORTED_CHANNEL_SMS = "unsupported_channel_sms"
    CUSTOM_LAMBDA_PLACEHOLDER = "custom_lambda_placeholder"
    CUSTOM_WITHOUT_URI = "custom_without_uri"
    TEMPLATE_NOT_SUPPLIED = "template_not_supplied"
    TEMPLATE_NOT_NAMED = "template_not_named"
    HOLDOUT_REMOVED = "holdout_removed"
    CONTACT_CENTER_REMOVED = "contact_center_removed"
    RANDOM_SPLIT_ADAPTIVE = "random_split_adaptive"
    EMPTY_ACTIVITY = "empty_activity"
    MULTIPLE_ACTIVITY_TYPES = "multiple_activity_types"
    EMPTY_CONDITION = "empty_condition"
    EMPTY_BRANCHES = "empty_branches"
    WAIT_WITHOUT_TIME = "wait_without_time"
    WAIT_FOR_AND_UNTIL = "wait_for_and_until"
    UNKNOWN_NEXT_ACTIVITY = "unknown_next_activity"
    REFERENCE_LOOP = "reference_loop"
    NO_START_ACTIVITY = "no_start_activity"
    EMPTY_JOURNEY = "empty_journey"
    MANUAL_TRIGGER = "manual_trigger"
    EVENT_FILTER_NOT_ENFORCED = "event_filter_not_enforced"
    SEGMENT_PLACEHOLDER = "segment_placeholder"
    UNSUPPORTED_DIMENSION = "unsupported_dimension"
    APPROXIMATED_CONDITION = "approximated_condition"
    LIMITS_SETTING = "limits_setting"
    QUIET_TIME_SETTING = "quiet_time_setting"
    OPEN_HOURS_SETTING = "open_hours_setting"
    CLOSED_DAYS_SETTING = "closed_days_setting"
    SCHEDULE_SETTING = "schedule_setting"
    ATTRIBUTE_NAME_COLLISION = "attribute_name_collision"
    TEMPLATE_SYNTAX_ERROR = "template_syntax_error"
    TEMPLATE_UNSUPPORTED = "template_unsupported"
    INVALID_DEFAULT_SUBSTITUTIONS = "invalid_default_substitutions"
    # decisions worth knowing about
    JOURNEY_END_EXIT = "journey_end_exit"
    EVALUATION_WAIT = "evaluation_wait"
    EVENT_TRIGGER = "event_trigger"
    ATTRIBUTE_MAPPING = "attribute_mapping"
    SETTING_NOT_TRANSLATED = "setting_not_translated"
    TEMPLATE_UNESCAPED_OUTPUT = "template_unescaped_output"
    EVENT_CONDITION_SCOPE = "event_condition_scope"
    TEMPLATE_VERSION = "template_version"
    TEXT_PART_DROPPED = "text_part_dropped"
    IMPORTED_AS_DRAFT = "imported_as_draft"
    # shapes migrators have (boto3 dumps, request bodies, hand-written exports)
    RESPONSE_METADATA_IGNORED = "response_metadata_ignored"
    MISSING_RESPONSE_METADATA = "missing_response_metadata"
    JOURNEY_NOT_TRANSLATED = "journey_not_translated"
    TEMPLATE_REQUEST_BODY = "template_request_body"
    CUSTOM_ENDPOINT_TYPES = "custom_endpoint_types"
    ACTIVITY_DESCRIPTION = "activity_description"
    RANDOM_SPLIT_COLLAPSED = "random_split_collapsed"
    GOAL_EVENT_SET = "goal_event_set"
    FILE_SKIPPED = "file_skipped"
    DUPLICATE_TEMPLATE = "duplicate_template"
    """A template name (of one kind) supplied twice: the first is used, the other ignored."""
    DUPLICATE_SEGMENT = "duplicate_segment"
    """A segment id supplied twice: the first is used, the other ignored."""
    DUPLICATE_JOURNEY_ID = "duplicate_journey_id"
    """Two journeys of one export would get one id: the later one is renamed."""


MALFORMED_INPUT_CODES = frozenset(
    {
        ImportCode.UNRECOGNISED_EXPORT,
        ImportCode.UNKNOWN_KEY,
        ImportCode.MISCASED_KEY,
        ImportCode.WRONG_TYPE,
        ImportCode.VALUE_NOT_ALLOWED,
        ImportCode.MISSING_REQUIRED,
        ImportCode.NOT_ISO_DURATION,
        ImportCode.NOT_ISO_TIMESTAMP,
        ImportCode.NOT_HHMM_TIME,
    }
)
"""Codes that mean an input file is not a valid Pinpoint export (``import-pinpoint`` exits 1)."""

_IMPORT_INFO = frozenset(
    {
        ImportCode.JOURNEY_END_EXIT,
        ImportCode.EVALUATION_WAIT,
        ImportCode.EVENT_TRIGGER,
        ImportCode.ATTRIBUTE_MAPPING,
        ImportCode.SETTING_NOT_TRANSLATED,
        ImportCode.TEMPLATE_UNESCAPED_OUTPUT,
        ImportCode.EVENT_CONDITION_SCOPE,
        ImportCode.TEMPLATE_VERSION,
        ImportCode.TEXT_PART_DROPPED,
        ImportCode.IMPORTED_AS_DRAFT,
        ImportCode.RESPONSE_METADATA_IGNORED,
        ImportCode.MISSING_RESPONSE_METADATA,
        ImportCode.JOURNEY_NOT_TRANSLATED,
        ImportCode.ACTIVITY_DESCRIPTION,
        ImportCode.GOAL_EVENT_SET,
    }
)


def import_severity_of(code: ImportCode) -> ReportSeverity:
    """The fixed severity of an import report code.

    >>> import_severity_of(ImportCode.MISCASED_KEY)
    <ReportSeverity.ERROR: 'error'>
    >>> import_severity_of(ImportCode.HOLDOUT_REMOVED)
    <ReportSeverity.WARNING: 'warning'>
    """
    if code in MALFORMED_INPUT_CODES or code is ImportCode.ACTIVITY_NOT_TRANSLATED:
        return ReportSeverity.ERROR
    return ReportSeverity.INFO if code in _IMPORT_INFO else ReportSeverity.WARNING


# --- Journeys API errors (SPEC §5) --------------------------------------------------------


class ApiErrorCode(StrEnum):
    """The ``code`` of the Journeys API's error envelope (see ``simulator.backend.errors``)."""

    # 400
    INVALID_JSON = "invalid_json"
    INVALID_REQUEST = "invalid_request"
    NESTING_TOO_DEEP = "nesting_too_deep"
    TOO_MANY_STEPS = "too_many_steps"
    INVALID_SUBJECT = "invalid_subject"
    UNKNOWN_OVERRIDE = "unknown_override"
    VALIDATION_FAILED = "validation_failed"
    SEND_STEP_USES_TRANSACTIONAL_COMM = "send_step_uses_transactional_comm"
    RESERVED_JOURNEY_ID = "reserved_journey_id"
    INVALID_DOCUMENT = "invalid_document"
    """A request body with a repeated key: the code the CLI gives a file with one."""
    # 401, 402, 403
    UNAUTHORIZED = "unauthorized"
    AMBIGUOUS_CREDENTIALS = "ambiguous_credentials"
    TIER_LIMIT_EXCEEDED = "tier_limit_exceeded"
    FORBIDDEN = "forbidden"
    OVERRIDES_REQUIRE_OWNER = "overrides_require_owner"
    # 404, 405
    NOT_FOUND = "not_found"
    JOURNEY_NOT_FOUND = "journey_not_found"
    VERSION_NOT_FOUND = "version_not_found"
    DRAFT_NOT_FOUND = "draft_not_found"
    SUBJECT_NOT_FOUND = "subject_not_found"
    EXECUTION_NOT_FOUND = "execution_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    # 409
    CONFLICT = "conflict"
    DRAFT_CONFLICT = "draft_conflict"
    INVALID_TRANSITION = "invalid_transition"
    NO_DRAFT = "no_draft"
    DRAFT_EXISTS = "draft_exists"
    JOURNEY_EXISTS = "journey_exists"
    JOURNEY_ARCHIVED = "journey_archived"
    CONCURRENT_MODIFICATION = "concurrent_modification"
    IMPORT_CONFLICT = "import_conflict"
    EXECUTION_NOT_DUE = "execution_not_due"
    """A dispatch of an execution whose wake-up is after the clock's now."""
    EVENT_ID_CONFLICT = "event_id_conflict"
    """An inbound event under an id already used for another event (another name,
    time, end user or properties): ids make events idempotent, so it is refused."""
    # 413
    PAYLOAD_TOO_LARGE = "payload_too_large"
    JOURNEY_TOO_LARGE = "journey_too_large"
    # 415
    UNSUPPORTED_CONTENT_ENCODING = "unsupported_content_encoding"
    """A request body sent with a ``Content-Encoding`` (``gzip``, ...): bodies are
    read as sent, so it is refused rather than read as JSON that it is not."""
    # 5xx
    INTERNAL_ERROR = "internal_error"
    STORE_UNAVAILABLE = "store_unavailable"
    # journeysim serve --state
    INVALID_STATE_FILE = "invalid_state_file"


# --- Journey tests (scenario files, ``journeysim test``) ----------------------------------


class JourneyTestCode(StrEnum):
    """Why a scenario file cannot run (``journeysim test`` exits 2 with file:line:col)."""

    INVALID_SCENARIO = "invalid_scenario"
    DUPLICATE_CASE_NAME = "duplicate_case_name"
    INVALID_CASE_NAME = "invalid_case_name"
    UNKNOWN_JOURNEY = "unknown_journey"
    INVALID_JOURNEY = "invalid_journey"
    UNKNOWN_STEP = "unknown_step"
    UNKNOWN_ARM = "unknown_arm"
    UNKNOWN_RULE = "unknown_rule"
    UNKNOWN_SUBJECT = "unknown_subject"
    INVALID_SUBJECT = "invalid_subject"
    UNKNOWN_COMMUNICATION = "unknown_communication"
    EXPECTATION_NOT_APPLICABLE = "expectation_not_applicable"
    INVALID_PATTERN = "invalid_pattern"
    INVALID_DURATION = "invalid_duration"
    INVALID_TIMESTAMP = "invalid_timestamp"
