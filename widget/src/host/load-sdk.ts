/**
 * Loads Zoho's embedded-app SDK: from Zoho's CDN inside Zoho CRM, or the stand-in the sandbox
 * serves when the hosting page is the local sandbox (loopback only), so the widget code is the same.
 */
const ZOHO_SDK = 'https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js';

export function sdkUrl(search: string): string {
  const serviceOrigin = new URLSearchParams(search).get('serviceOrigin');
  if (serviceOrigin) {
    try {
      const origin = new URL(serviceOrigin);
      if (origin.protocol === 'http:' && (origin.hostname === '127.0.0.1' || origin.hostname === 'localhost')) return `${origin.origin}/sdk/ZohoEmbededAppSDK.min.js`;
    } catch {
      // not a URL: Zoho's own SDK will complain in its own words
    }
  }
  return ZOHO_SDK;
}

export function loadZohoSdk(): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = sdkUrl(location.search);
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Could not load Zoho's SDK from ${script.src}`));
    document.head.append(script);
  });
}
