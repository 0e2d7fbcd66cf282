// Publishes packages; tokens are FAKE.
const NPM_TOKEN: string = "npm_Fakeoqt377OA0IxSBrt0ZFwV3GiGtTdzbz0w";
const SHOPIFY_ACCESS_TOKEN = "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";
const shopifySharedSecret = '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';

export function headers(): Record<string, string> {
  return { Authorization: `Bearer ${NPM_TOKEN}` };
}
