"""Live database (pg_catalog) -> the same :class:`schemac.model.Schema` the YAML loader builds.

Everything is read in one ``REPEATABLE READ READ ONLY`` transaction, so the queries see one snapshot
(a migration committing halfway through cannot give us half a table) and cannot change anything even
if pointed at production. The number of queries is fixed (one per kind of object, covering all
requested schemas), so introspecting 5 000 tables costs the same round trips as 5.

Only pg_catalog is read, which every role that may CONNECT can see: no table privileges needed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional
from urllib.parse import unquote

import psycopg
import psycopg.conninfo
from psycopg import errors as pgerrors
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from .errors import SchemacError
from .model import (Check, Column, Domain, Enum, Extension, ForeignKey, Identity, Index, IndexElement, Nulls,
                    PartitionOf, Partitioning, PrimaryKey, Schema, Sequence, SequenceOptions, Table, Unique,
                    Unmanaged)

__all__ = ["CatalogRows", "IntrospectResult", "build", "connect", "introspect", "read_catalog", "redact_url"]

APPLICATION_NAME = "schemac"
# One whole-database query per kind of object: the count does not grow with the database.
_QUERY_FILES = ("tables", "columns", "constraints", "indexes", "enums", "domains", "sequences", "extensions",
                "unmanaged")

# indoption bits (src/include/catalog/pg_index.h)
_INDOPTION_DESC = 0x0001
_INDOPTION_NULLS_FIRST = 0x0002


@dataclass(frozen=True)
class CatalogRows:
    """What the catalog queries returned, before it becomes a model. Reading needs psycopg only, so
    `schemac diff` can put the queries in flight before it has imported sqlglot (see drift.py)."""

    rows: dict[str, list[dict[str, Any]]]
    queries: int
    server_version: int


@dataclass(frozen=True)
class IntrospectResult:
    """The model plus what a caller needs to judge it: cost (queries) and server major."""

    schema: Schema
    queries: int
    server_version: int


# -- connecting ---------------------------------------------------------------------------------

# The password of a URI is what lies between the user's ':' and the LAST '@': users paste passwords with
# an unencoded '@' or '/', which libpq then reads as part of the host, port or database name. The scheme
# is not required ('postgres//u:pw@h' is a typo libpq echoes back whole).
_URI_PASSWORD = re.compile(r"^(?P<head>[^\s=@]*//[^:/?#@\s]*:)(?P<pw>.*)(?P<tail>@[^@]*)$", re.S)
_PARAM_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|(?:[^\s&\\]|\\.)*)", re.I)


def redact_url(url: str) -> str:
    """The connection string with any password replaced by ``***``: safe for messages and logs."""
    out = _URI_PASSWORD.sub(lambda m: m.group("head") + "***" + m.group("tail"), url)
    return _PARAM_PASSWORD.sub(lambda m: m.group("head") + "***", out)


def _passwords(url: Optional[str]) -> set[str]:
    """Every spelling of a password (or of its pieces) that a driver message could echo, to scrub it."""
    found: set[str] = set()
    if url:
        m = _URI_PASSWORD.match(url)
        if m and m.group("pw"):
            pw = m.group("pw")
            found |= {pw, unquote(pw)}
            # libpq splits a malformed password at '@', '/', ':' into host, port, dbname: scrub the pieces.
            found |= {piece for piece in re.split(r"[@/:?\s]", pw) if len(piece) >= 2}
        for m in _PARAM_PASSWORD.finditer(url):
            pw = m.group("pw")
            if pw:
                found |= {pw, unquote(pw), pw.strip("'")}
        if not m:  # key=value form: libpq's own parse is exact (for a URI, m.group("pw") is the password)
            try:
                parsed = psycopg.conninfo.conninfo_to_dict(url).get("password")
            except psycopg.Error:
                parsed = None
            if parsed:
                found.add(str(parsed))
    env_pw = os.environ.get("PGPASSWORD")
    if env_pw:
        found.add(env_pw)
    return {p for p in found if p}


def _one_line(message: str, secrets: Iterable[str] = ()) -> str:
    """Driver messages span lines (one per host tried, plus hints): fold them, minus any password."""
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text or "unknown error"


def _target(url: Optional[str]) -> str:
    """How to name the database in a message when we could not reach it."""
    if url:
        return redact_url(url)
    parts = [f"{k.lower()}={os.environ[k]}" for k in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER") if os.environ.get(k)]
    return "the server given by PG* environment variables" + (f" ({' '.join(parts)})" if parts else "")


def connect(url: Optional[str], connect_timeout: int = 10) -> psycopg.Connection:
    """Open an autocommit connection; ``url`` None means ``DATABASE_URL``, else libpq's PG* variables.

    Autocommit, because :func:`introspect` opens its own READ ONLY transaction explicitly.
    """
    if not url:
        url = os.environ.get("DATABASE_URL") or None
    try:
        return psycopg.connect(url or "", connect_timeout=connect_timeout,
                               application_name=APPLICATION_NAME, autocommit=True)
    except psycopg.Error as e:
        text = str(e).replace(url, redact_url(url)) if url else str(e)  # libpq echoes strings it cannot parse
        raise SchemacError(f"cannot connect to {_target(url)}: {_one_line(text, _passwords(url))}") from None


# -- reading the catalog ------------------------------------------------------------------------

_SQL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sql")


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of ``sql/<name>.sql``, shipped as package data (read from beside this module: the
    package is always installed as files, and importlib.resources costs `schemac diff` ~8 ms to import)."""
    with open(os.path.join(_SQL_DIR, f"{name}.sql"), encoding="utf-8") as f:
        return f.read()


