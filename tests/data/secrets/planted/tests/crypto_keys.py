"""Decrypting a PKCS#8 key (FAKE key material, planted for tests)."""

ENCRYPTED_KEY = b"""
-----BEGIN ENCRYPTED PRIVATE KEY-----
FakeTo4Lf16H9AKKy4Zv3anZs7Z/QaN1ypOzlERXNqosZDJhT0u8A9U/qaHPs2Ut
FakeoogH4j7EkWMufMyPGO2/uxgsvk39nf4QACQ1qJGcxKmFG5h05uwFMb3BXhxp
FakeJgcqV0XYFt2//qWGklb2RferH9dvi9qpD2KS0nEOroUrwirfO+4A7gjpys6A
FakeUdfmK/19mk88APZsrcIzVmWWA5Pi9y5vO+ymPyivjc8NQy6QitbwHmHCMW6g
FakeWLeoDJwZNIZREkT004u/R3j8h5OfXozdVR+guDerul++BnvK4oL8qryXRt8M
FakefYrXtdIrIY/8cl9Aj69vFWogmUrjD78sirUevmduM5XqAuPAtEqG62ouiSwg
FakedhIE5esJzYJvvLZw6EPd4/ifQKqk8NQvmVQ8hR+iSHTYmxlbr6Eie2u5bcIS
Fakecy6C/GDX1TcEY3GV==
-----END ENCRYPTED PRIVATE KEY-----
"""


def key_is_pem() -> bool:
    return ENCRYPTED_KEY.strip().startswith(b"-----BEGIN")
