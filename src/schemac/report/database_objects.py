"""What a change of a publication, an event trigger, a cast, a foreign server or a setting (the database's objects, in no schema) means in a
drift report. A cast changed is a DROP and a CREATE: its add_cast holds the old cast, and is the one reported. An owner that differs is security drift, as every other object's."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from schemac.compare.changes import Change
from schemac.compare.casts import cast_text
from schemac.compare.extension_members import member_settings_text
from schemac.model import Cast, DatabaseSetting, EventTrigger, ForeignDataWrapper, ForeignServer, Publication
from schemac.report.security import SECURITY, UNPINNED

DATABASE_OBJECT_KINDS = ("add_publication", "drop_publication", "alter_publication", "rename_publication",
                         "set_publication_owner", "set_publication_comment", "add_event_trigger", "drop_event_trigger",
                         "alter_event_trigger", "set_event_trigger_enabled", "set_event_trigger_owner",
                         "set_event_trigger_comment", "add_cast", "drop_cast", "add_foreign_server", "drop_foreign_server",
                         "alter_foreign_server", "set_foreign_server_options", "set_foreign_server_owner",
                         "set_foreign_server_comment", "add_foreign_data_wrapper", "drop_foreign_data_wrapper",
                         "set_foreign_data_wrapper_options", "set_foreign_data_wrapper_owner", "set_foreign_data_wrapper_comment",
                         "set_database_setting", "set_database_grant",
                         "set_database_comment")

_KINDS = {"publication": ("missing_publication", "unexpected_publication", "publication_changed"),
          "event trigger": ("missing_event_trigger", "unexpected_event_trigger", "event_trigger_changed"),
          "cast": ("missing_cast", "unexpected_cast", "cast_changed"),
          "foreign server": ("missing_foreign_server", "unexpected_foreign_server", "foreign_server_changed"),
          "foreign data wrapper": ("missing_foreign_data_wrapper", "unexpected_foreign_data_wrapper",
                                   "foreign_data_wrapper_changed"),
          "database setting": ("missing_database_setting", "unexpected_database_setting", "database_setting_changed")}


def describe_database_object(obj: Union[Publication, EventTrigger, Cast, ForeignServer, ForeignDataWrapper, DatabaseSetting,
                                        None]) -> Optional[str]:
    """One line: CREATE PUBLICATION's, CREATE EVENT TRIGGER's, CREATE CAST's, CREATE SERVER's or CREATE FOREIGN DATA
    WRAPPER's clauses, or a setting's value."""
    if isinstance(obj, DatabaseSetting):
        return obj.value
    if isinstance(obj, ForeignDataWrapper):
        options = ", ".join(f"{k} '{v}'" for k, v in obj.options)
        return " ".join(p for p in ("FOREIGN DATA WRAPPER", f"HANDLER {obj.handler}" if obj.handler else "NO HANDLER",
                                    f"VALIDATOR {obj.validator}" if obj.validator else "NO VALIDATOR",
                                    f"OPTIONS ({options})" if options else "") if p)
    if isinstance(obj, ForeignServer):
        options = ", ".join(f"{k} '{v}'" for k, v in obj.options)
        return " ".join(p for p in ("SERVER", f"TYPE '{obj.type}'" if obj.type is not None else "",
                                    f"VERSION '{obj.version}'" if obj.version is not None else "",
                                    f"FOREIGN DATA WRAPPER {obj.wrapper}", f"OPTIONS ({options})" if options else "") if p)
    if isinstance(obj, Cast):
        return cast_text(obj)
    if isinstance(obj, EventTrigger):
        tags = f" WHEN TAG IN ({', '.join(obj.tags)})" if obj.tags else ""
        return f"EVENT TRIGGER ON {obj.event}{tags} EXECUTE FUNCTION {obj.function}()"
    if obj is None:
        return None
    members = [f"{m.schema}.{m.name}" + (f" ({', '.join(m.columns)})" if m.columns is not None else "")
               + (f" WHERE ({m.where})" if m.where else "") for m in obj.tables]
    target = "FOR ALL TABLES" if obj.all_tables else \
        "FOR " + ", ".join([f"TABLE {m}" for m in members] + [f"TABLES IN SCHEMA {s}" for s in obj.schemas]) \
        if members or obj.schemas else "FOR no table"
    options = [f"publish = '{', '.join(obj.publish)}'"] + ["publish_via_partition_root"] * obj.via_partition_root + \
        ["publish_generated_columns = stored"] * obj.generated_columns
    return f"PUBLICATION {target} WITH ({', '.join(options)})"


def database_object_difference(c: Change, difference: type, file: Optional[str], line: Optional[int]):
    """The Difference of one publication, event trigger or cast change (`difference`: report.describe.Difference)."""
    old, new, k, name = c.old, c.new, c.kind, c.name
    if k == "set_database_setting":
        return _setting_difference(c, difference, file, line)
    if k == "set_database_comment":
        return difference("comment_changed", "database", "", "", "", new or None, old or None,
                          f"database: comment is {old or None!r}, expected {new or None!r}", file, line)
    if k == "set_database_grant":
        e = ", ".join(new.privileges).lower() if new is not None else ""  # type: ignore[union-attr]
        a = ", ".join(old.privileges).lower() if old is not None else ""  # type: ignore[union-attr]
        extra = set(old.privileges if old is not None else ()) - set(new.privileges if new is not None else ())  # type: ignore
        kind = ("unexpected_public_privilege" if name == "PUBLIC" else "unexpected_privilege") if extra else "missing_privilege"
        return difference(kind, "database grant", "", "", name, e, a,
                          f"{name} holds [{a}] on the database, expected [{e}]", file, line, SECURITY)
    what = "publication" if "publication" in k else "cast" if k.endswith("_cast") else \
        "foreign server" if "foreign_server" in k else "foreign data wrapper" if "foreign_data_wrapper" in k else "event trigger"
    missing, unexpected, changed = _KINDS[what]
    if k.startswith("add_") and old is None:
        return difference(missing, what, "", "", name, describe_database_object(new), None,  # type: ignore
                          f"{what} {name} is missing", file, line)
    if k.startswith("drop_"):
        return difference(unexpected, what, "", "", name, None, describe_database_object(old),  # type: ignore
                          f"{what} {name} is not in schema.yaml", file, line)
    if k.startswith("alter_") or k.startswith("add_") or k in ("set_foreign_server_options", "set_foreign_data_wrapper_options"):
        e, a = describe_database_object(new), describe_database_object(old)  # type: ignore[arg-type]
        return difference(changed, what, "", "", name, e, a,
                          f"{what} {name} is {a}, expected {e}", file, line)
    if k == "rename_publication":
        return difference("publication_changed", what, "", "", name, name, old.name,  # type: ignore[union-attr]
                          f"publication {name} is named {old.name} in the database "  # type: ignore[union-attr]
                          "(renamed_from in schema.yaml)", file, line)
    if k == "set_event_trigger_enabled":
        a = old.enabled if old is not None else None  # type: ignore[union-attr]
        return difference("event_trigger_state_changed", what, "", "", name, new.enabled, a,  # type: ignore[union-attr]
                          f"event trigger {name} is {a}, expected {new.enabled}", file, line)  # type: ignore[union-attr]
    if k.endswith("_owner"):
        a = old.owner if old is not None else None  # type: ignore[union-attr]
        return difference("owner_changed", what, "", "", name, new.owner, a,  # type: ignore[union-attr]
                          f"{what} {name} is owned by {a or 'another role'}, expected {new.owner or UNPINNED}",  # type: ignore
                          file, line, SECURITY)
    e, a = new.comment, old.comment if old is not None else None  # type: ignore[union-attr]
    return difference("comment_changed", what, "", "", name, e, a,
                      f"{what} {name}: comment is {a!r}, expected {e!r}", file, line)


def _setting_difference(c: Change, difference: type, file: Optional[str], line: Optional[int]):
    """ALTER DATABASE ... SET: a setting missing, not in schema.yaml, or of another value."""
    missing, unexpected, changed = _KINDS["database setting"]
    e, a = describe_database_object(c.new), describe_database_object(c.old)  # type: ignore[arg-type]
    kind, message = (missing, f"database setting {c.name} is missing (expected {e})") if a is None else \
        (unexpected, f"database setting {c.name} ({a}) is not in schema.yaml") if e is None else \
        (changed, f"database setting {c.name} is {a}, expected {e}")
    return difference(kind, "database setting", "", "", c.name, e, a, message, file, line)


def member_settings_difference(c: Change, difference: Callable[..., Any], file: Optional[str],
                               line: Optional[int]) -> Any:
    """An extension's `settings:` or `comments:` of its own objects not the database's, where its grants and owners
    are (those are security differences, report/security.py): plain drift. None for any other change."""
    new, old = c.new, c.old
    if c.kind != "set_extension_grants" or old is None or (new.grants, new.owners) != (old.grants, old.owners):  # type: ignore
        return None
    want, now = member_settings_text(old, new)  # type: ignore[arg-type]
    return difference("extension_changed", "extension", "", "", c.name, want, now,
                      f"extension {c.name}: the settings or comments of its own objects differ from schema.yaml's "
                      f"(schema.yaml: {want}; the database: {now})", file, line)