def database_label(conn: psycopg.Connection) -> str:
    """'database app on db.internal:5432' (never the password): computed up front, while conn is alive."""
    try:
        info = conn.info
        return f"database {info.dbname} on {info.host}:{info.port}"
    except Exception:  # a closed connection cannot tell us
        return "the database"


def _error_message(e: psycopg.Error, label: str, statement_timeout_ms: int, lock_timeout_ms: int,
                   secrets: Iterable[str]) -> str:
    """One line saying what went wrong, in terms of the setting the user can change."""
    detail = _one_line(getattr(getattr(e, "diag", None), "message_primary", None) or str(e), secrets)
    if isinstance(e, pgerrors.QueryCanceled):
        return f"introspecting {label}: a catalog query was cancelled ({detail}; statement timeout " \
               f"{statement_timeout_ms} ms)"
    if isinstance(e, pgerrors.LockNotAvailable):
        return f"introspecting {label}: could not get a catalog lock within {lock_timeout_ms} ms ({detail})"
    if isinstance(e, pgerrors.InsufficientPrivilege):
        return f"introspecting {label}: permission denied ({detail})"
    if isinstance(e, psycopg.OperationalError):
        return f"introspecting {label}: lost the connection ({detail})"
    return f"introspecting {label} failed: {detail}"


class _Session:
    """Runs the catalog queries of one introspection and counts them."""

    def __init__(self, conn: psycopg.Connection, schemas: tuple[str, ...]):
        self.conn = conn
        self.params = {"schemas": list(schemas)}
        self.queries = 0

    def fetch(self, name: str) -> list[dict[str, Any]]:
        self.queries += 1
        # prepare=False: no server-side prepared statements, so poolers in transaction mode are fine.
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(sql_text(name), self.params, prepare=False)
            return cur.fetchall()


def _begin(conn: psycopg.Connection, statement_timeout_ms: int, lock_timeout_ms: int) -> None:
    """Open the READ ONLY snapshot transaction; the timeouts end with it (SET LOCAL)."""
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", prepare=False)
    # SET takes no bind parameters: the values are ints, rendered as literals by psycopg.
    for setting, value in (("statement_timeout", statement_timeout_ms), ("lock_timeout", lock_timeout_ms)):
        conn.execute(sql.SQL("SET LOCAL {} = {}").format(sql.Identifier(setting), sql.Literal(int(value))),
                     prepare=False)
    # Deparsed constants depend on these settings: a partition bound or default of type timestamptz
    # prints in the session's TimeZone ('2022-04-01 01:00:00+01' or '... 00:00:00+00'), dates and
    # intervals in its DateStyle / IntervalStyle. Pin them, so the model does not depend on PGTZ or on
    # the server's defaults. One round trip for the three (no parameters: simple query protocol).
    conn.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres'",
                 prepare=False)


def _rollback_quietly(conn: psycopg.Connection) -> None:
    """End the transaction; if the connection is already gone the original error is what matters."""
    try:
        if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
            conn.execute("ROLLBACK", prepare=False)
    except psycopg.Error:
        pass


def _restore_autocommit(conn: psycopg.Connection, value: bool) -> None:
    """Hand the caller's connection back as it came; a dead one has nothing left to restore."""
    try:
        if not conn.closed:
            conn.autocommit = value
    except psycopg.Error:
        pass


