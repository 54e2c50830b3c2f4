"""Load: bytes to documents, without running anything.

Takes a file's bytes and the limits; gives ``LoadedDoc``s (``loader.load_bytes``): each
document's plain data as YAML 1.2 reads it, the position of every key and item
(``sites``, ``keypath``), its shape problems (a syntax error, a duplicate key, a value two
YAML readers read two ways: ``readings``), and the doc schema's verdict (``docschema``,
run as code generated from the schema: ``deploylint.compiled``).
"""
