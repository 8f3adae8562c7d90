"""All settings in one place: an optional YAML file, then environment variables, into frozen dataclasses."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from index.settings import PROJECT_ROOT, IndexSettings


class ConfigError(ValueError):
    """A setting is invalid; the message names the environment variable or YAML key."""


# name -> (environment variable, YAML key, default, meaning). The README's settings table mirrors this.
SETTINGS: dict[str, tuple[str, str, Any, str]] = {
    "data_dir": ("SPARRING_DATA_DIR", "data_dir", "var", "Index, state and feedback files"),
    "knowledge_dir": ("SPARRING_KNOWLEDGE_DIR", "knowledge_dir", str(PROJECT_ROOT / "knowledge"), "Documents and YAML content"),
    "embedder": ("SPARRING_EMBEDDER", "embedder", "e5-small-q4", "e5-small-q4 or sentence-transformers:<model>"),
    "theme_groups": ("SPARRING_THEME_GROUPS", "theme_groups", "", "Theme groups YAML (default: knowledge/theme_groups.yaml)"),
    "dialogues": ("SPARRING_DIALOGUES", "dialogues", "", "Dialogue sets YAML (default: knowledge/dialogues.yaml)"),
    "state_store": ("SPARRING_STATE_STORE", "state_store", "sqlite", "sqlite (one replica), blob (several), memory (tests)"),
    "blob_connection_string": ("SPARRING_BLOB_CONNECTION_STRING", "blob_connection_string", "", "Azure Storage connection string"),
    "blob_container": ("SPARRING_BLOB_CONTAINER", "blob_container", "sparringsbot-state", "Blob container for state"),
    "retention_days": ("SPARRING_RETENTION_DAYS", "retention_days", 90, "Delete state and feedback older than this"),
    "rate_limit": ("SPARRING_RATE_LIMIT", "rate_limit", 30, "Messages per minute per conversation"),
    "max_message_chars": ("SPARRING_MAX_MESSAGE_CHARS", "max_message_chars", 4000, "Longer messages are cut"),
    "max_body_bytes": ("SPARRING_MAX_BODY_BYTES", "max_body_bytes", 262144, "Largest accepted HTTP body"),
    "log_level": ("SPARRING_LOG_LEVEL", "log_level", "INFO", "DEBUG, INFO, WARNING or ERROR"),
    "log_content": ("SPARRING_LOG_CONTENT", "log_content", False, "Log message text (debugging only; personal data!)"),
    "app_id": ("MicrosoftAppId", "microsoft_app_id", "", "Bot's Entra app id; empty = anonymous local mode"),
    "app_password": ("MicrosoftAppPassword", "microsoft_app_password", "", "Client secret of the app registration"),
    "app_type": ("MicrosoftAppType", "microsoft_app_type", "MultiTenant", "MultiTenant, SingleTenant or UserAssignedMSI"),
    "app_tenant_id": ("MicrosoftAppTenantId", "microsoft_app_tenant_id", "", "Tenant id (SingleTenant)"),
    "allowed_tenants": ("SPARRING_ALLOWED_TENANTS", "allowed_tenants", "",
                        "Comma-separated Entra tenant ids answered; others get 403 "
                        "(default: MicrosoftAppTenantId when SingleTenant, else all)"),
    "openid_metadata_url": ("SPARRING_OPENID_METADATA_URL", "openid_metadata_url", "",
                            "Advanced: token signing keys of the channel (sovereign clouds, tests)"),
    "token_issuer": ("SPARRING_TOKEN_ISSUER", "token_issuer", "", "Advanced: expected token issuer with the above"),
}


@dataclass(frozen=True)
class BotConfig:
    index: IndexSettings
    theme_groups_path: Path
    dialogues_path: Path
    state_store: str = "sqlite"
    blob_connection_string: str = field(default="", repr=False)
    blob_container: str = "sparringsbot-state"
    retention_days: int = 90
    rate_limit: int = 30
    max_message_chars: int = 4000
    max_body_bytes: int = 262144
    log_level: str = "INFO"
    log_content: bool = False
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    openid_metadata_url: str = ""
    token_issuer: str = ""
    allowed_tenants: tuple[str, ...] = ()      # empty: every tenant (a warning at start-up with an app id)

    @property
    def data_dir(self) -> Path:
        return self.index.data_dir

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.sqlite3"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    def with_overrides(self, **changes: Any) -> "BotConfig":
        return replace(self, **changes)


def _as_int(name: str, value: Any, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {value!r})") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum} (got {number})")
    return number


def _as_bool(name: str, value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "ja", "on"):
        return True
    if text in ("0", "false", "no", "nej", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false (got {value!r})")


_TENANT_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,99}$")


def _as_tenants(name: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    tenants = []
    for item in items:
        tenant = str(item).strip().lower()
        if not tenant:
            continue
        if not _TENANT_RE.match(tenant):
            raise ConfigError(f"{name} must be comma-separated tenant ids (got {str(item)!r})")
        tenants.append(tenant)
    return tuple(dict.fromkeys(tenants))


def load_config(env: Mapping[str, str] | None = None, config_file: Path | None = None) -> BotConfig:
    """YAML (SPARRING_CONFIG or config_file) first, environment variables override it."""
    env = os.environ if env is None else env
    file_values: dict[str, Any] = {}
    path = config_file or (Path(env["SPARRING_CONFIG"]) if env.get("SPARRING_CONFIG") else None)
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the configuration file ({exc})") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the configuration file must be a mapping of keys to values")
        known = {yaml_key for _, yaml_key, _, _ in SETTINGS.values()}
        for key in loaded:
            if key not in known:
                raise ConfigError(f"{path}: unknown key '{key}' (known: {', '.join(sorted(known))})")
        file_values = loaded

    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for name, (env_name, yaml_key, default, _) in SETTINGS.items():
        if env.get(env_name, "") != "":
            values[name], names[name] = env[env_name], env_name
        elif yaml_key in file_values and file_values[yaml_key] is not None:
            values[name], names[name] = file_values[yaml_key], f"{path}: {yaml_key}"
        else:
            values[name], names[name] = default, env_name

    knowledge_dir = Path(str(values["knowledge_dir"]))
    store = str(values["state_store"]).strip().lower()
    if store not in ("sqlite", "blob", "memory"):
        raise ConfigError(f"{names['state_store']} must be sqlite, blob or memory (got {values['state_store']!r})")
    if store == "blob" and not values["blob_connection_string"]:
        raise ConfigError("SPARRING_BLOB_CONNECTION_STRING is required when SPARRING_STATE_STORE=blob")
    level = str(values["log_level"]).strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"{names['log_level']} must be DEBUG, INFO, WARNING or ERROR (got {values['log_level']!r})")
    app_type = str(values["app_type"]).strip() or "MultiTenant"
    if app_type not in ("MultiTenant", "SingleTenant", "UserAssignedMSI"):
        raise ConfigError(f"{names['app_type']} must be MultiTenant, SingleTenant or UserAssignedMSI (got {app_type!r})")
    if bool(values["openid_metadata_url"]) != bool(values["token_issuer"]):
        raise ConfigError("SPARRING_OPENID_METADATA_URL and SPARRING_TOKEN_ISSUER must be set together")
    if app_type == "SingleTenant" and values["app_id"] and not values["app_tenant_id"]:
        raise ConfigError("MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant")

    allowed_tenants = _as_tenants(names["allowed_tenants"], values["allowed_tenants"])
    if not allowed_tenants and app_type == "SingleTenant" and values["app_tenant_id"]:
        allowed_tenants = _as_tenants(names["app_tenant_id"], values["app_tenant_id"])

    return BotConfig(
        index=IndexSettings(knowledge_dir=knowledge_dir, data_dir=Path(str(values["data_dir"])),
                            embedder=str(values["embedder"]).strip()),
        theme_groups_path=Path(str(values["theme_groups"])) if values["theme_groups"] else knowledge_dir / "theme_groups.yaml",
        dialogues_path=Path(str(values["dialogues"])) if values["dialogues"] else knowledge_dir / "dialogues.yaml",
        state_store=store,
        blob_connection_string=str(values["blob_connection_string"]),
        blob_container=str(values["blob_container"]),
        retention_days=_as_int(names["retention_days"], values["retention_days"], 1),
        rate_limit=_as_int(names["rate_limit"], values["rate_limit"], 1),
        max_message_chars=_as_int(names["max_message_chars"], values["max_message_chars"], 100),
        max_body_bytes=_as_int(names["max_body_bytes"], values["max_body_bytes"], 4096),
        log_level=level,
        log_content=_as_bool(names["log_content"], values["log_content"]),
        app_id=str(values["app_id"]).strip(),
        app_password=str(values["app_password"]),
        app_type=app_type,
        app_tenant_id=str(values["app_tenant_id"]).strip(),
        openid_metadata_url=str(values["openid_metadata_url"]).strip(),
        token_issuer=str(values["token_issuer"]).strip(),
        allowed_tenants=allowed_tenants,
    )