def introspect(conn: psycopg.Connection, schemas: tuple[str, ...], statement_timeout_ms: int = 30000,
               lock_timeout_ms: int = 5000) -> IntrospectResult:
    """Read the objects of ``schemas`` into a model, in one READ ONLY transaction that is rolled back.

    Extensions belong to the database, not to a schema: all of them are read whatever ``schemas`` says.
    """
    return build(read_catalog(conn, schemas, statement_timeout_ms, lock_timeout_ms))


def build(catalog: CatalogRows) -> IntrospectResult:
    """The model of what :func:`read_catalog` returned."""
    builder = ModelBuilder()
    for name, rows in catalog.rows.items():
        builder.add(name, rows)
    return builder.result(catalog)


def read_catalog(conn: psycopg.Connection, schemas: tuple[str, ...], statement_timeout_ms: int = 30000,
                 lock_timeout_ms: int = 5000,
                 on_rows: Optional[Callable[[str, list[dict[str, Any]]], None]] = None) -> CatalogRows:
    """The rows of every catalog query, from one READ ONLY snapshot transaction that is rolled back.
    ``on_rows(name, rows)`` is told of each query's rows as soon as they are in."""
    label = database_label(conn)
    if conn.closed:
        raise SchemacError(f"introspecting {label}: the connection is closed")
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise SchemacError(f"introspecting {label}: the connection is already inside a transaction; "
                           "introspection needs its own READ ONLY snapshot")
    secrets = _passwords(None) | ({conn.info.password} if conn.info.password else set())
    was_autocommit = conn.autocommit
    conn.autocommit = True  # so BEGIN below is ours, not psycopg's implicit one
    if isinstance(schemas, str):  # introspect(conn, "public") means one schema, not six letters
        schemas = (schemas,)
    session = _Session(conn, tuple(schemas))
    try:
        _begin(conn, statement_timeout_ms, lock_timeout_ms)
        rows = {}
        for name in _QUERY_FILES:
            rows[name] = session.fetch(name)
            if on_rows is not None:
                on_rows(name, rows[name])
        server_version = conn.info.server_version
    except psycopg.Error as e:
        raise SchemacError(_error_message(e, label, statement_timeout_ms, lock_timeout_ms, secrets)) from None
    finally:
        _rollback_quietly(conn)
        _restore_autocommit(conn, was_autocommit)
    return CatalogRows(rows=rows, queries=session.queries, server_version=server_version)


# -- catalog rows -> model ----------------------------------------------------------------------

@lru_cache(maxsize=None)
def _canonical(type_text: str) -> str:
    """format_type() text in the same canonical spelling as the loader's (a few distinct texts per database)."""
    from .sqltypes import TypeSyntaxError, canonical_type  # sqlglot: imported when the model is built

    try:
        return canonical_type(type_text)
    except TypeSyntaxError:
        return type_text  # a type sqlglot cannot read: format_type() already is the canonical spelling


# Value ranges of the types a sequence may have (format_type() spelling).
_SEQUENCE_RANGES = {
    "smallint": (-(2 ** 15), 2 ** 15 - 1),
    "integer": (-(2 ** 31), 2 ** 31 - 1),
    "bigint": (-(2 ** 63), 2 ** 63 - 1),
}


def _sequence_options(row: dict[str, Any], default_type: str) -> SequenceOptions:
    """pg_sequence columns (seq_*) as options, each None where it is Postgres's default.

    The defaults are those of CREATE SEQUENCE for the sequence's type and the sign of its increment:
    increment 1; ascending: min 1, max the type's maximum, start = min; descending: min the type's
    minimum, max -1, start = max; cache 1; no cycle. ``default_type`` is the type Postgres picks when
    none is given: bigint for a standalone sequence, the column's type for an identity.
    """
    type_ = row["seq_type"]
    increment = row["seq_increment"]
    low, high = _SEQUENCE_RANGES.get(type_, _SEQUENCE_RANGES["bigint"])
    ascending = increment > 0
    default_min, default_max = (1, high) if ascending else (low, -1)
    min_value, max_value, start = row["seq_min"], row["seq_max"], row["seq_start"]
    return SequenceOptions(
        type=None if type_ == default_type else type_,
        start=None if start == (min_value if ascending else max_value) else start,
        increment=None if increment == 1 else increment,
        min_value=None if min_value == default_min else min_value,
        max_value=None if max_value == default_max else max_value,
        cache=None if row["seq_cache"] == 1 else row["seq_cache"],
        cycle=bool(row["seq_cycle"]),
    )


