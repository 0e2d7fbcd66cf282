// FAKE PGP key, used by the signing tests.
#include <string>

const std::string kSigningKey = R"(
-----BEGIN PGP PRIVATE KEY BLOCK-----
Version: FakePG 1.0

FakeZKMbspHoKjWeWvPJTMpkoXv5I0ELD+cN4dJtwjdQj2yXSPuSeTmFfq9soDd1
FakehOkrnZTwe1ZlBWzejcWwlyaXW2hARJ3mp3QB6dOFnF4M1F/naS4BZ0rdsUAJ
FakehPpdabWGhizlaXhfsES5bVpAhQ2LgRCj7N+uG7XxIciJhW8kYmAzfWU1xU9f
Fake/6AHsuViGdir4JQs5X/6WEu6qoWgnWyLuoeDQkBHmACk6lLRWv9i9F0JCb6C
Fake+wchpCDbXoI2bddvhTu9FUjkq5VVknDgz5Xtf/ZLzCQt/1/71WZhe4X1BUNA
FakeE8jBuDrmrAk05LKVcAWxAdj6iQhs2Aga8a9szsmYW+FO/a7sZwcEaWDkhpIf
FakeqvjadZrb5m8FGNSw==
-----END PGP PRIVATE KEY BLOCK-----
)";
