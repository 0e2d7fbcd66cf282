"""Loads a (FAKE) service account from an inline JSON blob."""

import json

SERVICE_ACCOUNT = json.loads(
    '{"type": "service_account", "project_id": "fake-project", '
    '"private_key": "-----BEGIN PRIVATE KEY-----\nFakeHFnfIW7JC6ieGFwo5WeTQK6x46BtT/uPB6H6YW1AkeWrQwm2hE6U1yOq/MAr\nFakeUaDKmVPURej7HpAZfdj16EvEC++Ro/97xwkPqQE8kH6+lF+mF4rvCkdI9h2w\nFakeU3zVZgn932UO3muALUfbnllziGMGSIUwwy22ecKgVFJIBNRMiRLMLq4s8XF0\nFakeO3bNRNrZ10c/CtZ2oS8JKOCseMT7uq2n/Sk8d7k196r/9iDvDQVhFCT1Co7A\nFakeNkfV1EW89tL9iRoVf2+UxIwjcy5+ACq66JddlKrxAtF/ZBKrklL1ZNTqJory\nFakePUBRKU7oBMtGbkmyMA1Cp24X1dNaToGgoQG6r7cqdfalh6iCFwjYNzdgJ7gS\nFakeyUfqcsLzfOkjyLjTDR61BBkAub/owJLGuAHbtEt0h1Vde4uBJu4g1ncPBMDl\nFake/jAqmDJGLhMUHKmafXK3+3kNsJB1B1zcWGebPq2OAd2ezpKV6hG1sQfEXEU1\nFake5t8u3OG9EIAlshvG==\n-----END PRIVATE KEY-----\n", '
    '"client_email": "robot@fake-project.iam.gserviceaccount.com"}'
)
MAPS_KEY = "AIzaFakeQGYeMPotQ1VLaRwC-OV6rqtcGCl3uQe"