def _column(row: dict[str, Any]) -> Column:
    """A pg_attribute row as a Column, with the type in the same canonical spelling as the loader's.

    An identity column carries its sequence's options (None where default for the column's type);
    a generated column (STORED, or PostgreSQL 18's VIRTUAL) carries its expression in ``generated``
    and no default.
    """
    type_ = _canonical(row["type_text"])
    identity: Optional[Identity] = None
    if row["identity"] in ("a", "d"):
        options = SequenceOptions()
        if row["seq_type"] is not None:
            options = _sequence_options(row, default_type=row["type_text"])
        identity = Identity(always=row["identity"] == "a", options=options)
    generated = row["generated_expr"] if row["generated_kind"] else None
    return Column(name=row["column_name"], type=type_, nullable=not row["not_null"],
                  default=None if identity or generated else row["default_expr"], comment=row["comment"],
                  identity=identity, generated=generated, collation=row["collation"],
                  virtual=row["generated_kind"] == "v")


def _nulls(option: int, order: str) -> Optional[Nulls]:
    """None when the nulls order is Postgres's default for the sort order, as the loader leaves it."""
    nulls_first = bool(option & _INDOPTION_NULLS_FIRST)
    if nulls_first == (order == "desc"):
        return None
    return "first" if nulls_first else "last"


def _index(row: dict[str, Any]) -> Index:
    """A pg_index row as an Index: key elements in order, then the INCLUDE columns."""
    key_count = row["key_count"]
    attnames, expressions, options = row["attnames"], row["expressions"], row["options"] or []
    opclasses = row["opclasses"] or []
    elements = []
    for pos in range(key_count):
        option = options[pos] if pos < len(options) else 0
        order = "desc" if option & _INDOPTION_DESC else "asc"
        column = attnames[pos]
        expression = expressions[pos] if column is None else None
        opclass = opclasses[pos] if pos < len(opclasses) else None
        elements.append(IndexElement(column=column, expression=expression, order=order,  # type: ignore[arg-type]
                                     nulls=_nulls(option, order), opclass=opclass))
    include = tuple(name for name in attnames[key_count:] if name is not None)
    return Index(name=row["index_name"], elements=tuple(elements), unique=row["is_unique"], method=row["method"],
                 where=row["predicate"], include=include, comment=row["comment"],
                 nulls_not_distinct=bool(row["nulls_not_distinct"]), valid=row["is_valid"])


def _foreign_key(con: dict[str, Any]) -> ForeignKey:
    return ForeignKey(
        columns=tuple(con["column_names"]), ref_table=con["ref_table"], ref_columns=tuple(con["ref_column_names"]),
        ref_schema=con["ref_schema"], name=con["constraint_name"], on_delete=con["on_delete"],
        on_update=con["on_update"], match_full=con["match_type"] == "f", deferrable=con["deferrable"],
        initially_deferred=con["initially_deferred"], not_valid=con["not_valid"], comment=con["comment"])


def _by_table(rows: list[dict[str, Any]], make: Any) -> dict[int, list[Any]]:
    """make(row) for every row, by table oid: the queries cover the whole database, tables are
    assembled afterwards."""
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row["table_oid"], []).append(make(row))
    return out


@dataclass
class _Constraints:
    """The constraints of one table, as the catalog lists them (sorted by _table)."""

    primary_key: Optional[PrimaryKey] = None
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def _constraints_by_table(rows: list[dict[str, Any]]) -> dict[int, _Constraints]:
    out: dict[int, _Constraints] = {}
    for con in rows:
        found = out.get(con["table_oid"])
        if found is None:
            found = out[con["table_oid"]] = _Constraints()
        if con["kind"] == "p":
            found.primary_key = PrimaryKey(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                           comment=con["comment"], deferrable=con["deferrable"],
                                           initially_deferred=con["initially_deferred"])
        elif con["kind"] == "u":
            found.uniques.append(Unique(columns=tuple(con["column_names"]), name=con["constraint_name"],
                                        comment=con["comment"], nulls_not_distinct=con["nulls_not_distinct"],
                                        deferrable=con["deferrable"], initially_deferred=con["initially_deferred"]))
        elif con["kind"] == "c":
            found.checks.append(Check(name=con["constraint_name"], expression=con["expression"],
                                      comment=con["comment"], not_valid=con["not_valid"]))
        elif con["kind"] == "f":
            found.foreign_keys.append(_foreign_key(con))
    return out


_NO_CONSTRAINTS = _Constraints()


