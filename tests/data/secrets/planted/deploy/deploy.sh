#!/bin/sh
# FAKE credentials exported for the deploy job.
export AWS_ACCESS_KEY_ID=AKIAFAKEICLTRTF8XIF8
export AWS_SECRET_ACCESS_KEY=FakeFej9ftmSi7hrhM+2VGcvdsvPn+BLatfp+YLi
export DB_PASSWORD="PlantedOrange251$9wa1"
aws s3 sync ./dist s3://fake-bucket/
