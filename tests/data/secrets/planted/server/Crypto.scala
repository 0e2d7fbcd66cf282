package crypto

// FAKE key material.
object Crypto {
  val key: String =
    """-----BEGIN RSA PRIVATE KEY-----
FakeUuq0VMQYnKXA0GzN+FFAqF8eoXMqUGMn7z0rJxWbGorKpOm+m21fkI5uJvPy
FakelsjJpMCCQHekQS09zCyuM07GNHpP1AWB7ccOtT2FADagSIg9VXDWqnzbnEzg
FakeZqw8kcdZBPVl3yakU7Czg5xCl4ZVE4EaJZKYSq0xnfMtkxlZ+rJHxc66fpKN
Fake7qY1gsqibvZEhmpchRrf0P2taY+LSz6hJr2QcuhrJUYDosa+xzJVYmM7O4f3
Fake74Y+cBI01vuJZCgkN4AqQ5xg1r4LKDz5Y/SyN8E20LlWZzyx/neMnqMyKiJv
FaketTiDKxY7Q9Z97DeAC/sXGDfOwl6fPhGht7XH2Jvpi1aQb+BpCchM3GL3EatE
FakekoeWOd9NnbQPYm1L==
-----END RSA PRIVATE KEY-----"""
  val awsSecretAccessKey = "FakeCY/rC0Xu/MAjveqvQAMyAnxcqPBQGY2/OxTS"
}
