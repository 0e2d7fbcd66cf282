"""Release artefacts and their digests (the sha256 lines are real-looking, not secret)."""

# sha256 of each wheel, checked after download
# sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
# sha256: 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbf9f4f6e4f5cbd
# sha256: fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13
# sha1 of the sdist: a94a8fe5ccb19ba61c4c0873d391e987982fbbd3
# md5 of the docs tarball: 5d41402abc4b2a76b9719d911017c592
# hash of the signing key: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
DIGESTS = {
    "wheel": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "sdist": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
}
UPLOAD_KEY = "FakerBVXjrOlJfl2m0pab+nICGEECfkK5WbjDhHoH8tlxTM/"
