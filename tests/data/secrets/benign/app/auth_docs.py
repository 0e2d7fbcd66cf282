"""How credentials are passed (no values here)."""
password = os.environ["DB_PASSWORD"]
token = get_token(scope)
api_key = settings.API_KEY
secret = "${SECRET_FROM_ENV}"
password_label = "Enter your password"
if not password:
    raise ValueError('password required')
DB_URL = "postgres://{user}:{password}@{host}/db"
TEMPLATE = "%s://%s:%s@%s"
token_type = 'Bearer'
self.password = password
PASSWORD_FIELD = "password"
key = cache_key(request)
sort_key = "created_at"
