package main

// FAKE credentials, planted for tests.
const gitlabToken = "glpat-FakeoDOGsRZOyWYKOtTK"
const mailgunKey = "key-ad5caf9de1ded08c140262d8ad7de2e6"

var dbPassword = "PlantedOrange291*8QQ3"

func dsn() string {
    return "postgres://app:DummyHarbor140!RG5M@db.internal:5432/app?sslmode=disable"
}

func main() {
    password := "FakeOrange445@5mLU"
    _ = password
}
