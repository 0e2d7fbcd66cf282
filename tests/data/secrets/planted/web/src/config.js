// Front-end configuration (FAKE keys, planted for tests).
export const config = {
  googleMapsKey: "AIzaFakeyK5VSejBqKLVka8jZUpsHRnczKbio6H",
  stripeRestricted: 'rk_live_Fakek9Z4Lc7bgjpzdZRE7OL4CCwPYn8qxmLM9eZ3pc7k8swMGPweg92Wxq6JWHFfZ4mJjgWhoJioMPxGAwKc34CrxOdacKln0jX',
  githubToken: `ghp_FakeMsWSJlGuBteuNFasENhFg4q1DR04PmEs`,
  apiToken: "FakeqVORyelG2gJrJ6oEbz7Gsafv6hyY",
  adminPassword: "SampleOrange249*Kkso",
};

export const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiZmFrZS1wbGFudGVkIiwgImlhdCI6IDE3MDAwMDAwMDAsICJzY29wZSI6ICJhZG1pbiJ9.FakeuTVTDGAn_56bnCQ0ewudwqoCNFt_SRTV0KK1VDt";
