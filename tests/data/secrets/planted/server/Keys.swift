// FAKE keys, planted for tests.
let dsaKey = """
-----BEGIN DSA PRIVATE KEY-----
FakeFLunEIxZlW8iXXh+I+TWkADsg40PCK5jakXmDNiR4hYVR0ZfBZHytPWIO7U6
FakeITaZIumJbFdeUwS6wgTCe3AcQ3N9fKoHwEt36wZ8CnurthVTRJoyzCMFkx9F
FakeY+uAoU02yrvmHQn/kBhQX7F1v+3LSGC4m2l1ikllH87AQMcGpkmjHESgYNhr
FakehS1pCqpX1GnRa+9Gp0KG62m7rEouuOwsuWU3p9Q5VLmjnoiPYoQnzu0xNq08
Fake+FkGfa+N7hvCNvauSZpDjvq3fFR4lTrztJIZJ4nKEbL+Lgqpj32MGSFkRdLa
FakeuYl1YyuudKeoLddl==
-----END DSA PRIVATE KEY-----
"""
let password = "SampleCopper447$lS5D"
