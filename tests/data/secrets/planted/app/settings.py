"""Service settings. Every credential below is FAKE, planted for tests."""

import os

DEBUG = os.environ.get("DEBUG") == "1"
SECRET_KEY = "django-insecure-FakeJI=b+^rO1uakE_!nRVXidV%wEDfWZ3)N@T-oxwqr*0Ec0N"
AWS_ACCESS_KEY_ID = "AKIAFAKEICLTRTF8XIF8"
AWS_SECRET_ACCESS_KEY = "FakeYeY7e5a4vMLGJQH1ip3xoMlPuLK7fjc+1oka"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "DummyCopper117!uQmo",
        "HOST": "db.internal",
    }
}
BROKER_URL = "amqp://guest:FakeHarbor923#spMD@mq.internal:5672//"
STRIPE_SECRET = "sk_live_FakecPILNfCIAii4bJbRHm46ZosN6kF4TF5kMn4CFT3Z2MlLL2pdhAqMRifZNTdafCsLI3oRRwpiOdTNNQHO538Fb5b8xF7CNWi"
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "sk-proj-Fakebqrcn3xHHRsXBIAjEut7RRRri3UY6Df1km-N9_n8EEubLLiyCkpT1kmarWbPvWFtK4z5deT3BlbkFJBVP3otsJ0igpGRi_eA5w2ZRo-unQdaC2QJ6Hu17dQdrvA8tn9tbBFkdTDtJkHNvoM4hZ2bIx0c")
ANTHROPIC_API_KEY = "sk-ant-api03-FakeHxB7byBvFaJuAMggS51yxIDV-kY-32cfdXbaVx-nxoFmL6jm8TMGiTjedYeulb-cTgfi7dJz54T4RmI0o-WGzm3NSAA"
SENDGRID_API_KEY = "SG.FakeXnkdtbZi5CWjlDk-Hh.Fakeu-4HiHFsePnB5DCz4bbenqFGX0w6k3TSuUVApWj"
