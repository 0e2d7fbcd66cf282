# FAKE keys for the test suite.
module Keys
  SSH_KEY = <<~PEM
-----BEGIN OPENSSH PRIVATE KEY-----
Fake8DM+lYZ5R03MaE3kWv+Pk/5hTlBiW1/oY3JzcRqDgKfG2jhppnten9UeGL0S
Fakes6rRaC9pG9qmyV7EgMU+lMjqZqAMyP0KOmqmLxlgr9YUUwh6UEbFcX2NEVGq
Fake6Tob0ckaG6KLq3SBXHjbKzreDDBnDShYTnoUk+vavAfYYONxl94H6ZXXjLkt
FakeifwzVzVAB7jSRSOnUhuuzTeMMJyn1TPTzBrFW2FzWkSePdVuG3k8laj/qHJ4
FakexLmBo248JNhBN+d0sUYFqdBOkoKDl4729nGpFjrAhNIaSLh+BYWdlpJ+ftDJ
FakelszgK8v89T6BJ3eK05zQCNLwjP7UVFZ0tqPIB9EivBPiu6takpp+E7w72fMF
FakecKjjrNLjuSljM1eB==
-----END OPENSSH PRIVATE KEY-----
  PEM

  GITHUB_APP_TOKEN = "ghs_FakeI2XLww8pKhYaLPlezOdeKil783a2EtFs"
  CONFIG = { password: "PlantedHarbor939$IHAX", secret: "d1dfce4714a6243864c527c0432220528a0674f3c79479fc7ad42106fec2550d" }
end
