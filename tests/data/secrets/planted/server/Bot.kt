package bot

// FAKE bot credentials.
const val DISCORD_TOKEN = "MTFake4TulbFfSvH5qa6FqhCNM.Fakeox.FakeOxhgLl73q559P-BNsPzrYSeA6hWvw8kpIp"
val apiKey: String = "sk-Fake2R83hkYNaz8MtZUcT3BlbkFJGRJ6VRbglTTTJ38AfcLV"
val encryptionKey = "xyJfxygo0bdJpYKMDJXXhgK9/GJ6putwvIVIyXdS5LY="
