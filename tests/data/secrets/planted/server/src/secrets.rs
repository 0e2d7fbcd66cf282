//! FAKE credentials for the integration tests.

pub const PYPI_TOKEN: &str = "pypi-AgEIcHlwaS5vcmcFakek-lSktjNfGKIDqzevks_HJ3mRvuBpnBEuKlcwvJjN71bZ2ZiKU4d-ufvdcZkhOMdgGSlEIAyw_JiEqZDHhZgfBgIfk6tJNTKTYR2QEWAOwKdrfWElQ0U3I5XqapEjUTA46FnJx89";
pub const GITHUB_TOKEN: &str = "github_pat_11FAKE96U6HU0X5DEZEMZH_FakeopsjCSlVbRwfCIlL2lYTpkCZLQgy2ICflFDkVpxkLAJSUE2FwMMzXGe";
pub const OAUTH_TOKEN: &str = "gho_FakeGmT65R8SrDEAeae9Vnq7gu2x3QFdaLGE";

pub fn ec_key() -> &'static str {
    r#"-----BEGIN EC PRIVATE KEY-----
FakeRGWebSJ3OAkod9SAAkJkz+dKN6DB7dJMNziODm7E3DW9/mH9iqNwgLfK1wib
Fake5tkYVSYNJ2NJHmwVK2t/N0ubwwtV/PT19vRVbpMDfUoH2ZgHyCCbsbC4w1Dt
FakeFaWH5l2X+sm4KjmveJod6ax6f+qQ4ZrfilrAtADIFM7REzKGR6UZJl0epUfw
FakeTJaLlWuhjsU1UxIT==
-----END EC PRIVATE KEY-----"#
}
