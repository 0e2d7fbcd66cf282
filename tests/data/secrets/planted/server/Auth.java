package demo;

/** Hard-coded (FAKE) credentials, the kind a scanner must catch. */
public final class Auth {
    private static final String DB_PASSWORD = "FakeFalcon148&bEvY";
    private static final String CLIENT_SECRET = "Fake1lwyr2qP5dJHSTmNhHWi6N42X4KNILD9aOI2";
    private static final String PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nFakeVmrD3RlnbZOTBT5RDyTo7WRYsQzB29shpk67kO6pMpuTI+IntuvvlYxxFDsq\nFakevio97oRXxgKOuNvIJifsM4sFb7oT/6kiJY4bISjrpbhHqcYSy+2Inw2B/tzg\nFakeiAPmhcdaGxW2qsnG3dJQfbi4fKvbFNJnC2aBRr6/aCn6OdgDMMlS92q/g9hT\nFakeA0ZYiPbGCwpGj6oPrD4ZSidOecpBy+06soDCZ5vvCS7JBegnB05uqIVuMcXk\nFake267f2JBvVgHPHzv2H97JQdH/70UlCZP0SQRR9FBn5ARhShLGEPgNlyVPnyvM\nFakeVZY/5xdje/90FWHlSLJULI0emqlYgGyAIAa/fumXl1uMDEC5/BFNV0KAvDBS\nFakedUx6CYJpHZFmO8J0==\n-----END PRIVATE KEY-----";

    private Auth() {}
}
