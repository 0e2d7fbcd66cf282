namespace Shop;

// FAKE connection string and keys.
public static class Payments
{
    public const string Storage =
        "DefaultEndpointsProtocol=https;AccountName=fakeshop;AccountKey=m1FaEQXxhkoe0ghQw/JRg96RYjg52qJJdk9o9lx4QQ25bCSFBdDmUoXYl7oNvczptGwLPFWU7PURl3Isnj1iXg==;EndpointSuffix=core.windows.net";
    public const string Bus =
        "Endpoint=sb://fakeshop.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=VFYLHGPueIrCX5ChUCU+xZasv91dtaFUeQqkpNmgVbQ=";
    public static string Password { get; } = "DummyCopper629$qyet";
}
