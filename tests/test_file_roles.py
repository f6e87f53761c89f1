"""migrations.file_roles: the roles a migration file's statements name, which a replay into a new cluster makes
first, read from tokens: a string or a comment naming one names none, PUBLIC and CURRENT_USER are no role, and a
role a file makes (CREATE ROLE) is its own."""

from __future__ import annotations

from schemac.migrations.file_roles import file_roles

FILE = """
GRANT SELECT ON t TO app, "Reader", GROUP g WITH GRANT OPTION GRANTED BY boss;
REVOKE ALL ON FUNCTION f(int, text) FROM old_app CASCADE;
ALTER TABLE t OWNER TO "owner x";
CREATE POLICY p ON t AS PERMISSIVE FOR SELECT TO pol1, PUBLIC USING (true);
ALTER POLICY p ON t RENAME TO p2;
ALTER POLICY p2 ON t TO pol2;
ALTER DEFAULT PRIVILEGES FOR ROLE adp IN SCHEMA s GRANT SELECT ON TABLES TO adg;
SET LOCAL SESSION AUTHORIZATION sa;
SET ROLE sr;
RESET ROLE;
CREATE SCHEMA s AUTHORIZATION sch;
GRANT r1, r2 TO member1;
REVOKE ADMIN OPTION FOR r3 FROM m2;
CREATE ROLE made_here NOLOGIN;
GRANT made_here TO current_user;
COMMENT ON TABLE t IS 'GRANT x TO in_a_string';
-- GRANT SELECT ON t TO in_a_comment;
CREATE FUNCTION g() RETURNS void LANGUAGE sql AS $$ GRANT SELECT ON t TO in_a_body $$;
CREATE USER MAPPING FOR um SERVER s;
GRANT SELECT ON t TO "public", pg_read_all_data;
"""


def test_the_roles_a_file_names_and_makes():
    named, made = file_roles([FILE])
    assert made == {"made_here"}
    assert named == {"app", "Reader", "g", "boss", "old_app", "owner x", "pol1", "pol2", "adp", "adg", "sa", "sr",
                     "sch", "r1", "r2", "member1", "r3", "m2", "made_here", "um"}
