/* FAKE credentials compiled into a test binary. */
static const char *aws_key_id = "ASIAFAKE12J1TL9R927I";
static const char *db_password = "SampleFalcon186#QYZw";
static const char *openai_key = "sk-svcacct-FaketLME4FhfhQBTtdGGaflJXnQTNyIlfYo-n5GLa2hXhMbO7Q1a-HX0RssTFupW3XYw4FZoSyAtAS0iDuwu2pwPD7LWTbjnwlIQKUJVLmti494z-437b--fCbpeJ6prZJL43R8Tar77WrSACjxaygHJTxOG";