def _table(row: dict[str, Any], columns: list[tuple[int, Column]], constraints: _Constraints,
           indexes: list[Index]) -> Table:
    partition_by: Optional[Partitioning] = None
    if row["partition_strategy"]:
        partition_by = Partitioning(strategy=row["partition_strategy"], key=row["partition_key"])
    partition_of: Optional[PartitionOf] = None
    if row["partition_parent"]:
        partition_of = PartitionOf(parent=row["partition_parent"], bound=row["partition_bound"],
                                   parent_schema=row["partition_parent_schema"])
    return Table(
        name=row["table_name"],
        schema=row["schema_name"],
        columns=tuple(c for _, c in sorted(columns, key=lambda pc: pc[0])),
        primary_key=constraints.primary_key,
        uniques=tuple(sorted(constraints.uniques, key=lambda u: u.name or "")),
        checks=tuple(sorted(constraints.checks, key=lambda c: c.name)),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        comment=row["comment"],
        foreign_keys=tuple(sorted(constraints.foreign_keys, key=lambda f: f.name or "")),
        partition_by=partition_by,
        partition_of=partition_of,
        unlogged=row["unlogged"],
    )


def _enum(row: dict[str, Any]) -> Enum:
    return Enum(name=row["type_name"], values=tuple(row["labels"]), schema=row["schema_name"], comment=row["comment"])


def _domain(row: dict[str, Any]) -> Domain:
    checks = tuple(Check(name=c["name"], expression=c["expression"], comment=c["comment"], not_valid=c["not_valid"])
                   for c in row["checks"])
    return Domain(name=row["type_name"], type=_canonical(row["type_text"]), schema=row["schema_name"],
                  default=row["default_expr"], not_null=row["not_null"],
                  checks=tuple(sorted(checks, key=lambda c: c.name)), comment=row["comment"])


def _sequence(row: dict[str, Any]) -> Sequence:
    owned_by: Optional[str] = None
    if row["owned_table"] is not None:  # Postgres requires the table to be in the sequence's schema
        owned_by = f"{row['owned_table']}.{row['owned_column']}"
    return Sequence(name=row["sequence_name"], schema=row["schema_name"],
                    options=_sequence_options(row, default_type="bigint"), owned_by=owned_by,
                    comment=row["comment"])


class ModelBuilder:
    """Builds the model from the catalog queries' rows, one query at a time, in any order: `schemac
    diff` turns each result into model objects while the server is still answering the next query."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._columns: dict[int, list[tuple[int, Column]]] = {}
        self._constraints: dict[int, _Constraints] = {}
        self._indexes: dict[int, list[Index]] = {}

    def add(self, name: str, rows: list[dict[str, Any]]) -> None:
        if name == "columns":
            self._columns = _by_table(rows, lambda r: (r["position"], _column(r)))
        elif name == "constraints":
            self._constraints = _constraints_by_table(rows)
        elif name == "indexes":
            self._indexes = _by_table(rows, _index)
        else:
            self._rows[name] = rows

    def result(self, catalog: CatalogRows) -> IntrospectResult:
        """The model of every query's rows (all added by now), with what `catalog` says of its reading."""
        return IntrospectResult(schema=self.schema(), queries=catalog.queries, server_version=catalog.server_version)

    def schema(self) -> Schema:
        """Everything is sorted here, with Python's code-point order, so the model does not depend on
        the server's collation. Rows of tables that tables.sql left out are dropped."""
        rows = self._rows
        built = [_table(row, self._columns.get(row["table_oid"], []),
                        self._constraints.get(row["table_oid"], _NO_CONSTRAINTS),
                        self._indexes.get(row["table_oid"], []))
                 for row in rows["tables"]]
        built.sort(key=lambda t: (t.schema, t.name))
        enums = sorted((_enum(r) for r in rows["enums"]), key=lambda e: (e.schema, e.name))
        domains = sorted((_domain(r) for r in rows["domains"]), key=lambda d: (d.schema, d.name))
        sequences = sorted((_sequence(r) for r in rows["sequences"]), key=lambda s: (s.schema, s.name))
        extensions = sorted((Extension(name=r["extension_name"], schema=r["schema_name"]) for r in rows["extensions"]),
                            key=lambda e: e.name)
        unmanaged = sorted((Unmanaged(kind=r["kind"], schema=r["schema_name"], name=r["object_name"])
                            for r in rows["unmanaged"]), key=lambda u: (u.kind, u.schema, u.name))
        return Schema(tables=tuple(built), source_file=None, enums=tuple(enums), domains=tuple(domains),
                      sequences=tuple(sequences), extensions=tuple(extensions), unmanaged=tuple(unmanaged))
