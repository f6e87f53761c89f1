-- A fragment (a block comment `include credential_option(name=o.option_name)`): whether the option key {name} names
-- a credential, one of model/credentials.py's CREDENTIAL_WORDS in it, in any case (tests/test_credential_options
-- holds the two to one list). Such an option of a wrapper, server, foreign table or foreign column is never read
-- (its value would land in schema.yaml, state.json and the migrations): unmanaged.sql lists it by its key alone.
(pg_catalog.lower({name}::text) ~ 'password|passwd|pwd|passfile|passcode|passphrase|secret|token|credential|api_key|apikey|private_key|privatekey|sslkey|sa_key|conn_string|connection_string|connstr|conn_url')
